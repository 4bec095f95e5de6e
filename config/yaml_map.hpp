#pragma once
// Private to config/: typed, located access to one YAML mapping. Every getter
// marks its key as known; finish() then reports the keys nobody asked for, with
// a "did you mean". Errors are collected into the shared DiagnosticSink, never
// thrown, so that one run reports every problem in the file.

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/diagnostic.hpp"

namespace lbdeploy::config {

class DiagnosticSink {
public:
    explicit DiagnosticSink(std::string file) : file_(std::move(file)) {}
    void error(const YAML::Mark& mark, std::string key_path, std::string message);
    const std::string& file() const { return file_; }
    Diagnostics take();

private:
    std::string file_;
    Diagnostics diagnostics_;
};

enum class Presence { optional, required };

class YamlMap {
public:
    // Reports "expected a mapping" when `node` is something else; the getters
    // then read nothing. `mark` locates a missing or null node.
    YamlMap(DiagnosticSink& sink, YAML::Node node, std::string path, YAML::Mark mark);

    bool is_valid() const { return valid_; }
    const std::string& path() const { return path_; }
    std::string child_path(const std::string& key) const;
    const YAML::Mark& mark() const { return mark_; }
    DiagnosticSink& sink() { return sink_; }

    // The raw child node, or nullopt when absent (reporting it when required).
    std::optional<YAML::Node> child(const std::string& key, Presence presence = Presence::optional);
    // Keys of this mapping with their nodes, in file order, for name -> value maps.
    std::vector<std::pair<std::string, YAML::Node>> entries();

    bool read(const std::string& key, std::string& out, Presence presence = Presence::optional);
    bool read(const std::string& key, bool& out);
    bool read(const std::string& key, int& out, int min, int max);
    bool read(const std::string& key, Duration& out);
    bool read_size(const std::string& key, std::size_t& out);
    // A file path; rejects values that look like a secret pasted in place of the path.
    bool read_file_path(const std::string& key, std::filesystem::path& out,
                        Presence presence = Presence::optional);

    // Reports `message` at the value of `key` (at this mapping when absent).
    void error_at(const std::string& key, std::string message);

    // Report keys that no getter asked for.
    void finish();

private:
    std::optional<std::string> scalar(const std::string& key, Presence presence);
    void report_unknown_key(const YAML::Node& key_node, const std::string& key);

    DiagnosticSink& sink_;
    YAML::Node node_;
    std::string path_;
    YAML::Mark mark_;
    bool valid_ = false;
    std::vector<std::string> known_;
};

// Located helpers shared by the section loaders.
std::string scalar_text(const YAML::Node& node);
std::string index_path(const std::string& path, std::size_t index);

}  // namespace lbdeploy::config
