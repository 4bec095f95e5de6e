#include "config/section_loaders.hpp"

#include <fmt/format.h>

#include "config/values.hpp"

namespace lbdeploy::config {

namespace {

constexpr std::pair<const char*, Check::Kind> check_kinds[] = {
    {"http", Check::Kind::http}, {"tcp", Check::Kind::tcp}, {"command", Check::Kind::command}};

bool read_kind(YamlMap& map, Check& check) {
    int found = 0;
    for (auto [key, kind] : check_kinds) {
        if (map.read(key, check.target)) {
            check.kind = kind;
            ++found;
        }
    }
    if (found != 1 && map.is_valid()) {
        map.sink().error(map.mark(), map.path(), "a check has exactly one of \"http\", \"tcp\" or \"command\"");
        return false;
    }
    return found == 1;
}

void check_target(YamlMap& map, const Check& check) {
    auto key = std::string(check_kinds[static_cast<int>(check.kind)].first);
    auto mark = map.child(key)->Mark();
    auto path = map.child_path(key);
    check_placeholders(map.sink(), mark, path, check.target);
    if (check.kind == Check::Kind::http && !check.target.starts_with("http://") &&
        !check.target.starts_with("https://")) {
        map.sink().error(mark, path, fmt::format("\"{}\" is not an http:// or https:// URL", check.target));
    }
    if (check.kind == Check::Kind::tcp && check.target.find(':') == std::string::npos) {
        map.sink().error(mark, path, fmt::format("\"{}\" is not host:port", check.target));
    }
}

void load_check(YamlMap map, Check& check) {
    if (read_kind(map, check)) {
        check_target(map, check);
    }
    map.read("expect_status", check.expect_status, 100, 599);
    map.read("expect_body", check.expect_body);
    map.read("insecure_tls", check.insecure_tls);
    map.read("timeout", check.timeout);
    map.read("retries", check.retries, 0, 100);
    map.read("interval", check.interval);
    if (check.kind != Check::Kind::http) {
        for (const char* key : {"expect_status", "expect_body", "insecure_tls"}) {
            if (auto node = map.child(key)) {
                map.sink().error(node->Mark(), map.child_path(key), "applies to http checks only");
            }
        }
    }
    map.finish();
}

}  // namespace

void load_checks(DiagnosticSink& sink, const YAML::Node& node, const std::string& path, std::vector<Check>& out) {
    if (!node.IsSequence()) {
        sink.error(node.Mark(), path, "expected a list of checks");
        return;
    }
    for (std::size_t i = 0; i < node.size(); ++i) {
        Check check;
        load_check(YamlMap(sink, node[i], index_path(path, i), node[i].Mark()), check);
        out.push_back(std::move(check));
    }
}

}  // namespace lbdeploy::config
