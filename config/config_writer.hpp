#pragma once
// Writes a Config back as YAML that parse_config() reads into an equal Config.
// Used to show the effective configuration (with defaults filled in) and to
// test that the loader loses nothing.

#include <string>

#include "config/config.hpp"

namespace lbdeploy::config {

std::string to_yaml(const Config& config);

}  // namespace lbdeploy::config
