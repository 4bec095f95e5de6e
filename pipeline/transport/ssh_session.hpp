#pragma once
// SSH to one node: one authenticated session reused for every command, file
// transfer and unix-socket request of a rollout. libssh is included by
// ssh_session_impl.hpp only, which ssh_session.cpp, ssh_exec.cpp and sftp.cpp
// include; this header keeps it out of every other file.
//
// Errors: connecting, authenticating, host-key mismatches and transport
// failures throw SshError (HostKeyError for host keys); a command that runs and
// exits non-zero is not an error, it is a CommandResult.
// Thread safety: a session belongs to one thread at a time.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "config/config.hpp"

namespace lbdeploy::transport {

using Duration = config::Duration;

class SshError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The node's host key is unknown or differs from known_hosts: nothing was run.
class HostKeyError : public SshError {
public:
    using SshError::SshError;
};

// libssh's global state; one instance, owned by the composition root, must
// outlive every session.
class SshLibrary {
public:
    SshLibrary();
    ~SshLibrary();
    SshLibrary(const SshLibrary&) = delete;
    SshLibrary& operator=(const SshLibrary&) = delete;
};

// Where to connect: the node's address with the configured SSH settings.
struct SshTarget {
    std::string host;  // validated IP address or DNS name
    config::SshSettings settings;
};

struct CommandResult {
    int exit_status = -1;  // -1 when the command timed out or was killed by a signal
    bool timed_out = false;
    // Each stream whole up to 128 KiB; beyond, its first and last 64 KiB
    // (output_capture.hpp). Every line reaches the LineSink regardless.
    std::string out;
    std::string err;
    bool succeeded() const { return exit_status == 0 && !timed_out; }
};

// Called once per complete output line as it arrives (and for a last line
// without newline); `is_stderr` tells the stream.
using LineSink = std::function<void(bool is_stderr, std::string_view line)>;

struct RemoteStat {
    unsigned mode = 0;  // permission bits only
    unsigned uid = 0;
    unsigned gid = 0;
    bool is_directory = false;
    bool is_symlink = false;  // only from link_stat(); stat() follows links
};

struct RemoteFile {
    std::string content;
    RemoteStat stat;
};

class SshSession {
public:
    // Connects, verifies the host key against target.known_hosts, then
    // authenticates with the identity file and/or the agent.
    static SshSession connect(const SshTarget& target);

    SshSession(SshSession&&) noexcept;
    SshSession& operator=(SshSession&&) noexcept;
    ~SshSession();

    const std::string& host() const;
    bool is_connected() const;
    std::string host_key_fingerprint() const;  // "SHA256:..."

    // Runs `command` through the user's shell. Output streams to `sink` line by
    // line; `timeout` defaults to the target's command_timeout.
    CommandResult run(const std::string& command, const LineSink& sink = {},
                      std::optional<Duration> timeout = {});

    // SFTP. Paths are absolute. read/stat return nullopt when the path does not exist.
    std::optional<RemoteStat> stat(const std::string& path);
    std::optional<RemoteStat> link_stat(const std::string& path);  // the link itself, not its target
    std::optional<RemoteFile> read_file(const std::string& path);
    // Creates or truncates, writes, fsyncs (when the server offers it) and
    // closes; then sets `mode` exactly (the server's umask does not apply).
    void write_file(const std::string& path, std::string_view content, unsigned mode);
    // The same for a file that must not exist yet (a temporary name): created
    // exclusively, so an existing file or a planted symlink fails the call
    // instead of being written through; before the mode is set by path, the
    // path is checked to be still the regular file written. (libssh 0.10 has
    // no fsetstat, so mode and owner cannot be set on the open handle.)
    void write_new_file(const std::string& path, std::string_view content, unsigned mode);
    void set_owner(const std::string& path, unsigned uid, unsigned gid);
    void make_directory(const std::string& path, unsigned mode);  // one level; existing is fine
    void remove_file(const std::string& path);                     // missing is fine

    // Sends `request` to a unix socket on the node (direct-streamlocal, no
    // socat needed) and returns everything read until the peer closes.
    std::string unix_socket_exchange(const std::string& socket_path, std::string_view request,
                                     Duration timeout);

private:
    struct Impl;
    explicit SshSession(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace lbdeploy::transport
