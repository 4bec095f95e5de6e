#include "common/text.hpp"

#include <algorithm>

namespace lbdeploy::common {

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        auto end = text.find('\n');
        lines.push_back(text.substr(0, end));
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    }
    return lines;
}

HostPort split_host_port(std::string_view text) {
    if (text.starts_with('[')) {
        auto close = text.find(']');
        if (close != std::string_view::npos) {
            auto rest = text.substr(close + 1);
            return {std::string(text.substr(1, close - 1)),
                    rest.starts_with(':') ? std::string(rest.substr(1)) : std::string()};
        }
    }
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return {std::string(text), {}};
    return {std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

std::string parent_directory(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

std::string shell_quote(std::string_view value) {
    std::string quoted = "'";
    for (char c : value) {
        if (c == '\'') {
            quoted += "'\\''";
        } else {
            quoted += c;
        }
    }
    return quoted + "'";
}

bool is_zero_sha(std::string_view sha) {
    return !sha.empty() && std::all_of(sha.begin(), sha.end(), [](char c) { return c == '0'; });
}

}  // namespace lbdeploy::common
