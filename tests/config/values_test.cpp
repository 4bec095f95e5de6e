#include <doctest/doctest.h>

#include <vector>

#include "config/secret_file.hpp"
#include "config/suggest.hpp"
#include "config/values.hpp"
#include "support/temp_dir.hpp"

using namespace lbdeploy::config;
using namespace std::chrono_literals;

TEST_CASE("durations need a unit and round-trip through format_duration") {
    CHECK(parse_duration("250ms") == 250ms);
    CHECK(parse_duration("15s") == 15s);
    CHECK(parse_duration("2m") == 2min);
    CHECK(parse_duration("1h") == 1h);
    CHECK(parse_duration("1m30s") == 90s);
    CHECK_FALSE(parse_duration("15"));
    CHECK_FALSE(parse_duration(""));
    CHECK_FALSE(parse_duration("s"));
    CHECK_FALSE(parse_duration("-5s"));
    CHECK_FALSE(parse_duration("5 s"));
    CHECK_FALSE(parse_duration("5d"));
    CHECK_FALSE(parse_duration("99999999999999999999s"));
    for (auto value : {0ms, 1ms, 1500ms, 15000ms, 120000ms, 7200000ms}) {
        CHECK(parse_duration(format_duration(value)) == value);
    }
}

TEST_CASE("sizes accept binary and decimal units") {
    CHECK(parse_size("512") == 512u);
    CHECK(parse_size("64KiB") == 65536u);
    CHECK(parse_size("4MiB") == 4u * 1024 * 1024);
    CHECK(parse_size("25MB") == 25'000'000u);
    CHECK_FALSE(parse_size("4 MiB"));
    CHECK_FALSE(parse_size("MiB"));
    CHECK_FALSE(parse_size("4XB"));
    CHECK(parse_size(format_size(3u * 1024 * 1024)) == 3u * 1024 * 1024);
}

TEST_CASE("modes are octal permission bits") {
    CHECK(parse_mode("0644") == 0644u);
    CHECK(parse_mode("600") == 0600u);
    CHECK(parse_mode("0o755") == 0755u);
    CHECK(parse_mode("2755") == 02755u);
    CHECK_FALSE(parse_mode("0999"));
    CHECK_FALSE(parse_mode("rw-r--r--"));
    CHECK_FALSE(parse_mode("64"));
    CHECK_FALSE(parse_mode("17777"));
    CHECK(format_mode(0600) == "0600");
}

TEST_CASE("addresses, host names and safe names") {
    CHECK(is_ip_address("198.18.0.10"));
    CHECK(is_ip_address("2001:db8::1"));
    CHECK_FALSE(is_ip_address("10.0.0.256"));
    CHECK(is_hostname("lb1.dmz.example.net"));
    CHECK_FALSE(is_hostname("lb1;rm -rf /"));
    CHECK_FALSE(is_hostname("-lb1"));
    CHECK_FALSE(is_hostname("a..b"));
    CHECK(is_safe_name("dmz-prod"));
    CHECK_FALSE(is_safe_name(".."));
    CHECK_FALSE(is_safe_name("a b"));
    CHECK_FALSE(is_safe_name("$(id)"));
    CHECK(is_host_port("127.0.0.1:8080"));
    CHECK(is_host_port("[::1]:8080"));
    CHECK(is_host_port("localhost:80"));
    CHECK_FALSE(is_host_port("127.0.0.1"));
    CHECK_FALSE(is_host_port("127.0.0.1:0"));
    CHECK_FALSE(is_host_port("127.0.0.1:70000"));
    CHECK_FALSE(is_host_port("[::1]"));
    CHECK_FALSE(is_host_port("::1:8080"));  // an IPv6 address needs its brackets
    CHECK_FALSE(is_host_port("[127.0.0.1]:80"));
    CHECK_FALSE(is_host_port("127.0.0.1:-80"));
    CHECK_FALSE(is_host_port(":80"));
}

TEST_CASE("a repository URL gives GitLab's project path and, for web hosts, the project's page") {
    CHECK(repository_path("https://gitlab.example/netops/lb-config.git") == "netops/lb-config");
    CHECK(repository_path("git@gitlab.example:netops/lb-config.git") == "netops/lb-config");
    CHECK(repository_path("ssh://git@gitlab.example:2222/netops/lb-config.git") == "netops/lb-config");
    CHECK(repository_path("/srv/git/lb-config.git") == "/srv/git/lb-config");
    CHECK(repository_web_url("https://gitlab.example/netops/lb-config.git") == "https://gitlab.example/netops/lb-config");
    CHECK(repository_web_url("http://gitlab.example/netops/lb-config") == "http://gitlab.example/netops/lb-config");
    CHECK(repository_web_url("git@gitlab.example:netops/lb-config.git") == "https://gitlab.example/netops/lb-config");
    CHECK_FALSE(repository_web_url("ssh://git@gitlab.example/netops/lb-config.git"));
    CHECK_FALSE(repository_web_url("deploy@gitlab.example:netops/lb-config.git"));
    CHECK_FALSE(repository_web_url("/srv/git/lb-config.git"));
    CHECK_FALSE(repository_web_url("file:///srv/git/lb-config.git"));
}

TEST_CASE("did-you-mean picks the closest key only when it is plausible") {
    std::vector<std::string> keys{"services", "nodes", "vip", "root", "repository"};
    CHECK(closest_match("servces", keys) == "services");
    CHECK(closest_match("node", keys) == "nodes");
    CHECK(closest_match("repo", keys) == std::nullopt);
    CHECK_FALSE(closest_match("completely-different", keys));
    CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("safe absolute paths have no shell, spaces or parent components") {
    CHECK(is_absolute_safe_path("/run/haproxy-master.sock"));
    CHECK(is_absolute_safe_path("/run/haproxy/master.sock"));
    CHECK_FALSE(is_absolute_safe_path("run/haproxy.sock"));
    CHECK_FALSE(is_absolute_safe_path("/"));
    CHECK_FALSE(is_absolute_safe_path("/run//x"));
    CHECK_FALSE(is_absolute_safe_path("/run/../etc/shadow"));
    CHECK_FALSE(is_absolute_safe_path("/run/a b"));
    CHECK_FALSE(is_absolute_safe_path("/run/$(id)"));
    CHECK_FALSE(is_absolute_safe_path("/run/x/"));
}

TEST_CASE("secret files: one secret per line, comments and blanks skipped, trailing space trimmed") {
    lbdeploy::testing::TempDir dir;
    lbdeploy::testing::write_file(dir / "tokens", "# api tokens\n\nalpha \r\nbeta\t\n");
    CHECK(lbdeploy::config::read_secret_lines(dir / "tokens") == std::vector<std::string>{"alpha", "beta"});
    lbdeploy::testing::write_file(dir / "empty", "# nothing\n\n");
    CHECK_THROWS_AS(lbdeploy::config::read_secret_lines(dir / "empty"), std::runtime_error);
    CHECK_THROWS_AS(lbdeploy::config::read_secret_lines(dir / "missing"), std::runtime_error);
}
