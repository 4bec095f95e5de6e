#include "config/config_loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "common/clean_text.hpp"
#include "config/section_loaders.hpp"

namespace lbdeploy::config {

namespace {

// YAML is Unicode text. A byte that is not UTF-8 would otherwise reach
// commands and paths as it is, and to_yaml (the effective configuration)
// could not write it back: it is refused where it is.
bool is_utf8(std::string_view text, DiagnosticSink& sink) {
    auto valid = common::valid_utf8_length(text);
    if (valid == text.size()) return true;
    auto before = text.substr(0, valid);
    YAML::Mark mark;
    mark.line = static_cast<int>(std::count(before.begin(), before.end(), '\n'));
    mark.column = static_cast<int>(valid - (before.rfind('\n') + 1));  // npos + 1 is 0
    sink.error(mark, "", fmt::format("the file is not UTF-8 text (byte 0x{:02x}); save it as UTF-8",
                                     static_cast<unsigned char>(text[valid])));
    return false;
}

std::optional<YAML::Node> parse_document(std::string_view text, DiagnosticSink& sink) {
    if (!is_utf8(text, sink)) return std::nullopt;
    try {
        return YAML::Load(std::string(text));
    } catch (const YAML::Exception& error) {
        sink.error(error.mark, "", fmt::format("invalid YAML: {}", error.msg));
        return std::nullopt;
    }
}

void resolve(std::filesystem::path& path, const std::filesystem::path& base_dir) {
    if (!path.empty() && path.is_relative() && !base_dir.empty()) {
        path = (base_dir / path).lexically_normal();
    }
}

void resolve_paths(Config& config, const std::filesystem::path& base_dir) {
    resolve(config.server.data_dir, base_dir);
    resolve(config.auth.api_tokens_file, base_dir);
    resolve(config.gitlab.webhook_token_file, base_dir);
    resolve(config.gitlab.api_token_file, base_dir);
    resolve(config.ssh.identity_file, base_dir);
    resolve(config.ssh.known_hosts, base_dir);
    for (auto& repository : config.repositories) {
        resolve(repository.token_file, base_dir);
        resolve(repository.ssh_key_file, base_dir);
    }
}

}  // namespace

ParseResult parse_config(std::string_view text, const std::string& file_name, const std::filesystem::path& base_dir) {
    DiagnosticSink sink(file_name);
    ParseResult result;
    auto document = parse_document(text, sink);
    if (document) {
        YamlMap top(sink, *document, "", YAML::Mark());
        if (auto node = top.child("server")) load_server(YamlMap(sink, *node, "server", top.mark()), result.config.server);
        if (auto node = top.child("limits")) load_limits(YamlMap(sink, *node, "limits", top.mark()), result.config.limits);
        if (auto node = top.child("auth")) load_auth(YamlMap(sink, *node, "auth", top.mark()), result.config.auth);
        if (auto node = top.child("gitlab")) load_gitlab(YamlMap(sink, *node, "gitlab", top.mark()), result.config.gitlab);
        auto ssh = top.child("ssh", Presence::required);
        if (ssh) load_ssh(YamlMap(sink, *ssh, "ssh", top.mark()), result.config.ssh);
        auto repositories = top.child("repositories", Presence::required);
        if (repositories) {
            load_repositories(YamlMap(sink, *repositories, "repositories", top.mark()), result.config.repositories);
        }
        auto pairs = top.child("pairs", Presence::required);
        if (pairs) {
            load_pairs(YamlMap(sink, *pairs, "pairs", top.mark()), result.config.repositories, result.config.pairs);
        }
        top.finish();
    }
    result.diagnostics = sink.take();
    resolve_paths(result.config, base_dir);
    return result;
}

ParseResult load_config_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        ParseResult result;
        result.diagnostics.push_back({path.string(), 1, 1, "", "cannot read the file: it does not exist or is not readable"});
        return result;
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto base_dir = std::filesystem::absolute(path).parent_path();
    return parse_config(text.str(), path.string(), base_dir);
}

ConfigInvalid::ConfigInvalid(Diagnostics diagnostics)
    : std::runtime_error(diagnostics.empty()
                             ? std::string("invalid configuration")
                             : fmt::format("invalid configuration ({} errors); first: {}", diagnostics.size(),
                                           diagnostics.front().to_string())),
      diagnostics_(std::move(diagnostics)) {}

Config load_config_or_throw(const std::filesystem::path& path) {
    auto result = load_config_file(path);
    if (!result.ok()) {
        throw ConfigInvalid(std::move(result.diagnostics));
    }
    return std::move(result.config);
}

}  // namespace lbdeploy::config
