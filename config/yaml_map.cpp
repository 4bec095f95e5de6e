#include "config/yaml_map.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <set>
#include <tuple>

#include "common/text.hpp"
#include "config/suggest.hpp"
#include "config/values.hpp"

namespace lbdeploy::config {

namespace {

// Prefixes of tokens and keys that people paste where a file path belongs.
constexpr std::string_view secret_prefixes[] = {"glpat-", "gldt-", "glptt-", "ghp_", "github_pat_",
                                                "-----BEGIN", "ssh-ed25519 ", "ssh-rsa "};

bool looks_like_secret(const std::string& value) {
    return std::any_of(std::begin(secret_prefixes), std::end(secret_prefixes),
                       [&](std::string_view prefix) { return value.starts_with(prefix); });
}

}  // namespace

void DiagnosticSink::error(const YAML::Mark& mark, std::string key_path, std::string message) {
    // yaml-cpp marks are 0-based; a null mark (-1) means "no position known".
    int line = mark.line >= 0 ? mark.line + 1 : 1;
    int column = mark.column >= 0 ? mark.column + 1 : 1;
    diagnostics_.push_back({file_, line, column, std::move(key_path), std::move(message)});
}

Diagnostics DiagnosticSink::take() {
    std::stable_sort(diagnostics_.begin(), diagnostics_.end(), [](const auto& a, const auto& b) {
        return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    return std::move(diagnostics_);
}

std::string scalar_text(const YAML::Node& node) { return node.IsScalar() ? node.Scalar() : std::string(); }

std::string index_path(const std::string& path, std::size_t index) { return fmt::format("{}[{}]", path, index); }

YamlMap::YamlMap(DiagnosticSink& sink, YAML::Node node, std::string path, YAML::Mark mark)
    : sink_(sink), node_(std::move(node)), path_(std::move(path)), mark_(mark) {
    if (!node_.IsDefined() || node_.IsNull()) {
        valid_ = true;  // an empty section is an empty mapping
        node_ = YAML::Node(YAML::NodeType::Map);
        return;
    }
    mark_ = node_.Mark();
    if (!node_.IsMap()) {
        sink_.error(mark_, path_, "expected a mapping of keys to values");
        return;
    }
    valid_ = true;
    std::set<std::string> seen;
    for (const auto& entry : node_) {
        auto key = scalar_text(entry.first);
        if (!seen.insert(key).second) {
            sink_.error(entry.first.Mark(), child_path(key), fmt::format("duplicate key \"{}\"", key));
        }
    }
}

std::string YamlMap::child_path(const std::string& key) const {
    return path_.empty() ? key : fmt::format("{}.{}", path_, key);
}

std::optional<YAML::Node> YamlMap::child(const std::string& key, Presence presence) {
    known_.push_back(key);
    if (valid_) {
        for (const auto& entry : node_) {
            if (scalar_text(entry.first) == key) {
                if (!entry.second.IsNull()) {
                    return entry.second;
                }
                break;
            }
        }
    }
    if (valid_ && presence == Presence::required) {
        sink_.error(mark_, path_, fmt::format("missing required key \"{}\"", key));
    }
    return std::nullopt;
}

std::vector<std::pair<std::string, YAML::Node>> YamlMap::entries() {
    std::vector<std::pair<std::string, YAML::Node>> result;
    if (valid_) {
        for (const auto& entry : node_) {
            result.emplace_back(scalar_text(entry.first), entry.second);
        }
    }
    return result;
}

std::optional<std::string> YamlMap::scalar(const std::string& key, Presence presence) {
    auto node = child(key, presence);
    if (!node) {
        return std::nullopt;
    }
    if (!node->IsScalar()) {
        sink_.error(node->Mark(), child_path(key), "expected a single value, not a list or mapping");
        return std::nullopt;
    }
    return node->Scalar();
}

bool YamlMap::read(const std::string& key, std::string& out, Presence presence) {
    auto value = scalar(key, presence);
    if (value) {
        out = *value;
    }
    return value.has_value();
}

bool YamlMap::read(const std::string& key, bool& out) {
    auto value = scalar(key, Presence::optional);
    if (!value) {
        return false;
    }
    if (*value == "true" || *value == "yes" || *value == "on") {
        out = true;
    } else if (*value == "false" || *value == "no" || *value == "off") {
        out = false;
    } else {
        error_at(key, fmt::format("expected true or false, got \"{}\"", *value));
        return false;
    }
    return true;
}

bool YamlMap::read(const std::string& key, int& out, int min, int max) {
    auto value = scalar(key, Presence::optional);
    if (!value) {
        return false;
    }
    auto parsed = common::parse_integer(*value);
    if (!parsed || *parsed < min || *parsed > max) {
        error_at(key, fmt::format("expected a whole number from {} to {}, got \"{}\"", min, max, *value));
        return false;
    }
    out = static_cast<int>(*parsed);
    return true;
}

bool YamlMap::read(const std::string& key, Duration& out) {
    auto value = scalar(key, Presence::optional);
    if (!value) {
        return false;
    }
    auto parsed = parse_duration(*value);
    if (!parsed) {
        error_at(key, fmt::format("\"{}\" is not a duration; write a number with a unit, such as 500ms, 15s or 2m",
                                *value));
        return false;
    }
    out = *parsed;
    return true;
}

bool YamlMap::read_size(const std::string& key, std::size_t& out) {
    auto value = scalar(key, Presence::optional);
    if (!value) {
        return false;
    }
    auto parsed = parse_size(*value);
    if (!parsed || *parsed == 0) {
        error_at(key, fmt::format("\"{}\" is not a size; write bytes or a number with a unit, such as 512KiB or 4MiB",
                                *value));
        return false;
    }
    out = *parsed;
    return true;
}

bool YamlMap::read_file_path(const std::string& key, std::filesystem::path& out, Presence presence) {
    auto value = scalar(key, presence);
    if (!value) {
        return false;
    }
    if (looks_like_secret(*value) || value->find('\n') != std::string::npos) {
        error_at(key, "this looks like a secret written inline; put it in a file and give the file's path here");
        return false;
    }
    if (value->empty()) {
        error_at(key, "expected a file path, got an empty string");
        return false;
    }
    out = *value;
    return true;
}

void YamlMap::error_at(const std::string& key, std::string message) {
    auto node = child(key);
    sink_.error(node ? node->Mark() : mark_, child_path(key), std::move(message));
}

void YamlMap::finish() {
    if (!valid_) {
        return;
    }
    for (const auto& entry : node_) {
        auto key = scalar_text(entry.first);
        if (std::find(known_.begin(), known_.end(), key) == known_.end()) {
            report_unknown_key(entry.first, key);
        }
    }
}

void YamlMap::report_unknown_key(const YAML::Node& key_node, const std::string& key) {
    std::vector<std::string> known(known_.begin(), known_.end());
    std::sort(known.begin(), known.end());
    known.erase(std::unique(known.begin(), known.end()), known.end());
    auto file_key = key + "_file";
    if (std::find(known.begin(), known.end(), file_key) != known.end()) {
        sink_.error(key_node.Mark(), child_path(key),
                    fmt::format("secrets are never written inline; put it in a file and set \"{}\"", file_key));
        return;
    }
    auto suggestion = closest_match(key, known);
    if (suggestion) {
        sink_.error(key_node.Mark(), child_path(key),
                    fmt::format("unknown key \"{}\" (did you mean \"{}\"?)", key, *suggestion));
    } else {
        sink_.error(key_node.Mark(), child_path(key),
                    fmt::format("unknown key \"{}\"; expected one of: {}", key, fmt::join(known, ", ")));
    }
}

}  // namespace lbdeploy::config
