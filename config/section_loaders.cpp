#include "config/section_loaders.hpp"

#include <fmt/format.h>

#include <regex>

#include "common/text.hpp"
#include "config/values.hpp"

namespace lbdeploy::config {

namespace {

bool is_git_ref_name(const std::string& ref) {
    // The subset of git-check-ref-format rules that catches real mistakes.
    static const std::regex allowed(R"([A-Za-z0-9._/-]+)");
    return std::regex_match(ref, allowed) && ref.front() != '-' && ref.find("..") == std::string::npos &&
           !ref.ends_with("/") && !ref.ends_with(".lock");
}

bool has_credentials(const std::string& url) {
    auto scheme = url.find("://");
    if (scheme == std::string::npos) {
        return false;
    }
    auto authority = url.substr(scheme + 3, url.find('/', scheme + 3) - (scheme + 3));
    auto at = authority.find('@');
    return at != std::string::npos && authority.substr(0, at).find(':') != std::string::npos;
}

bool is_supported_url(const std::string& url) {
    static const std::regex scp_like(R"([A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^/].*)");
    for (const char* scheme : {"https://", "http://", "ssh://", "git://", "file://"}) {
        if (url.starts_with(scheme) && url.size() > std::string_view(scheme).size()) return true;
    }
    return url.starts_with("/") || std::regex_match(url, scp_like);
}

// http:// and git:// to anything but this machine: a token on that wire is
// readable by everyone on the path.
bool sends_in_clear(const std::string& url) {
    std::string_view rest;
    for (std::string_view scheme : {"http://", "git://"}) {
        if (url.starts_with(scheme)) rest = std::string_view(url).substr(scheme.size());
    }
    if (rest.empty()) return false;
    auto authority = rest.substr(0, rest.find('/'));
    if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
    auto host = common::split_host_port(authority).host;
    bool loopback = host == "localhost" || host == "::1" || host.starts_with("127.");
    return !loopback;
}

void load_repository(YamlMap map, const std::string& name, Repository& out) {
    out.name = name;
    check_name(map, "repository", name);
    if (map.read("url", out.url, Presence::required)) {
        if (has_credentials(out.url)) {
            map.error_at("url", "the URL contains credentials; secrets are never written inline: set \"token_file\"");
        } else if (!is_supported_url(out.url)) {
            map.error_at("url", fmt::format("\"{}\" is not a git URL lbdeploy can fetch (https://, ssh://, "
                                         "user@host:path, git://, file:// or an absolute path)",
                                         out.url));
        }
    }
    for (auto* field : {&out.branch, &out.ref}) {
        const char* key = field == &out.branch ? "branch" : "ref";
        if (map.read(key, *field) && !is_git_ref_name(*field)) {
            map.error_at(key, fmt::format("\"{}\" is not a valid git ref name", *field));
        }
    }
    map.read_file_path("token_file", out.token_file);
    map.read_file_path("ssh_key_file", out.ssh_key_file);
    map.read("allow_insecure_transport", out.allow_insecure_transport);
    if (!out.token_file.empty() && !out.allow_insecure_transport && sends_in_clear(out.url)) {
        map.error_at("url", fmt::format("\"{}\" would send the token of \"token_file\" in clear text; use https:// "
                                        "(or, on a network you trust, set \"allow_insecure_transport: true\")",
                                        out.url));
    }
    map.finish();
}

}  // namespace

void load_server(YamlMap map, ServerSettings& out) {
    if (map.read("listen", out.listen) && !is_host_port(out.listen)) {
        map.error_at("listen", fmt::format("\"{}\" is not host:port (for example 127.0.0.1:8080)", out.listen));
    }
    if (map.read("public_url", out.public_url) && !out.public_url.starts_with("http://") &&
        !out.public_url.starts_with("https://")) {
        map.error_at("public_url", "expected an http:// or https:// URL");
    }
    std::filesystem::path data_dir;
    if (map.read_file_path("data_dir", data_dir)) out.data_dir = data_dir;
    map.read("max_parallel_pairs", out.max_parallel_pairs, 1, 64);
    map.read_size("max_body_size", out.max_body_size);
    map.read("header_timeout", out.header_timeout);
    map.read("body_timeout", out.body_timeout);
    map.read("shutdown_grace", out.shutdown_grace);
    map.read("max_log_lines_per_job", out.max_log_lines_per_job, 100, 10'000'000);
    map.finish();
}

void load_limits(YamlMap map, Limits& out) {
    map.read("max_files_per_pair", out.max_files_per_pair, 1, 10'000'000);
    map.read_size("max_file_size", out.max_file_size);
    map.read_size("max_bytes_per_pair", out.max_bytes_per_pair);
    map.read("max_tree_depth", out.max_tree_depth, 1, 1000);
    map.finish();
}

void load_auth(YamlMap map, AuthSettings& out) {
    map.read_file_path("api_tokens_file", out.api_tokens_file);
    map.read("anonymous_reads", out.anonymous_reads);
    map.finish();
}

void load_gitlab(YamlMap map, GitlabSettings& out) {
    map.read_file_path("webhook_token_file", out.webhook_token_file, Presence::required);
    bool has_url = map.read("api_url", out.api_url);
    bool has_token = map.read_file_path("api_token_file", out.api_token_file);
    if (has_url && !out.api_url.starts_with("https://") && !out.api_url.starts_with("http://")) {
        map.error_at("api_url", "expected an http:// or https:// URL");
    }
    map.read("allow_insecure_transport", out.allow_insecure_transport);
    if (has_url && has_token && !out.allow_insecure_transport && sends_in_clear(out.api_url)) {
        map.error_at("api_url", fmt::format("\"{}\" would send the API token in clear text; use https:// "
                                            "(or, on a network you trust, set \"allow_insecure_transport: true\")",
                                            out.api_url));
    }
    if (has_url != has_token) {
        map.sink().error(map.mark(), map.path(),
                         "\"api_url\" and \"api_token_file\" go together: commit statuses need both");
    }
    map.finish();
}

void load_ssh(YamlMap map, SshSettings& out) {
    if (map.read("user", out.user) && !is_safe_name(out.user)) {
        map.error_at("user", "not a valid user name");
    }
    map.read("port", out.port, 1, 65535);
    map.read_file_path("identity_file", out.identity_file);
    map.read("use_agent", out.use_agent);
    map.read_file_path("known_hosts", out.known_hosts, Presence::required);
    map.read("trust_unknown_hosts", out.trust_unknown_hosts);
    map.read("connect_timeout", out.connect_timeout);
    map.read("command_timeout", out.command_timeout);
    map.read("keepalive_interval", out.keepalive_interval);
    if (map.is_valid() && out.identity_file.empty() && !out.use_agent) {
        map.sink().error(map.mark(), map.path(),
                         "no way to authenticate: set \"identity_file\" or \"use_agent: true\"");
    }
    map.finish();
}

void load_repositories(YamlMap map, std::vector<Repository>& out) {
    load_named(map, "repository", out, load_repository);
}

void check_name(YamlMap& map, const std::string& what, const std::string& name) {
    if (!is_safe_name(name)) {
        map.sink().error(map.mark(), map.path(), what + " names may use letters, digits, '-', '_' and '.'");
    }
}

}  // namespace lbdeploy::config
