#include "pipeline/ssh.hpp"

#include <fcntl.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include <fmt/format.h>

#include <array>
#include <cstdio>

namespace lbdeploy::pipeline {

namespace {

struct SessionDeleter {
    void operator()(ssh_session s) const noexcept {
        ssh_disconnect(s);
        ssh_free(s);
    }
};
struct ChannelDeleter {
    void operator()(ssh_channel c) const noexcept {
        // Closing a channel the server refused to open sends it an EOF for an
        // unknown channel, and OpenSSH drops the whole connection for that.
        if (ssh_channel_is_open(c) != 0) ssh_channel_close(c);
        ssh_channel_free(c);
    }
};
struct SftpDeleter {
    void operator()(sftp_session s) const noexcept { sftp_free(s); }
};
struct SftpFileDeleter {
    void operator()(sftp_file f) const noexcept { sftp_close(f); }
};
struct AttributesDeleter {
    void operator()(sftp_attributes a) const noexcept { sftp_attributes_free(a); }
};
struct KeyDeleter {
    void operator()(ssh_key k) const noexcept { ssh_key_free(k); }
};
using SessionPtr = std::unique_ptr<std::remove_pointer_t<ssh_session>, SessionDeleter>;
using ChannelPtr = std::unique_ptr<std::remove_pointer_t<ssh_channel>, ChannelDeleter>;
using SftpPtr = std::unique_ptr<std::remove_pointer_t<sftp_session>, SftpDeleter>;
using SftpFilePtr = std::unique_ptr<std::remove_pointer_t<sftp_file>, SftpFileDeleter>;
using AttributesPtr = std::unique_ptr<std::remove_pointer_t<sftp_attributes>, AttributesDeleter>;
using KeyPtr = std::unique_ptr<std::remove_pointer_t<ssh_key>, KeyDeleter>;

constexpr std::size_t max_captured_output = 4 * 1024 * 1024;
constexpr std::size_t max_line_length = 16 * 1024;
constexpr std::size_t transfer_chunk = 32 * 1024;

using Clock = std::chrono::steady_clock;

// Splits one stream into lines for the sink and keeps a bounded copy.
class StreamCollector {
public:
    StreamCollector(const LineSink& sink, bool is_stderr, std::string& captured)
        : sink_(sink), is_stderr_(is_stderr), captured_(captured) {}

    void feed(std::string_view data) {
        if (captured_.size() < max_captured_output) {
            captured_.append(data.substr(0, max_captured_output - captured_.size()));
        }
        for (char c : data) {
            if (c == '\n' || pending_.size() >= max_line_length) {
                flush();
                if (c == '\n') continue;
            }
            if (c != '\r') pending_ += c;
        }
    }
    void finish() {
        if (!pending_.empty()) flush();
    }

private:
    void flush() {
        if (sink_) sink_(is_stderr_, pending_);
        pending_.clear();
    }
    const LineSink& sink_;
    bool is_stderr_;
    std::string& captured_;
    std::string pending_;
};

}  // namespace

SshLibrary::SshLibrary() {
    if (ssh_init() != SSH_OK) {
        throw SshError("libssh could not be initialised");
    }
}

SshLibrary::~SshLibrary() {
    ssh_finalize();
}

struct SshSession::Impl {
    SshTarget target;
    SessionPtr session;
    SftpPtr sftp;
    std::string fingerprint;
    Clock::time_point last_activity = Clock::now();

    std::string error_text() const { return ssh_get_error(session.get()); }

    [[noreturn]] void fail(const std::string& what) const {
        throw SshError(fmt::format("{}: {}: {}", target.host, what, error_text()));
    }

    sftp_session sftp_handle() {
        if (!sftp) {
            sftp.reset(sftp_new(session.get()));
            if (!sftp || sftp_init(sftp.get()) != SSH_OK) {
                sftp.reset();
                fail("cannot start the SFTP subsystem");
            }
        }
        return sftp.get();
    }

