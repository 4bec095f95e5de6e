#include "config/diagnostic.hpp"

#include <fmt/format.h>

namespace lbdeploy::config {

std::string Diagnostic::to_string() const {
    if (key_path.empty()) {
        return fmt::format("{}:{}:{}: {}", file, line, column, message);
    }
    return fmt::format("{}:{}:{}: {}: {}", file, line, column, key_path, message);
}

}  // namespace lbdeploy::config
