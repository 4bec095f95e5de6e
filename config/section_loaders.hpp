#pragma once
// Private to config/: one loader per top-level section. Each reads its part of
// the document into `out`, reporting problems to the map's sink.

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "config/yaml_map.hpp"

namespace lbdeploy::config {

void load_server(YamlMap map, ServerSettings& out);
void load_auth(YamlMap map, AuthSettings& out);
void load_limits(YamlMap map, Limits& out);
void load_gitlab(YamlMap map, GitlabSettings& out);
void load_ssh(YamlMap map, SshSettings& out);
void load_repositories(YamlMap map, std::vector<Repository>& out);
void load_pairs(YamlMap map, const std::vector<Repository>& repositories, std::vector<Pair>& out);
void load_services(YamlMap map, const Pair& pair, std::vector<Service>& out);
void load_checks(DiagnosticSink& sink, const YAML::Node& node, const std::string& path, std::vector<Check>& out);
void load_failover(YamlMap map, Failover& out);

// A section of name -> mapping entries (repositories, pairs, services): each
// entry loaded by `load(entry_map, name, item)` in file order; an empty
// section is reported as "at least one <what> is needed".
template <typename T, typename Load>
void load_named(YamlMap& map, const std::string& what, std::vector<T>& out, Load load) {
    auto entries = map.entries();
    if (map.is_valid() && entries.empty()) {
        map.sink().error(map.mark(), map.path(), "at least one " + what + " is needed");
    }
    for (auto& [name, node] : entries) {
        T item;
        load(YamlMap(map.sink(), node, map.child_path(name), node.Mark()), name, item);
        out.push_back(std::move(item));
    }
}

// Reports at `map` a name that is not is_safe_name(): "<what> names may use ...".
void check_name(YamlMap& map, const std::string& what, const std::string& name);

// Reports placeholders other than {host} {vip} {node} {pair} in a command or
// check target; these are the only values lbdeploy substitutes, all validated.
void check_placeholders(DiagnosticSink& sink, const YAML::Mark& mark, const std::string& path,
                        const std::string& text);

}  // namespace lbdeploy::config