    [[noreturn]] void fail_sftp(const std::string& what, const std::string& path) const {
        int code = sftp ? sftp_get_error(sftp.get()) : -1;
        throw SshError(fmt::format("{}: {} {}: SFTP error {} ({})", target.host, what, path, code, error_text()));
    }

    bool sftp_missing() const { return sftp && sftp_get_error(sftp.get()) == SSH_FX_NO_SUCH_FILE; }

    void keep_alive_if_idle() {
        if (Clock::now() - last_activity >= target.keepalive_interval) {
            ssh_send_ignore(session.get(), "lbdeploy keepalive");
            last_activity = Clock::now();
        }
    }

    ChannelPtr open_channel() {
        ChannelPtr channel(ssh_channel_new(session.get()));
        if (!channel) fail("cannot create a channel");
        return channel;
    }

    void verify_host_key();
    void authenticate();
    void pump(ssh_channel channel, StreamCollector& out, StreamCollector& err, Clock::time_point deadline,
              bool& timed_out);
};

void SshSession::Impl::verify_host_key() {
    ssh_key raw_key = nullptr;
    if (ssh_get_server_publickey(session.get(), &raw_key) != SSH_OK) fail("no host key received");
    KeyPtr key(raw_key);
    unsigned char* hash = nullptr;
    std::size_t hash_length = 0;
    if (ssh_get_publickey_hash(key.get(), SSH_PUBLICKEY_HASH_SHA256, &hash, &hash_length) != 0) {
        fail("cannot hash the host key");
    }
    char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hash_length);
    ssh_clean_pubkey_hash(&hash);
    fingerprint = text ? text : "?";
    ssh_string_free_char(text);

    auto known = ssh_session_is_known_server(session.get());
    auto where = target.known_hosts.string();
    switch (known) {
    case SSH_KNOWN_HOSTS_OK:
        return;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
        throw HostKeyError(fmt::format("{}: host key {} does not match {} (possible man-in-the-middle, or the "
                                       "node was reinstalled: verify, then update known_hosts)",
                                       target.host, fingerprint, where));
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
        if (target.trust_unknown_hosts) {
            if (ssh_session_update_known_hosts(session.get()) != SSH_OK) fail("cannot add the host key to " + where);
            return;
        }
        throw HostKeyError(fmt::format("{}: host key {} is not in {} (add it after verifying the fingerprint)",
                                       target.host, fingerprint, where));
    case SSH_KNOWN_HOSTS_ERROR:
        break;
    }
    fail("cannot check the host key against " + where);
}

void SshSession::Impl::authenticate() {
    std::string attempts;
    if (!target.identity_file.empty()) {
        ssh_key raw_key = nullptr;
        if (ssh_pki_import_privkey_file(target.identity_file.c_str(), nullptr, nullptr, nullptr, &raw_key) !=
            SSH_OK) {
            throw SshError(fmt::format("{}: cannot read the private key {}", target.host,
                                       target.identity_file.string()));
        }
        KeyPtr key(raw_key);
        if (ssh_userauth_publickey(session.get(), nullptr, key.get()) == SSH_AUTH_SUCCESS) return;
        attempts = "key " + target.identity_file.string();
    }
    if (target.use_agent) {
        if (ssh_userauth_agent(session.get(), nullptr) == SSH_AUTH_SUCCESS) return;
        attempts += attempts.empty() ? "ssh-agent" : " and ssh-agent";
    }
    throw SshError(fmt::format("{}: authentication as {} refused ({})", target.host, target.user,
                               attempts.empty() ? "no key configured" : attempts));
}

