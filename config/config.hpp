#pragma once
// The lbdeploy configuration as plain values. Produced by parse_config()
// (config_loader.hpp), which validates everything; code that receives a Config
// may rely on the invariants documented here.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lbdeploy::config {

using Duration = std::chrono::milliseconds;

struct ServerSettings {
    std::string listen = "127.0.0.1:8080";  // host:port
    std::string public_url;                 // base of links to job pages; empty = derived from listen
    std::filesystem::path data_dir = "/var/lib/lbdeploy";
    int max_parallel_pairs = 4;             // >= 1
    std::size_t max_body_size = 4 * 1024 * 1024;
    Duration header_timeout = std::chrono::seconds(10);
    Duration body_timeout = std::chrono::seconds(30);
    Duration shutdown_grace = std::chrono::seconds(120);
    // Command output and diff lines stored per job; past it they are counted,
    // not stored (a command printing a million lines must not make a million
    // rows, nor a viewer's event feed hold them).
    int max_log_lines_per_job = 20'000;
    bool operator==(const ServerSettings&) const = default;
};

struct AuthSettings {
    std::filesystem::path api_tokens_file;  // empty = write endpoints are disabled
    bool anonymous_reads = true;            // GET endpoints without a bearer token
    bool operator==(const AuthSettings&) const = default;
};

struct GitlabSettings {
    std::filesystem::path webhook_token_file;  // empty = no gitlab section: webhooks refused
    std::string api_url;                       // optional, for commit statuses and deployments
    std::filesystem::path api_token_file;      // set if and only if api_url is set
    bool allow_insecure_transport = false;     // an http:// api_url to a host other than loopback
    bool operator==(const GitlabSettings&) const = default;
};

struct SshSettings {
    std::string user = "root";
    int port = 22;
    std::filesystem::path identity_file;  // empty = ssh-agent only
    bool use_agent = false;
    std::filesystem::path known_hosts;    // required: host keys are always checked
    bool trust_unknown_hosts = false;     // trust-on-first-use, off unless asked for
    Duration connect_timeout = std::chrono::seconds(10);
    Duration command_timeout = std::chrono::minutes(5);
    Duration keepalive_interval = std::chrono::seconds(15);
    bool operator==(const SshSettings&) const = default;
};

struct Repository {
    std::string name;
    std::string url;       // https://, ssh://, user@host:path, git://, file:// or a local path
    std::string branch = "main";  // the branch whose pushes trigger deploys
    std::string ref;       // pinned ref for a dependency; empty = head of `branch`
    std::filesystem::path token_file;     // https token (GitLab deploy token or PAT)
    std::filesystem::path ssh_key_file;   // key for ssh:// URLs
    bool allow_insecure_transport = false;  // token_file over http:// or git:// to a host other than loopback
    bool operator==(const Repository&) const = default;
};

struct Node {
    std::string name;  // [A-Za-z0-9_-]+, substituted as {node}
    std::string host;  // IP address or DNS name, substituted as {host}
    bool operator==(const Node&) const = default;
};

// One file (or a glob of files) of a service. `src` is relative to the pair's
// root and may contain `{node}` (per-node variants) and glob characters; `dest`
// is absolute (a directory ending in '/' when `src` is a glob).
struct FileSpec {
    std::string src;
    std::string dest;
    std::optional<unsigned> mode;  // permission bits; unset = keep the node's
    std::string owner;             // empty = keep the node's
    std::string group;
    bool operator==(const FileSpec&) const = default;
};

