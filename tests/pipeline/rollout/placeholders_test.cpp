#include "pipeline/rollout/placeholders.hpp"

#include <doctest/doctest.h>

using namespace lbdeploy::rollout;

TEST_CASE("placeholders are replaced, other braces are left alone") {
    Placeholders values{"dmz", "lb1", "10.0.0.11", "10.0.0.10"};
    CHECK(expand("https://{host}:1936/ {vip} {node} {pair}", values) == "https://10.0.0.11:1936/ 10.0.0.10 lb1 dmz");
    CHECK(expand("awk '{print $1}' {unknown}", values) == "awk '{print $1}' {unknown}");
    CHECK(expand("{host}{host}", values) == "10.0.0.1110.0.0.11");
}
