#pragma once
// Reading and validating an lbdeploy configuration file.
//
// Error rule: an invalid file is an ordinary outcome for `check-config`, so
// parse_config() returns every diagnostic as a value. Code that needs a valid
// config to go on (the server, the deploy command) calls load_config_or_throw()
// and lets ConfigInvalid reach the edge.

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "config/diagnostic.hpp"

namespace lbdeploy::config {

struct ParseResult {
    Config config;            // meaningful only when ok()
    Diagnostics diagnostics;  // sorted by position; all of them, not just the first
    bool ok() const { return diagnostics.empty(); }
};

// Parses YAML text. `file_name` is what diagnostics call the file. Relative
// paths in the file (data_dir, *_file, local repository paths) are resolved
// against `base_dir` when it is not empty.
ParseResult parse_config(std::string_view text, const std::string& file_name,
                         const std::filesystem::path& base_dir = {});

// Reads and parses a file; relative paths resolve against the file's directory.
// A file that cannot be read is reported as a diagnostic at 1:1.
ParseResult load_config_file(const std::filesystem::path& path);

class ConfigInvalid : public std::runtime_error {
public:
    explicit ConfigInvalid(Diagnostics diagnostics);
    const Diagnostics& diagnostics() const { return diagnostics_; }

private:
    Diagnostics diagnostics_;
};

Config load_config_or_throw(const std::filesystem::path& path);

}  // namespace lbdeploy::config
