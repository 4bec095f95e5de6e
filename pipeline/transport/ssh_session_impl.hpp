#pragma once
// Private to the transport's SSH files (ssh_session.cpp, ssh_exec.cpp,
// sftp.cpp): the libssh handles with their deleters and the session's state.
// The only header that includes libssh; nothing outside transport/ includes it.

#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <string>

#include "pipeline/transport/output_capture.hpp"
#include "pipeline/transport/ssh_session.hpp"

namespace lbdeploy::transport::detail {

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

// A command's result keeps this much of each stream's start and end; a unix
// socket's reply (HAProxy's `show proc`) must come whole, so it gets more.
constexpr std::size_t kept_output_part = 64 * 1024;
constexpr std::size_t kept_reply_part = 2 * 1024 * 1024;
constexpr std::size_t max_line_length = 16 * 1024;
constexpr std::size_t transfer_chunk = 32 * 1024;

using Clock = std::chrono::steady_clock;


// Splits one stream into lines for the sink and keeps a bounded copy.
class StreamCollector {
public:
    StreamCollector(const LineSink& sink, bool is_stderr, OutputCapture& captured)
        : sink_(sink), is_stderr_(is_stderr), captured_(captured) {}
    void feed(std::string_view data);
    void finish();

private:
    void flush();
    const LineSink& sink_;
    bool is_stderr_;
    OutputCapture& captured_;
    std::string pending_;
};

}  // namespace lbdeploy::transport::detail

namespace lbdeploy::transport {

struct SshSession::Impl {
    using Clock = detail::Clock;
    using StreamCollector = detail::StreamCollector;
    SshTarget target;
    detail::SessionPtr session;
    detail::SftpPtr sftp;
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

    // Opens with O_WRONLY | O_CREAT | `flags`, writes, fsyncs, closes.
    void write_whole_file(const std::string& path, std::string_view content, unsigned mode, int flags);

    bool sftp_missing() const { return sftp && sftp_get_error(sftp.get()) == SSH_FX_NO_SUCH_FILE; }

    void keep_alive_if_idle() {
        if (Clock::now() - last_activity >= target.settings.keepalive_interval) {
            ssh_send_ignore(session.get(), "lbdeploy keepalive");
            last_activity = Clock::now();
        }
    }

    detail::ChannelPtr open_channel() {
        detail::ChannelPtr channel(ssh_channel_new(session.get()));
        if (!channel) fail("cannot create a channel");
        return channel;
    }

    void verify_host_key();
    void authenticate();
    void pump(ssh_channel channel, StreamCollector& out, StreamCollector& err, Clock::time_point deadline,
              bool& timed_out);
};

}  // namespace lbdeploy::transport
