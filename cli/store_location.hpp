#pragma once
// Where the job store lives, as chosen on a command line: --db FILE, else
// data_dir/lbdeploy.db of the configuration named by -c (or the default path).

#include <filesystem>
#include <optional>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"

namespace lbdeploy::cli {

inline constexpr const char* default_config_path = "/etc/lbdeploy/lbdeploy.yaml";
inline constexpr const char* store_file_name = "lbdeploy.db";

// Prints the configuration's errors and returns nullopt when it is invalid.
std::optional<std::filesystem::path> store_path(const Arguments& arguments, Streams streams);

}  // namespace lbdeploy::cli
