#include "pipeline/placeholders.hpp"

#include <doctest/doctest.h>

#include "pipeline/ssh.hpp"

using namespace lbdeploy::pipeline;

TEST_CASE("placeholders are replaced, other braces are left alone") {
    Placeholders values{"dmz", "lb1", "10.0.0.11", "10.0.0.10"};
    CHECK(expand("https://{host}:1936/ {vip} {node} {pair}", values) == "https://10.0.0.11:1936/ 10.0.0.10 lb1 dmz");
    CHECK(expand("awk '{print $1}' {unknown}", values) == "awk '{print $1}' {unknown}");
    CHECK(expand("{host}{host}", values) == "10.0.0.1110.0.0.11");
}

TEST_CASE("shell quoting survives quotes and expansions") {
    CHECK(shell_quote("/etc/haproxy/haproxy.cfg") == "'/etc/haproxy/haproxy.cfg'");
    CHECK(shell_quote("it's $(id)") == "'it'\\''s $(id)'");
}
