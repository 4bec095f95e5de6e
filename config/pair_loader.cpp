#include "config/section_loaders.hpp"

#include <fmt/format.h>

#include <array>
#include <map>
#include <regex>

#include "config/path_rules.hpp"
#include "config/values.hpp"

namespace lbdeploy::config {

namespace {

// Hosts already claimed by a node, across all pairs: a host in two pairs would
// be deployed by two jobs at once, which the one-job-per-pair rule cannot stop.
using HostOwners = std::map<std::string, std::string>;

bool has_repository(const std::vector<Repository>& repositories, const std::string& name) {
    return std::any_of(repositories.begin(), repositories.end(), [&](const Repository& r) { return r.name == name; });
}

void load_nodes(YamlMap map, HostOwners& owners, Pair& pair) {
    auto entries = map.entries();
    if (map.is_valid() && entries.size() != 2) {
        map.sink().error(map.mark(), map.path(),
                         fmt::format("a pair has exactly 2 nodes (MASTER and BACKUP), found {}", entries.size()));
    }
    for (auto& [name, node] : entries) {
        YamlMap node_map(map.sink(), node, map.child_path(name), node.Mark());
        Node result{name, ""};
        check_name(node_map, "node", name);
        if (node_map.read("host", result.host, Presence::required)) {
            auto mark = node_map.child("host")->Mark();
            auto path = node_map.child_path("host");
            if (!is_ip_address(result.host) && !is_hostname(result.host)) {
                map.sink().error(mark, path, fmt::format("\"{}\" is not an IP address or host name", result.host));
            } else if (auto [it, inserted] = owners.emplace(result.host, path); !inserted) {
                map.sink().error(mark, path, fmt::format("host {} is already used by {}", result.host, it->second));
            }
        }
        node_map.finish();
        pair.nodes.push_back(std::move(result));
    }
}

void load_dependencies(DiagnosticSink& sink, const YAML::Node& node, const std::string& path,
                       const std::vector<Repository>& repositories, Pair& pair) {
    if (!node.IsSequence()) {
        sink.error(node.Mark(), path, "expected a list of dependencies");
        return;
    }
    for (std::size_t i = 0; i < node.size(); ++i) {
        YamlMap map(sink, node[i], index_path(path, i), node[i].Mark());
        Dependency dependency;
        if (map.read("repository", dependency.repository, Presence::required) &&
            !has_repository(repositories, dependency.repository)) {
            map.error_at("repository", fmt::format("unknown repository \"{}\"", dependency.repository));
        }
        if (map.read("path", dependency.path, Presence::required)) {
            check_source_path(sink, map.child("path")->Mark(), map.child_path("path"), dependency.path);
        }
        if (map.read("dest", dependency.dest, Presence::required)) {
            check_destination(sink, map.child("dest")->Mark(), map.child_path("dest"), dependency.dest,
                              pair.allowed_paths);
        }
        map.read("reloads", dependency.reloads);
        map.finish();
        pair.dependencies.push_back(std::move(dependency));
    }
}

void load_allowed_paths(DiagnosticSink& sink, const YAML::Node& node, const std::string& path, Pair& pair) {
    if (!node.IsSequence() || node.size() == 0) {
        sink.error(node.Mark(), path, "expected a non-empty list of absolute directories");
        return;
    }
    pair.allowed_paths.clear();
    for (std::size_t i = 0; i < node.size(); ++i) {
        auto value = scalar_text(node[i]);
        if (!is_clean_absolute_path(value) || value == "/") {
            sink.error(node[i].Mark(), index_path(path, i),
                       fmt::format("\"{}\" must be an absolute directory other than \"/\", without \"..\"", value));
        }
        pair.allowed_paths.push_back(value);
    }
}

void load_checks_of(YamlMap& map, Pair& pair) {
    auto checks = map.child("checks");
    if (!checks) {
        return;
    }
    YamlMap checks_map(map.sink(), *checks, map.child_path("checks"), checks->Mark());
    if (auto node = checks_map.child("node")) load_checks(map.sink(), *node, checks_map.child_path("node"), pair.node_checks);
    if (auto node = checks_map.child("service")) {
        load_checks(map.sink(), *node, checks_map.child_path("service"), pair.service_checks);
    }
    checks_map.finish();
}

// `key: one of the names`; unknown words are errors naming the choices.
template <typename Enum, std::size_t N>
void read_choice(YamlMap& map, const std::string& key, const std::array<std::pair<const char*, Enum>, N>& choices,
                 Enum& out) {
    std::string word;
    if (!map.read(key, word)) return;
    for (const auto& [name, value] : choices) {
        if (word == name) {
            out = value;
            return;
        }
    }
    std::vector<std::string> names;
    for (const auto& choice : choices) names.emplace_back(choice.first);
    map.error_at(key, fmt::format("\"{}\" is not one of: {}", word, fmt::join(names, ", ")));
}

constexpr std::array recovery_choices{std::pair{"auto", Recovery::automatic}, std::pair{"manual", Recovery::manual}};
constexpr std::array on_failure_choices{std::pair{"restore_both", OnFailure::restore_both},
                                        std::pair{"keep_backup", OnFailure::keep_backup}};

void load_pair(YamlMap map, const std::string& name, const std::vector<Repository>& repositories,
               HostOwners& owners, Pair& pair) {
    pair.name = name;
    check_name(map, "pair", name);
    if (map.read("repository", pair.repository, Presence::required) &&
        !has_repository(repositories, pair.repository)) {
        map.error_at("repository", fmt::format("unknown repository \"{}\"", pair.repository));
    }
    if (map.read("root", pair.root, Presence::required)) {
        check_source_path(map.sink(), map.child("root")->Mark(), map.child_path("root"), pair.root);
    }
    if (auto nodes = map.child("nodes", Presence::required)) {
        load_nodes(YamlMap(map.sink(), *nodes, map.child_path("nodes"), nodes->Mark()), owners, pair);
    }
    if (map.read("vip", pair.vip, Presence::required) && !is_ip_address(pair.vip)) {
        map.error_at("vip", fmt::format("\"{}\" is not an IP address", pair.vip));
    }
    if (auto paths = map.child("allowed_paths")) load_allowed_paths(map.sink(), *paths, map.child_path("allowed_paths"), pair);
    if (auto deps = map.child("dependencies")) {
        load_dependencies(map.sink(), *deps, map.child_path("dependencies"), repositories, pair);
    }
    if (auto services = map.child("services", Presence::required)) {
        load_services(YamlMap(map.sink(), *services, map.child_path("services"), services->Mark()), pair, pair.services);
    }
    load_checks_of(map, pair);
    if (auto failover = map.child("failover")) {
        load_failover(YamlMap(map.sink(), *failover, map.child_path("failover"), failover->Mark()), pair.failover);
    }
    read_choice(map, "recovery", recovery_choices, pair.recovery);
    read_choice(map, "on_failure", on_failure_choices, pair.on_failure);
    map.finish();
}

}  // namespace

void load_pairs(YamlMap map, const std::vector<Repository>& repositories, std::vector<Pair>& out) {
    HostOwners owners;
    load_named(map, "pair", out, [&](YamlMap pair_map, const std::string& name, Pair& pair) {
        load_pair(std::move(pair_map), name, repositories, owners, pair);
    });
}

void load_failover(YamlMap map, Failover& out) {
    for (auto [key, field] : {std::pair{"release", &out.release}, std::pair{"restore", &out.restore},
                              std::pair{"holds_vip", &out.holds_vip}}) {
        if (map.read(key, *field)) {
            check_placeholders(map.sink(), map.child(key)->Mark(), map.child_path(key), *field);
        }
    }
    map.read("timeout", out.timeout);
    map.finish();
}

void check_placeholders(DiagnosticSink& sink, const YAML::Mark& mark, const std::string& path,
                        const std::string& text) {
    static const std::regex placeholder(R"(\{([^{}]*)\})");
    for (std::sregex_iterator it(text.begin(), text.end(), placeholder), end; it != end; ++it) {
        auto name = (*it)[1].str();
        if (name != "host" && name != "vip" && name != "node" && name != "pair") {
            sink.error(mark, path,
                       fmt::format("unknown placeholder {{{}}}; lbdeploy substitutes only {{host}}, {{vip}}, "
                                   "{{node}} and {{pair}}",
                                   name));
        }
    }
}

}  // namespace lbdeploy::config
