#pragma once
// Small text shapes every module needs, written once: lines of a text,
// integers from text, host:port, shell quoting, git's all-zero SHA.
// Pure functions; none of them throws.

#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lbdeploy::common {

// The lines of `text` without their '\n'; a last line without newline counts,
// a trailing newline adds no empty line. Views into `text`.
std::vector<std::string_view> split_lines(std::string_view text);

// The whole of `text` as a decimal integer of type Int; nullopt for anything
// else (empty, a sign Int cannot hold, trailing characters, out of range).
template <typename Int = long long>
std::optional<Int> parse_integer(std::string_view text) {
    Int value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

struct HostPort {
    std::string host;  // without the brackets of "[::1]:80"
    std::string port;  // digits as written; empty when `text` has none
};
// Splits "host:port", "[v6]:port" or a bare host at the last ':'.
HostPort split_host_port(std::string_view text);

// The directory of an absolute path: "/etc/haproxy" for "/etc/haproxy/x.cfg", "/" for "/x".
std::string parent_directory(const std::string& path);

// Quotes a value for a POSIX shell: 'it'\''s'.
std::string shell_quote(std::string_view value);

// GitLab's "no commit" SHA (a created or deleted branch): all zeros. An
// empty string is not one.
bool is_zero_sha(std::string_view sha);

}  // namespace lbdeploy::common
