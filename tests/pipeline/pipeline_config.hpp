#pragma once
// A configuration for pipeline tests: two pairs in one repository, per-node
// keepalived files, a glob, and a Lua dependency from a second repository.

#include <doctest/doctest.h>

#include <string>

#include "config/config_loader.hpp"

namespace lbdeploy::testing {

inline config::Config pipeline_test_config(const std::string& lb_config_url = "/srv/git/lb-config.git",
                                           const std::string& lua_url = "/srv/git/lua.git",
                                           const std::string& data_dir = "/var/lib/lbdeploy") {
    std::string text = R"(
server: {data_dir: ")" + data_dir + R"("}
ssh: {use_agent: true, known_hosts: /etc/lbdeploy/known_hosts}
repositories:
  lb-config: {url: ")" + lb_config_url + R"("}
  lua: {url: ")" + lua_url + R"("}
  pinned: {url: /srv/git/pinned.git, ref: v1}
pairs:
  dmz:
    repository: lb-config
    root: dmz/filesystem
    nodes: {lb1: {host: 10.0.0.11}, lb2: {host: 10.0.0.12}}
    vip: 10.0.0.10
    dependencies:
      - {repository: lua, path: lua, dest: /etc/haproxy/lua/, reloads: haproxy}
    services:
      haproxy:
        files: [etc/haproxy/haproxy.cfg, "etc/haproxy/errors/*.http"]
      keepalived:
        files:
          - {src: "etc/keepalived/keepalived-{node}.conf", dest: /etc/keepalived/keepalived.conf, mode: "0600"}
  intranet:
    repository: lb-config
    root: intranet/filesystem
    nodes: {lb3: {host: 10.1.0.11}, lb4: {host: 10.1.0.12}}
    vip: 10.1.0.10
    dependencies:
      - {repository: pinned, path: tools/check.sh, dest: /usr/local/bin/check.sh}
    allowed_paths: [/etc, /usr/local/bin]
    services:
      haproxy: {files: [etc/haproxy/haproxy.cfg]}
)";
    auto parsed = config::parse_config(text, "pipeline-test.yaml", "");
    for (const auto& diagnostic : parsed.diagnostics) MESSAGE(diagnostic.to_string());
    REQUIRE(parsed.ok());
    return parsed.config;
}

}  // namespace lbdeploy::testing