struct Service {
    std::string name;
    std::vector<FileSpec> files;  // at least one
    // Command that checks the service's files; empty = none. Run in the
    // pre-flight against the staged files (a private mount namespace shows
    // them at their destinations); run again after install only when
    // `validate_after_install` is set, or where no such namespace can be made.
    std::string validate;
    std::string reload;           // command run when one of `files` changed; empty = none
    // HAProxy master CLI socket on the node (absolute path). When set, a reload
    // counts only once `show proc` lists a new worker and no failed reload:
    // `kill -USR2` succeeds even when HAProxy rejects the new configuration.
    std::string master_socket;
    // false for services whose reload cannot disturb traffic through the VIP
    // (snmpd, zabbix-agent): when only such services change on the MASTER,
    // it is deployed in place and the VIP does not move.
    bool carries_traffic = true;
    bool validate_after_install = false;
    bool operator==(const Service&) const = default;
};

// Files of another repository deployed with the pair (e.g. Lua scripts).
struct Dependency {
    std::string repository;  // a key of Config::repositories
    std::string path;        // directory or file inside that repository
    std::string dest;        // absolute destination on the node
    std::string reloads;     // service reloaded when these files change; empty = none
    bool operator==(const Dependency&) const = default;
};

struct Check {
    enum class Kind { http, tcp, command };
    Kind kind = Kind::http;
    std::string target;  // URL, host:port or command; may contain {host} {vip} {node} {pair}
    int expect_status = 200;  // http only
    std::string expect_body;  // http only: substring that must appear
    bool insecure_tls = false;
    Duration timeout = std::chrono::seconds(5);
    int retries = 3;
    Duration interval = std::chrono::seconds(1);
    bool operator==(const Check&) const = default;
};

struct Failover {
    std::string release = "echo 1 > /run/keepalived-maintenance";  // run on the VIP holder
    std::string restore = "echo 0 > /run/keepalived-maintenance";  // undo release
    std::string holds_vip = "ip -o -4 addr show to {vip}/32";       // non-empty output = holds
    Duration timeout = std::chrono::seconds(15);
    bool operator==(const Failover&) const = default;
};

// What a job does when it finds a node left half-done by an earlier one.
enum class Recovery {
    automatic,  // "auto": any job recovers it first; `serve` queues a recovery job at its start
    manual,     // "manual": the pair is marked, deploys are refused until someone asks for recovery
};

// What a failure of the second node (the old MASTER) does to the first.
enum class OnFailure {
    restore_both,  // "restore_both": the BACKUP is rolled back too, both nodes run the old commit
    keep_backup,   // "keep_backup": the BACKUP keeps the new commit (the pair is left split)
};

struct Pair {
    std::string name;
    std::string repository;       // a key of Config::repositories
    std::string root;             // directory in the repository that mirrors "/" on the nodes
    std::vector<Node> nodes;      // exactly two, distinct hosts
    std::string vip;              // IP address
    std::vector<std::string> allowed_paths{"/etc"};  // destinations must lie below one of these
    std::vector<Dependency> dependencies;
    std::vector<Service> services;  // at least one
    std::vector<Check> node_checks;
    std::vector<Check> service_checks;
    Failover failover;
    Recovery recovery = Recovery::automatic;
    OnFailure on_failure = OnFailure::restore_both;
    bool operator==(const Pair&) const = default;
};

// What one pair's sources may hold, so that a hand-made repository (a git
// bomb, a huge blob) is a planning error naming the limit, not an
// exhausted server. Checked while the trees are read, before content is loaded.
struct Limits {
    int max_files_per_pair = 20'000;                  // files below the pair's root plus its dependencies
    std::size_t max_file_size = 16 * 1024 * 1024;     // one blob
    std::size_t max_bytes_per_pair = 256 * 1024 * 1024;  // all blobs read for one pair
    int max_tree_depth = 32;                          // directories below the root that is read
    bool operator==(const Limits&) const = default;
};

struct Config {
    ServerSettings server;
    Limits limits;
    AuthSettings auth;
    GitlabSettings gitlab;
    SshSettings ssh;
    std::vector<Repository> repositories;  // in file order
    std::vector<Pair> pairs;               // in file order
    bool operator==(const Config&) const = default;

    const Repository* find_repository(const std::string& name) const;
    const Pair* find_pair(const std::string& name) const;
};

}  // namespace lbdeploy::config
