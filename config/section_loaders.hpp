#pragma once
// Private to config/: one loader per top-level section. Each reads its part of
// the document into `out`, reporting problems to the map's sink.

#include <set>
#include <string>

#include "config/config.hpp"
#include "config/yaml_map.hpp"

namespace lbdeploy::config {

void load_server(YamlMap map, ServerSettings& out);
void load_auth(YamlMap map, AuthSettings& out);
void load_gitlab(YamlMap map, GitlabSettings& out);
void load_ssh(YamlMap map, SshSettings& out);
void load_repositories(YamlMap map, std::vector<Repository>& out);
void load_pairs(YamlMap map, const std::vector<Repository>& repositories, std::vector<Pair>& out);
void load_services(YamlMap map, const Pair& pair, std::vector<Service>& out);
void load_checks(DiagnosticSink& sink, const YAML::Node& node, const std::string& path, std::vector<Check>& out);
void load_failover(YamlMap map, Failover& out);

// Reports placeholders other than {host} {vip} {node} {pair} in a command or
// check target; these are the only values lbdeploy substitutes, all validated.
void check_placeholders(DiagnosticSink& sink, const YAML::Mark& mark, const std::string& path,
                        const std::string& text);

}  // namespace lbdeploy::config
