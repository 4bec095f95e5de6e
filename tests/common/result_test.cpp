#include "common/result.hpp"

#include <doctest/doctest.h>

using lbdeploy::common::fail;
using lbdeploy::common::Result;

namespace {

Result<int> half(int n) {
    if (n % 2 != 0) return fail(std::to_string(n) + " is odd");
    return n / 2;
}

}  // namespace

TEST_CASE("a result holds a value or the reason there is none") {
    auto ok = half(8);
    REQUIRE(ok);
    CHECK(*ok == 4);
    auto odd = half(3);
    REQUIRE_FALSE(odd);
    CHECK(odd.error() == "3 is odd");
}

TEST_CASE("reading the wrong side is a logic error, never a wrong read") {
    CHECK_THROWS_AS((void)half(3).value(), std::logic_error);
    CHECK_THROWS_AS((void)half(2).error(), std::logic_error);
}

TEST_CASE("value and error may have the same type") {
    Result<std::string> sha = std::string("abc");
    Result<std::string> unknown = fail("no such ref");
    CHECK(sha.value() == "abc");
    CHECK(unknown.error() == "no such ref");
}
