#include "config/values.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fmt/format.h>

#include "common/text.hpp"

namespace lbdeploy::config {

namespace {

// The digits at the start of `text` as a number, taken off `text`; nullopt
// when there are none (a sign is not a digit) or they overflow.
std::optional<std::uint64_t> leading_number(std::string_view& text) {
    auto digits = std::min(text.find_first_not_of("0123456789"), text.size());
    auto value = common::parse_integer(text.substr(0, digits));
    if (!value) {
        return std::nullopt;
    }
    text.remove_prefix(digits);
    return static_cast<std::uint64_t>(*value);
}

struct Unit {
    std::string_view suffix;
    std::uint64_t factor;
};

// Longest suffixes first so that "ms" is not read as "m".
constexpr std::array<Unit, 4> duration_units{{{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}}};

constexpr std::array<Unit, 9> size_units{{{"KiB", 1ULL << 10},
                                          {"MiB", 1ULL << 20},
                                          {"GiB", 1ULL << 30},
                                          {"KB", 1000},
                                          {"MB", 1000 * 1000},
                                          {"GB", 1000 * 1000 * 1000},
                                          {"k", 1000},
                                          {"M", 1000 * 1000},
                                          {"G", 1000 * 1000 * 1000}}};

template <std::size_t N>
std::optional<std::uint64_t> take_unit(std::string_view& text, const std::array<Unit, N>& units) {
    for (const auto& unit : units) {
        if (text.starts_with(unit.suffix)) {
            text.remove_prefix(unit.suffix.size());
            return unit.factor;
        }
    }
    return std::nullopt;
}

// A git URL as GitLab shows the project: without a trailing ".git".
std::string without_git_suffix(std::string url) {
    if (url.ends_with(".git")) url.resize(url.size() - 4);
    return url;
}

// "user@host:path" (scp-like) split at its first ':'; nullopt without one.
struct ScpLikeUrl {
    std::string user_host;
    std::string path;
};
std::optional<ScpLikeUrl> split_scp_like(const std::string& url) {
    auto colon = url.find(':');
    if (colon == std::string::npos) return std::nullopt;
    return ScpLikeUrl{url.substr(0, colon), url.substr(colon + 1)};
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    if (text.empty()) {
        return std::nullopt;
    }
    std::uint64_t total = 0;
    while (!text.empty()) {
        auto number = leading_number(text);
        auto factor = number ? take_unit(text, duration_units) : std::nullopt;
        if (!factor || *number > (1ULL << 40) / *factor) {
            return std::nullopt;
        }
        total += *number * *factor;
    }
    return std::chrono::milliseconds(static_cast<std::int64_t>(total));
}

std::string format_duration(std::chrono::milliseconds value) {
    auto ms = value.count();
    if (ms != 0 && ms % 3'600'000 == 0) return fmt::format("{}h", ms / 3'600'000);
    if (ms != 0 && ms % 60'000 == 0) return fmt::format("{}m", ms / 60'000);
    if (ms != 0 && ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
    return fmt::format("{}ms", ms);
}

std::optional<std::size_t> parse_size(std::string_view text) {
    auto number = leading_number(text);
    if (!number) {
        return std::nullopt;
    }
    std::uint64_t factor = 1;
    if (!text.empty()) {
        auto unit = take_unit(text, size_units);
        if (!unit || !text.empty()) {
            return std::nullopt;
        }
        factor = *unit;
    }
    if (*number > (1ULL << 50) / factor) {
        return std::nullopt;
    }
    return static_cast<std::size_t>(*number * factor);
}

std::string format_size(std::size_t bytes) {
    if (bytes != 0 && bytes % (1ULL << 30) == 0) return fmt::format("{}GiB", bytes >> 30);
    if (bytes != 0 && bytes % (1ULL << 20) == 0) return fmt::format("{}MiB", bytes >> 20);
    if (bytes != 0 && bytes % (1ULL << 10) == 0) return fmt::format("{}KiB", bytes >> 10);
    return fmt::format("{}", bytes);
}

std::optional<unsigned> parse_mode(std::string_view text) {
    if (text.starts_with("0o")) {
        text.remove_prefix(2);
    }
    if (text.size() < 3 || text.size() > 5) {
        return std::nullopt;
    }
    unsigned value = 0;
    for (char c : text) {
        if (c < '0' || c > '7') {
            return std::nullopt;
        }
        value = value * 8 + static_cast<unsigned>(c - '0');
    }
    if (value > 07777) {
        return std::nullopt;
    }
    return value;
}

std::string format_mode(unsigned mode) { return fmt::format("{:04o}", mode); }

bool is_ipv4_address(std::string_view text) {
    std::array<unsigned char, 4> buffer{};
    std::string copy(text);
    return inet_pton(AF_INET, copy.c_str(), buffer.data()) == 1;
}

bool is_ipv6_address(std::string_view text) {
    std::array<unsigned char, 16> buffer{};
    std::string copy(text);
    return inet_pton(AF_INET6, copy.c_str(), buffer.data()) == 1;
}

bool is_ip_address(std::string_view text) { return is_ipv4_address(text) || is_ipv6_address(text); }

bool is_hostname(std::string_view text) {
    if (text.empty() || text.size() > 253) {
        return false;
    }
    std::size_t label = 0;
    for (char c : text) {
        if (c == '.') {
            if (label == 0) return false;
            label = 0;
            continue;
        }
        bool allowed = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
        if (!allowed || ++label > 63) {
            return false;
        }
    }
    return label != 0 && text.front() != '-';
}

bool is_safe_name(std::string_view text) {
    if (text.empty() || text == "." || text == "..") {
        return false;
    }
    for (char c : text) {
        bool allowed = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
        if (!allowed) {
            return false;
        }
    }
    return true;
}

std::string repository_path(std::string url) {
    url = without_git_suffix(std::move(url));
    auto scheme = url.find("://");
    if (scheme != std::string::npos) {
        auto slash = url.find('/', scheme + 3);
        return slash == std::string::npos ? std::string() : url.substr(slash + 1);
    }
    auto scp = url.starts_with('/') ? std::nullopt : split_scp_like(url);
    return scp ? scp->path : url;
}

std::optional<std::string> repository_web_url(std::string url) {
    url = without_git_suffix(std::move(url));
    if (url.starts_with("https://") || url.starts_with("http://")) return url;
    if (url.starts_with("git@")) {
        if (auto scp = split_scp_like(url)) return "https://" + scp->user_host.substr(4) + "/" + scp->path;
    }
    return std::nullopt;
}

bool is_absolute_safe_path(std::string_view text) {
    if (!text.starts_with('/') || text.ends_with('/')) {
        return false;
    }
    text.remove_prefix(1);
    while (!text.empty()) {
        auto slash = text.find('/');
        if (!is_safe_name(text.substr(0, slash))) {
            return false;
        }
        text.remove_prefix(slash == std::string_view::npos ? text.size() : slash + 1);
    }
    return true;
}

bool is_host_port(std::string_view text) {
    auto [host, port_text] = common::split_host_port(text);
    auto port = common::parse_integer(port_text);
    if (!port || *port < 1 || *port > 65535) {
        return false;
    }
    // "[...]" holds an IPv6 address (and nothing else: "[" is in no host name).
    if (text.starts_with('[')) {
        return is_ipv6_address(host);
    }
    return is_ipv4_address(host) || is_hostname(host);
}

}  // namespace lbdeploy::config
