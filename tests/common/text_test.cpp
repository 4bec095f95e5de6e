#include "common/text.hpp"

#include <doctest/doctest.h>

using namespace lbdeploy::common;

TEST_CASE("lines: a trailing newline adds no empty line, a last line without one counts") {
    CHECK(split_lines("").empty());
    CHECK(split_lines("a\nb\n") == std::vector<std::string_view>{"a", "b"});
    CHECK(split_lines("a\n\nb") == std::vector<std::string_view>{"a", "", "b"});
    CHECK(split_lines("\n") == std::vector<std::string_view>{""});
}

TEST_CASE("integers: the whole text or nothing") {
    CHECK(parse_integer("42") == 42);
    CHECK(parse_integer("-7") == -7);
    CHECK_FALSE(parse_integer(""));
    CHECK_FALSE(parse_integer("4x"));
    CHECK_FALSE(parse_integer(" 4"));
    CHECK_FALSE(parse_integer("99999999999999999999"));
}

TEST_CASE("host:port splits at the last colon and understands brackets") {
    CHECK(split_host_port("127.0.0.1:8080").host == "127.0.0.1");
    CHECK(split_host_port("127.0.0.1:8080").port == "8080");
    CHECK(split_host_port("lb1.example").port.empty());
    CHECK(split_host_port("[::1]:443").host == "::1");
    CHECK(split_host_port("[::1]:443").port == "443");
    CHECK(split_host_port("[::1]").port.empty());
}

TEST_CASE("shell quoting survives quotes and expansions") {
    CHECK(shell_quote("/etc/haproxy/haproxy.cfg") == "'/etc/haproxy/haproxy.cfg'");
    CHECK(shell_quote("it's $(id)") == "'it'\\''s $(id)'");
}

TEST_CASE("the zero SHA is all zeros and not empty") {
    CHECK(is_zero_sha(std::string(40, '0')));
    CHECK_FALSE(is_zero_sha(""));
    CHECK_FALSE(is_zero_sha("0000000000000000000000000000000000000001"));
}

TEST_CASE("the parent directory of an absolute path") {
    CHECK(parent_directory("/etc/haproxy/haproxy.cfg") == "/etc/haproxy");
    CHECK(parent_directory("/journal.json") == "/");
}
