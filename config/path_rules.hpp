#pragma once
// Private to config/: the rules that keep deployed files where they belong.
// A source must stay inside the repository; a destination must be a clean
// absolute path below one of the pair's allowed directories.

#include <string>
#include <vector>

#include "config/destination.hpp"
#include "config/yaml_map.hpp"

namespace lbdeploy::config {

bool has_glob(const std::string& path);

// Both return true when the path is acceptable.
bool check_source_path(DiagnosticSink& sink, const YAML::Mark& mark, const std::string& key_path,
                       const std::string& source);
bool check_destination(DiagnosticSink& sink, const YAML::Mark& mark, const std::string& key_path,
                       const std::string& dest, const std::vector<std::string>& allowed_paths);

}  // namespace lbdeploy::config