SshSession SshSession::connect(const SshTarget& target) {
    auto impl = std::make_unique<Impl>();
    impl->target = target;
    impl->session.reset(ssh_new());
    if (!impl->session) throw SshError("libssh could not allocate a session");
    ssh_session s = impl->session.get();
    bool no = false;
    long timeout_s = std::max<long>(1, static_cast<long>(target.connect_timeout.count() / 1000));
    int port = target.port;
    const char* null_file = "/dev/null";
    if (ssh_options_set(s, SSH_OPTIONS_HOST, target.host.c_str()) != SSH_OK ||
        ssh_options_set(s, SSH_OPTIONS_PORT, &port) != SSH_OK ||
        ssh_options_set(s, SSH_OPTIONS_USER, target.user.c_str()) != SSH_OK ||
        ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, target.known_hosts.c_str()) != SSH_OK ||
        ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, null_file) != SSH_OK ||
        ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no) != SSH_OK ||
        ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout_s) != SSH_OK) {
        impl->fail("invalid SSH options");
    }
    if (ssh_connect(s) != SSH_OK) {
        throw SshError(fmt::format("{}:{}: cannot connect: {}", target.host, target.port, impl->error_text()));
    }
    impl->verify_host_key();
    impl->authenticate();
    return SshSession(std::move(impl));
}

SshSession::SshSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SshSession::SshSession(SshSession&&) noexcept = default;
SshSession& SshSession::operator=(SshSession&&) noexcept = default;
SshSession::~SshSession() {
    if (impl_) impl_->sftp.reset();  // before the session it lives on
}

bool SshSession::is_connected() const {
    return ssh_is_connected(impl_->session.get()) != 0;
}

const std::string& SshSession::host() const {
    return impl_->target.host;
}

std::string SshSession::host_key_fingerprint() const {
    return impl_->fingerprint;
}

void SshSession::Impl::pump(ssh_channel channel, StreamCollector& out, StreamCollector& err,
                            Clock::time_point deadline, bool& timed_out) {
    std::array<char, 8192> buffer{};
    for (;;) {
        bool got_data = false;
        for (int is_stderr : {0, 1}) {
            int n = ssh_channel_read_nonblocking(channel, buffer.data(), buffer.size(), is_stderr);
            if (n == SSH_ERROR) fail("reading command output");
            if (n > 0) {
                (is_stderr ? err : out).feed({buffer.data(), static_cast<std::size_t>(n)});
                got_data = true;
            }
        }
        last_activity = Clock::now();
        if (got_data) continue;
        if (ssh_channel_is_eof(channel) != 0) return;
        if (Clock::now() >= deadline) {
            timed_out = true;
            return;
        }
        if (ssh_channel_poll_timeout(channel, 20, 0) == SSH_ERROR) fail("waiting for command output");
        keep_alive_if_idle();
    }
}

CommandResult SshSession::run(const std::string& command, const LineSink& sink, std::optional<Duration> timeout) {
    CommandResult result;
    auto channel = impl_->open_channel();
    if (ssh_channel_open_session(channel.get()) != SSH_OK) impl_->fail("cannot open a session channel");
    if (ssh_channel_request_exec(channel.get(), command.c_str()) != SSH_OK) impl_->fail("cannot start a command");
    StreamCollector out(sink, false, result.out);
    StreamCollector err(sink, true, result.err);
    auto deadline = Clock::now() + timeout.value_or(impl_->target.command_timeout);
    impl_->pump(channel.get(), out, err, deadline, result.timed_out);
    out.finish();
    err.finish();
    if (result.timed_out) {
        ssh_channel_request_send_signal(channel.get(), "KILL");
        return result;
    }
    ssh_channel_send_eof(channel.get());
    ssh_channel_close(channel.get());
    result.exit_status = ssh_channel_get_exit_status(channel.get());
    return result;
}

std::optional<RemoteStat> SshSession::stat(const std::string& path) {
    AttributesPtr attributes(sftp_stat(impl_->sftp_handle(), path.c_str()));
    if (!attributes) {
        if (impl_->sftp_missing()) return std::nullopt;
        impl_->fail_sftp("cannot stat", path);
    }
    return RemoteStat{attributes->permissions & 07777u, attributes->uid, attributes->gid,
                      attributes->type == SSH_FILEXFER_TYPE_DIRECTORY};
}

