#include "config/destination.hpp"

#include <algorithm>
#include <filesystem>

namespace lbdeploy::config {

namespace {

bool is_below(const std::string& dest, const std::string& root) {
    auto prefix = root.ends_with('/') ? root : root + "/";
    return dest.starts_with(prefix);
}

}  // namespace

bool has_dot_dot(const std::string& path) {
    return std::ranges::any_of(std::filesystem::path(path), [](const auto& part) { return part == ".."; });
}

bool is_clean_absolute_path(const std::string& path) {
    return path.starts_with('/') && !has_dot_dot(path) && path.find("//") == std::string::npos;
}

bool is_allowed_destination(const std::string& dest, const std::vector<std::string>& allowed_paths) {
    return is_clean_absolute_path(dest) &&
           std::ranges::any_of(allowed_paths, [&](const std::string& root) { return is_below(dest, root); });
}

}  // namespace lbdeploy::config
