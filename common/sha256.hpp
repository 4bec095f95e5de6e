#pragma once
// SHA-256 of file contents, as lowercase hex: how deployed files are compared.

#include <string>
#include <string_view>

namespace lbdeploy::common {

std::string sha256_hex(std::string_view data);

}  // namespace lbdeploy::common
