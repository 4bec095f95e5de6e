#include <doctest/doctest.h>

#include "config/config_loader.hpp"
#include "support/temp_dir.hpp"

using namespace lbdeploy;
using namespace std::chrono_literals;

namespace {

constexpr const char* minimal = R"(
ssh: {identity_file: keys/id_ed25519, known_hosts: /etc/lbdeploy/known_hosts}
repositories:
  lb-config: {url: "git://127.0.0.1/lb-config.git"}
pairs:
  dmz:
    repository: lb-config
    root: dmz/filesystem
    nodes: {lb1: {host: 198.18.0.11}, lb2: {host: 198.18.0.12}}
    vip: 198.18.0.10
    services:
      haproxy:
        files: [etc/haproxy/haproxy.cfg, "etc/haproxy/errors/*.http"]
      keepalived:
        files: [{src: "etc/keepalived/keepalived-{node}.conf", dest: /etc/keepalived/keepalived.conf, mode: "0600"}]
)";

}  // namespace

TEST_CASE("a minimal config gets the documented defaults") {
    auto result = config::parse_config(minimal, "minimal.yaml");
    REQUIRE(result.ok());
    const auto& cfg = result.config;
    CHECK(cfg.server.listen == "127.0.0.1:8080");
    CHECK(cfg.server.max_parallel_pairs == 4);
    CHECK(cfg.server.max_body_size == 4u * 1024 * 1024);
    CHECK(cfg.ssh.user == "root");
    CHECK(cfg.ssh.connect_timeout == 10s);
    CHECK_FALSE(cfg.ssh.trust_unknown_hosts);
    CHECK(cfg.repositories.at(0).branch == "main");
    const auto& pair = cfg.pairs.at(0);
    CHECK(pair.allowed_paths == std::vector<std::string>{"/etc"});
    CHECK(pair.failover.timeout == 15s);
    REQUIRE(pair.nodes.size() == 2);
    CHECK(pair.nodes[1].name == "lb2");
}

TEST_CASE("short file entries deploy to the mirrored path, and patterns to their directory") {
    auto result = config::parse_config(minimal, "minimal.yaml");
    REQUIRE(result.ok());
    const auto& haproxy = result.config.pairs.at(0).services.at(0);
    CHECK(haproxy.files.at(0).dest == "/etc/haproxy/haproxy.cfg");
    CHECK(haproxy.files.at(1).dest == "/etc/haproxy/errors/");
    CHECK_FALSE(haproxy.files.at(0).mode);
    const auto& keepalived = result.config.pairs.at(0).services.at(1);
    CHECK(keepalived.files.at(0).src == "etc/keepalived/keepalived-{node}.conf");
    CHECK(keepalived.files.at(0).mode == 0600u);
}

TEST_CASE("relative paths resolve against the config file's directory") {
    testing::TempDir dir;
    testing::write_file(dir / "conf/lbdeploy.yaml", minimal);
    auto result = config::load_config_file(dir / "conf/lbdeploy.yaml");
    REQUIRE(result.ok());
    CHECK(result.config.ssh.identity_file == dir / "conf/keys/id_ed25519");
    CHECK(result.config.ssh.known_hosts == "/etc/lbdeploy/known_hosts");
}

TEST_CASE("all errors are reported at once, in file order") {
    auto result = config::parse_config(R"(
ssh: {identity_file: /k, known_hosts: /kh, port: 0}
repositories:
  lb-config: {url: "git://127.0.0.1/lb-config.git", brnch: main}
pairs:
  dmz:
    repository: nope
    root: dmz
    nodes: {lb1: {host: 198.18.0.11}}
    vip: 198.18.0.10
    services: {haproxy: {files: [etc/haproxy/haproxy.cfg]}}
)",
                                       "multi.yaml");
    REQUIRE(result.diagnostics.size() == 4);
    CHECK(result.diagnostics[0].key_path == "ssh.port");
    CHECK(result.diagnostics[1].message == "unknown key \"brnch\" (did you mean \"branch\"?)");
    CHECK(result.diagnostics[2].key_path == "pairs.dmz.repository");
    CHECK(result.diagnostics[3].message == "a pair has exactly 2 nodes (MASTER and BACKUP), found 1");
    CHECK(result.diagnostics[3].line == 9);
}

TEST_CASE("a missing file is a diagnostic, and load_config_or_throw throws ConfigInvalid") {
    testing::TempDir dir;
    auto result = config::load_config_file(dir / "absent.yaml");
    REQUIRE(result.diagnostics.size() == 1);
    CHECK(result.diagnostics[0].message.find("cannot read") != std::string::npos);
    CHECK_THROWS_AS(config::load_config_or_throw(dir / "absent.yaml"), config::ConfigInvalid);
}

TEST_CASE("Config lookups by name") {
    auto result = config::parse_config(minimal, "minimal.yaml");
    REQUIRE(result.ok());
    CHECK(result.config.find_pair("dmz") != nullptr);
    CHECK(result.config.find_pair("nope") == nullptr);
    CHECK(result.config.find_repository("lb-config")->url == "git://127.0.0.1/lb-config.git");
}
