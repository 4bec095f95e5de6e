#pragma once
// Parsing and printing of the scalar value types a config file may contain.
// Pure functions; parse_* return nullopt for text that is not a valid value.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lbdeploy::config {

// "250ms", "15s", "2m", "1h", "1m30s". A bare number is rejected: a unit is
// required so that "timeout: 15" cannot silently mean 15 ms.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
std::string format_duration(std::chrono::milliseconds value);

// "512", "64KiB", "4MiB", "1GiB" (also "k"/"KB"-style decimal units).
std::optional<std::size_t> parse_size(std::string_view text);
std::string format_size(std::size_t bytes);

// Octal permission bits: "0644", "644", "0o644", "2755". At most 07777.
std::optional<unsigned> parse_mode(std::string_view text);
std::string format_mode(unsigned mode);

bool is_ipv4_address(std::string_view text);
bool is_ipv6_address(std::string_view text);
bool is_ip_address(std::string_view text);
// A DNS name of letters, digits, '-' and '.', each label 1-63 characters.
bool is_hostname(std::string_view text);
// Names used in paths, URLs and {node} substitution: [A-Za-z0-9_.-]+, not "." or "..".
bool is_safe_name(std::string_view text);
// "/a/b.c": absolute, every component a safe name (no "//", "..", spaces or quotes).
bool is_absolute_safe_path(std::string_view text);
// The project path of a git URL, as GitLab names projects:
// "https://host/a/b.git" and "git@host:a/b.git" -> "a/b"; a local path as it is.
std::string repository_path(std::string url);
// The project's web page, when the URL names a web host: "https://host/a/b.git"
// -> "https://host/a/b" (http:// too), "git@host:a/b.git" -> "https://host/a/b";
// nullopt for other URLs (ssh://, git://, file://, local paths).
std::optional<std::string> repository_web_url(std::string url);
// "host:port" or "[v6]:port" with a port in 1-65535.
bool is_host_port(std::string_view text);

}  // namespace lbdeploy::config
