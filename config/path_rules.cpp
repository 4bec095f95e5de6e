#include "config/path_rules.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "config/destination.hpp"

namespace lbdeploy::config {

bool has_glob(const std::string& path) { return path.find_first_of("*?[") != std::string::npos; }

bool check_source_path(DiagnosticSink& sink, const YAML::Mark& mark, const std::string& key_path,
                       const std::string& source) {
    if (source.empty()) {
        sink.error(mark, key_path, "expected a path inside the repository, got an empty string");
    } else if (source.starts_with('/')) {
        sink.error(mark, key_path,
                   fmt::format("\"{}\" is absolute; sources are relative to the repository", source));
    } else if (has_dot_dot(source)) {
        sink.error(mark, key_path, fmt::format("\"{}\" escapes the repository with \"..\"", source));
    } else {
        return true;
    }
    return false;
}

bool check_destination(DiagnosticSink& sink, const YAML::Mark& mark, const std::string& key_path,
                       const std::string& dest, const std::vector<std::string>& allowed_paths) {
    if (!dest.starts_with('/')) {
        sink.error(mark, key_path, fmt::format("destination \"{}\" must be an absolute path", dest));
    } else if (!is_clean_absolute_path(dest)) {
        sink.error(mark, key_path, fmt::format("destination \"{}\" must not contain \"..\" or \"//\"", dest));
    } else if (!is_allowed_destination(dest, allowed_paths)) {
        sink.error(mark, key_path,
                   fmt::format("destination \"{}\" is outside the pair's allowed_paths ({})", dest,
                               fmt::join(allowed_paths, ", ")));
    } else {
        return true;
    }
    return false;
}

}  // namespace lbdeploy::config
