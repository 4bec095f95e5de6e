#pragma once
// Where a deployed file may go, as one rule for the configuration's own
// destinations (checked when it is loaded) and for the files a repository's
// tree brings (checked when a plan is built, after the tree's names are
// joined to the destination: a hand-made tree can hold a ".." entry).

#include <string>
#include <vector>

namespace lbdeploy::config {

bool has_dot_dot(const std::string& path);  // a ".." segment anywhere
// Absolute, with no ".." segment and no "//".
bool is_clean_absolute_path(const std::string& path);
// Clean, and below one of `allowed_paths`.
bool is_allowed_destination(const std::string& dest, const std::vector<std::string>& allowed_paths);

}  // namespace lbdeploy::config