std::optional<RemoteFile> SshSession::read_file(const std::string& path) {
    SftpFilePtr file(sftp_open(impl_->sftp_handle(), path.c_str(), O_RDONLY, 0));
    if (!file) {
        if (impl_->sftp_missing()) return std::nullopt;
        impl_->fail_sftp("cannot open", path);
    }
    AttributesPtr attributes(sftp_fstat(file.get()));
    if (!attributes) impl_->fail_sftp("cannot stat", path);
    RemoteFile result;
    result.stat = {attributes->permissions & 07777u, attributes->uid, attributes->gid,
                   attributes->type == SSH_FILEXFER_TYPE_DIRECTORY};
    if (result.stat.is_directory) throw SshError(fmt::format("{}: {} is a directory", impl_->target.host, path));
    std::array<char, transfer_chunk> buffer{};
    for (;;) {
        auto n = sftp_read(file.get(), buffer.data(), buffer.size());
        if (n < 0) impl_->fail_sftp("cannot read", path);
        if (n == 0) break;
        result.content.append(buffer.data(), static_cast<std::size_t>(n));
    }
    return result;
}

void SshSession::write_file(const std::string& path, std::string_view content, unsigned mode) {
    auto sftp = impl_->sftp_handle();
    SftpFilePtr file(sftp_open(sftp, path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, static_cast<mode_t>(mode)));
    if (!file) impl_->fail_sftp("cannot create", path);
    while (!content.empty()) {
        auto chunk = content.substr(0, transfer_chunk);
        auto n = sftp_write(file.get(), chunk.data(), chunk.size());
        if (n <= 0) impl_->fail_sftp("cannot write", path);
        content.remove_prefix(static_cast<std::size_t>(n));
    }
    if (sftp_extension_supported(sftp, "fsync@openssh.com", "1") != 0 && sftp_fsync(file.get()) != 0) {
        impl_->fail_sftp("cannot fsync", path);
    }
    if (sftp_close(file.release()) != 0) impl_->fail_sftp("cannot close", path);
    if (sftp_chmod(sftp, path.c_str(), static_cast<mode_t>(mode)) != 0) impl_->fail_sftp("cannot chmod", path);
}

void SshSession::set_owner(const std::string& path, unsigned uid, unsigned gid) {
    if (sftp_chown(impl_->sftp_handle(), path.c_str(), uid, gid) != 0) impl_->fail_sftp("cannot chown", path);
}

void SshSession::make_directory(const std::string& path, unsigned mode) {
    if (sftp_mkdir(impl_->sftp_handle(), path.c_str(), static_cast<mode_t>(mode)) == 0) return;
    auto existing = stat(path);
    if (!existing || !existing->is_directory) impl_->fail_sftp("cannot create the directory", path);
}

void SshSession::remove_file(const std::string& path) {
    if (sftp_unlink(impl_->sftp_handle(), path.c_str()) != 0 && !impl_->sftp_missing()) {
        impl_->fail_sftp("cannot remove", path);
    }
}

std::string SshSession::unix_socket_exchange(const std::string& socket_path, std::string_view request,
                                             Duration timeout) {
    auto channel = impl_->open_channel();
    if (ssh_channel_open_forward_unix(channel.get(), socket_path.c_str(), "127.0.0.1", 0) != SSH_OK) {
        impl_->fail("cannot connect to " + socket_path);
    }
    if (ssh_channel_write(channel.get(), request.data(), static_cast<uint32_t>(request.size())) == SSH_ERROR) {
        impl_->fail("cannot write to " + socket_path);
    }
    // Like `socat`, half-close after the request: HAProxy's CLI answers and
    // closes only once its input ends.
    ssh_channel_send_eof(channel.get());
    std::string reply;
    std::string ignored;
    const LineSink no_sink;
    StreamCollector out(no_sink, false, reply);
    StreamCollector err(no_sink, true, ignored);
    bool timed_out = false;
    impl_->pump(channel.get(), out, err, Clock::now() + timeout, timed_out);
    if (timed_out) throw SshError(fmt::format("{}: no answer from {} within {} ms", impl_->target.host,
                                              socket_path, timeout.count()));
    return reply;
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

}  // namespace lbdeploy::pipeline
