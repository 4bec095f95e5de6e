#include "config/section_loaders.hpp"

#include <fmt/format.h>

#include "config/path_rules.hpp"
#include "config/values.hpp"

namespace lbdeploy::config {

namespace {

void check_file(DiagnosticSink& sink, const YAML::Mark& mark, const std::string& path, const Pair& pair,
                const FileSpec& file) {
    if (!check_source_path(sink, mark, path, file.src)) {
        return;
    }
    if (file.src.find("{node}") != std::string::npos && file.dest.find("{node}") != std::string::npos) {
        sink.error(mark, path, "a per-node source ({node}) needs a \"dest\" that is the same on both nodes");
        return;
    }
    if (has_glob(file.src) && !file.dest.ends_with('/')) {
        sink.error(mark, path, fmt::format("\"{}\" is a pattern; its \"dest\" must be a directory ending in \"/\"",
                                           file.src));
        return;
    }
    check_destination(sink, mark, path, file.dest, pair.allowed_paths);
}

void load_file_map(YamlMap map, FileSpec& file) {
    map.read("src", file.src, Presence::required);
    map.read("dest", file.dest);
    std::string mode;
    if (map.read("mode", mode)) {
        file.mode = parse_mode(mode);
        if (!file.mode) {
            map.error_at("mode", fmt::format("\"{}\" is not an octal file mode such as \"0640\"",
                                         mode));
        }
    }
    for (auto [key, field] : {std::pair{"owner", &file.owner}, std::pair{"group", &file.group}}) {
        if (map.read(key, *field) && !is_safe_name(*field)) {
            map.error_at(key, fmt::format("\"{}\" is not a valid user or group name", *field));
        }
    }
    map.finish();
}

// Short form: "etc/haproxy/haproxy.cfg" deploys to "/etc/haproxy/haproxy.cfg";
// a pattern deploys into the directory that holds it.
std::string default_dest(const std::string& src) {
    if (has_glob(src)) {
        auto slash = src.rfind('/');
        return slash == std::string::npos ? "/" : "/" + src.substr(0, slash + 1);
    }
    return "/" + src;
}

void load_files(DiagnosticSink& sink, const YAML::Node& node, const std::string& path, const Pair& pair,
                Service& service) {
    if (!node.IsSequence() || node.size() == 0) {
        sink.error(node.Mark(), path, "expected a non-empty list of files");
        return;
    }
    for (std::size_t i = 0; i < node.size(); ++i) {
        auto item_path = index_path(path, i);
        FileSpec file;
        if (node[i].IsScalar()) {
            file.src = node[i].Scalar();
        } else {
            load_file_map(YamlMap(sink, node[i], item_path, node[i].Mark()), file);
        }
        if (file.dest.empty() && !file.src.empty()) {
            file.dest = default_dest(file.src);
        }
        if (!file.src.empty()) {
            check_file(sink, node[i].Mark(), item_path, pair, file);
        }
        service.files.push_back(std::move(file));
    }
}

void load_service(YamlMap map, const std::string& name, const Pair& pair, Service& service) {
    service.name = name;
    check_name(map, "service", name);
    if (auto files = map.child("files", Presence::required)) {
        load_files(map.sink(), *files, map.child_path("files"), pair, service);
    }
    for (auto [key, field] : {std::pair{"validate", &service.validate}, std::pair{"reload", &service.reload}}) {
        if (map.read(key, *field)) {
            check_placeholders(map.sink(), map.child(key)->Mark(), map.child_path(key), *field);
        }
    }
    map.read("carries_traffic", service.carries_traffic);
    map.read("validate_after_install", service.validate_after_install);
    if (map.read("master_socket", service.master_socket) && !is_absolute_safe_path(service.master_socket)) {
        map.error_at("master_socket", fmt::format("\"{}\" is not an absolute path of letters, digits and \"/._-\"",
                                                  service.master_socket));
    }
    map.finish();
}

}  // namespace

void load_services(YamlMap map, const Pair& pair, std::vector<Service>& out) {
    load_named(map, "service", out, [&](YamlMap service_map, const std::string& name, Service& service) {
        load_service(std::move(service_map), name, pair, service);
    });
}

}  // namespace lbdeploy::config
