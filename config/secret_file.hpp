#pragma once
// The files named by `*_file` keys that hold secrets (tokens): one secret per
// line; blank lines and lines starting with '#' are skipped, trailing
// whitespace (and a Windows '\r') is trimmed.

#include <filesystem>
#include <string>
#include <vector>

namespace lbdeploy::config {

// Throws std::runtime_error naming the file when it cannot be read or holds no secret.
std::vector<std::string> read_secret_lines(const std::filesystem::path& file);

}  // namespace lbdeploy::config
