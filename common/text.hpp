#pragma once
// Small text shapes every module needs, written once: lines of a text,
// integers from text, host:port, shell quoting, git's all-zero SHA.
// Pure functions; none of them throws.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lbdeploy::common {

// The lines of `text` without their '\n'; a last line without newline counts,
// a trailing newline adds no empty line. Views into `text`.
std::vector<std::string_view> split_lines(std::string_view text);

// The whole of `text` as a decimal integer; nullopt for anything else
// (empty, sign where none is allowed, trailing characters, out of range).
std::optional<long long> parse_integer(std::string_view text);

struct HostPort {
    std::string host;  // without the brackets of "[::1]:80"
    std::string port;  // digits as written; empty when `text` has none
};
// Splits "host:port", "[v6]:port" or a bare host at the last ':'.
HostPort split_host_port(std::string_view text);

// Quotes a value for a POSIX shell: 'it'\''s'.
std::string shell_quote(std::string_view value);

// GitLab's "no commit" SHA (a created or deleted branch): all zeros. An
// empty string is not one.
bool is_zero_sha(std::string_view sha);

}  // namespace lbdeploy::common
