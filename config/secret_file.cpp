#include "config/secret_file.hpp"

#include <fmt/format.h>

#include <fstream>
#include <stdexcept>

namespace lbdeploy::config {

std::vector<std::string> read_secret_lines(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error(fmt::format("cannot read {}", file.string()));
    std::vector<std::string> secrets;
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
        if (!line.empty() && !line.starts_with('#')) secrets.push_back(line);
    }
    if (secrets.empty()) throw std::runtime_error(fmt::format("{} holds no token", file.string()));
    return secrets;
}

}  // namespace lbdeploy::config
