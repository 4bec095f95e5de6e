#include "config/config_writer.hpp"

#include <yaml-cpp/yaml.h>

#include "config/values.hpp"

namespace lbdeploy::config {

namespace {

void write_server(YAML::Emitter& out, const ServerSettings& server) {
    out << YAML::Key << "server" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "listen" << YAML::Value << server.listen;
    if (!server.public_url.empty()) out << YAML::Key << "public_url" << YAML::Value << server.public_url;
    out << YAML::Key << "data_dir" << YAML::Value << server.data_dir.string();
    out << YAML::Key << "max_parallel_pairs" << YAML::Value << server.max_parallel_pairs;
    out << YAML::Key << "max_body_size" << YAML::Value << format_size(server.max_body_size);
    out << YAML::Key << "header_timeout" << YAML::Value << format_duration(server.header_timeout);
    out << YAML::Key << "body_timeout" << YAML::Value << format_duration(server.body_timeout);
    out << YAML::Key << "shutdown_grace" << YAML::Value << format_duration(server.shutdown_grace);
    out << YAML::Key << "max_log_lines_per_job" << YAML::Value << server.max_log_lines_per_job;
    out << YAML::EndMap;
}

void write_limits(YAML::Emitter& out, const Limits& limits) {
    out << YAML::Key << "limits" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "max_files_per_pair" << YAML::Value << limits.max_files_per_pair;
    out << YAML::Key << "max_file_size" << YAML::Value << format_size(limits.max_file_size);
    out << YAML::Key << "max_bytes_per_pair" << YAML::Value << format_size(limits.max_bytes_per_pair);
    out << YAML::Key << "max_tree_depth" << YAML::Value << limits.max_tree_depth;
    out << YAML::EndMap;
}

void write_auth_and_gitlab(YAML::Emitter& out, const AuthSettings& auth, const GitlabSettings& gitlab) {
    out << YAML::Key << "auth" << YAML::Value << YAML::BeginMap;
    if (!auth.api_tokens_file.empty()) out << YAML::Key << "api_tokens_file" << YAML::Value << auth.api_tokens_file.string();
    out << YAML::Key << "anonymous_reads" << YAML::Value << auth.anonymous_reads << YAML::EndMap;
    if (gitlab.webhook_token_file.empty()) {
        return;
    }
    out << YAML::Key << "gitlab" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "webhook_token_file" << YAML::Value << gitlab.webhook_token_file.string();
    if (!gitlab.api_url.empty()) {
        out << YAML::Key << "api_url" << YAML::Value << gitlab.api_url;
        out << YAML::Key << "api_token_file" << YAML::Value << gitlab.api_token_file.string();
    }
    if (gitlab.allow_insecure_transport) out << YAML::Key << "allow_insecure_transport" << YAML::Value << true;
    out << YAML::EndMap;
}

void write_ssh(YAML::Emitter& out, const SshSettings& ssh) {
    out << YAML::Key << "ssh" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "user" << YAML::Value << ssh.user << YAML::Key << "port" << YAML::Value << ssh.port;
    if (!ssh.identity_file.empty()) out << YAML::Key << "identity_file" << YAML::Value << ssh.identity_file.string();
    out << YAML::Key << "use_agent" << YAML::Value << ssh.use_agent;
    out << YAML::Key << "known_hosts" << YAML::Value << ssh.known_hosts.string();
    out << YAML::Key << "trust_unknown_hosts" << YAML::Value << ssh.trust_unknown_hosts;
    out << YAML::Key << "connect_timeout" << YAML::Value << format_duration(ssh.connect_timeout);
    out << YAML::Key << "command_timeout" << YAML::Value << format_duration(ssh.command_timeout);
    out << YAML::Key << "keepalive_interval" << YAML::Value << format_duration(ssh.keepalive_interval);
    out << YAML::EndMap;
}

void write_repositories(YAML::Emitter& out, const std::vector<Repository>& repositories) {
    out << YAML::Key << "repositories" << YAML::Value << YAML::BeginMap;
    for (const auto& repository : repositories) {
        out << YAML::Key << repository.name << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "url" << YAML::Value << repository.url;
        out << YAML::Key << "branch" << YAML::Value << repository.branch;
        if (!repository.ref.empty()) out << YAML::Key << "ref" << YAML::Value << repository.ref;
        if (!repository.token_file.empty()) out << YAML::Key << "token_file" << YAML::Value << repository.token_file.string();
        if (!repository.ssh_key_file.empty()) {
            out << YAML::Key << "ssh_key_file" << YAML::Value << repository.ssh_key_file.string();
        }
        if (repository.allow_insecure_transport) out << YAML::Key << "allow_insecure_transport" << YAML::Value << true;
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
}

void write_file(YAML::Emitter& out, const FileSpec& file) {
    out << YAML::BeginMap << YAML::Key << "src" << YAML::Value << file.src;
    out << YAML::Key << "dest" << YAML::Value << file.dest;
    if (file.mode) out << YAML::Key << "mode" << YAML::Value << YAML::DoubleQuoted << format_mode(*file.mode);
    if (!file.owner.empty()) out << YAML::Key << "owner" << YAML::Value << file.owner;
    if (!file.group.empty()) out << YAML::Key << "group" << YAML::Value << file.group;
    out << YAML::EndMap;
}

void write_services(YAML::Emitter& out, const std::vector<Service>& services) {
    out << YAML::Key << "services" << YAML::Value << YAML::BeginMap;
    for (const auto& service : services) {
        out << YAML::Key << service.name << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "files" << YAML::Value << YAML::BeginSeq;
        for (const auto& file : service.files) write_file(out, file);
        out << YAML::EndSeq;
        if (!service.validate.empty()) out << YAML::Key << "validate" << YAML::Value << service.validate;
        if (!service.reload.empty()) out << YAML::Key << "reload" << YAML::Value << service.reload;
        if (!service.carries_traffic) out << YAML::Key << "carries_traffic" << YAML::Value << false;
        if (service.validate_after_install) out << YAML::Key << "validate_after_install" << YAML::Value << true;
        if (!service.master_socket.empty()) {
            out << YAML::Key << "master_socket" << YAML::Value << service.master_socket;
        }
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
}

void write_checks(YAML::Emitter& out, const char* key, const std::vector<Check>& checks) {
    static constexpr const char* kind_keys[] = {"http", "tcp", "command"};
    out << YAML::Key << key << YAML::Value << YAML::BeginSeq;
    for (const auto& check : checks) {
        out << YAML::BeginMap << YAML::Key << kind_keys[static_cast<int>(check.kind)] << YAML::Value << check.target;
        if (check.kind == Check::Kind::http) {
            out << YAML::Key << "expect_status" << YAML::Value << check.expect_status;
            if (!check.expect_body.empty()) out << YAML::Key << "expect_body" << YAML::Value << check.expect_body;
            out << YAML::Key << "insecure_tls" << YAML::Value << check.insecure_tls;
        }
        out << YAML::Key << "timeout" << YAML::Value << format_duration(check.timeout);
        out << YAML::Key << "retries" << YAML::Value << check.retries;
        out << YAML::Key << "interval" << YAML::Value << format_duration(check.interval) << YAML::EndMap;
    }
    out << YAML::EndSeq;
}

void write_pair_extras(YAML::Emitter& out, const Pair& pair) {
    out << YAML::Key << "dependencies" << YAML::Value << YAML::BeginSeq;
    for (const auto& dependency : pair.dependencies) {
        out << YAML::BeginMap << YAML::Key << "repository" << YAML::Value << dependency.repository;
        out << YAML::Key << "path" << YAML::Value << dependency.path;
        out << YAML::Key << "dest" << YAML::Value << dependency.dest;
        if (!dependency.reloads.empty()) out << YAML::Key << "reloads" << YAML::Value << dependency.reloads;
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::Key << "checks" << YAML::Value << YAML::BeginMap;
    write_checks(out, "node", pair.node_checks);
    write_checks(out, "service", pair.service_checks);
    out << YAML::EndMap;
    out << YAML::Key << "failover" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "release" << YAML::Value << pair.failover.release;
    out << YAML::Key << "restore" << YAML::Value << pair.failover.restore;
    out << YAML::Key << "holds_vip" << YAML::Value << pair.failover.holds_vip;
    out << YAML::Key << "timeout" << YAML::Value << format_duration(pair.failover.timeout) << YAML::EndMap;
    out << YAML::Key << "recovery" << YAML::Value << (pair.recovery == Recovery::manual ? "manual" : "auto");
    out << YAML::Key << "on_failure" << YAML::Value
        << (pair.on_failure == OnFailure::keep_backup ? "keep_backup" : "restore_both");
}

void write_pair(YAML::Emitter& out, const Pair& pair) {
    out << YAML::Key << pair.name << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "repository" << YAML::Value << pair.repository;
    out << YAML::Key << "root" << YAML::Value << pair.root;
    out << YAML::Key << "nodes" << YAML::Value << YAML::BeginMap;
    for (const auto& node : pair.nodes) {
        out << YAML::Key << node.name << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "host"
            << YAML::Value << node.host << YAML::EndMap;
    }
    out << YAML::EndMap << YAML::Key << "vip" << YAML::Value << pair.vip;
    out << YAML::Key << "allowed_paths" << YAML::Value << YAML::Flow << pair.allowed_paths;
    write_services(out, pair.services);
    write_pair_extras(out, pair);
    out << YAML::EndMap;
}

}  // namespace

std::string to_yaml(const Config& config) {
    YAML::Emitter out;
    out << YAML::BeginMap;
    write_server(out, config.server);
    write_limits(out, config.limits);
    write_auth_and_gitlab(out, config.auth, config.gitlab);
    write_ssh(out, config.ssh);
    write_repositories(out, config.repositories);
    out << YAML::Key << "pairs" << YAML::Value << YAML::BeginMap;
    for (const auto& pair : config.pairs) write_pair(out, pair);
    out << YAML::EndMap << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

}  // namespace lbdeploy::config
