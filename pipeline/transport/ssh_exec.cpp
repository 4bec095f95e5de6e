#include "pipeline/transport/ssh_session.hpp"

#include <fmt/format.h>

#include <array>

#include "pipeline/transport/ssh_session_impl.hpp"

// Commands and unix-socket requests over channels of an open session.
namespace lbdeploy::transport {

namespace detail {

void StreamCollector::feed(std::string_view data) {
    captured_.append(data);
    for (char c : data) {
        if (c == '\n' || pending_.size() >= max_line_length) {
            flush();
            if (c == '\n') continue;
        }
        if (c != '\r') pending_ += c;
    }
}

void StreamCollector::finish() {
    if (!pending_.empty()) flush();
}

void StreamCollector::flush() {
    if (sink_) sink_(is_stderr_, pending_);
    pending_.clear();
}

}  // namespace detail

using detail::Clock;
using detail::StreamCollector;

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
        // Only traffic counts: a quiet command (a long validate, a sleep)
        // is exactly when a NAT or firewall would drop the idle connection.
        if (got_data) {
            last_activity = Clock::now();
            continue;
        }
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
    OutputCapture kept_out(detail::kept_output_part);
    OutputCapture kept_err(detail::kept_output_part);
    StreamCollector out(sink, false, kept_out);
    StreamCollector err(sink, true, kept_err);
    auto deadline = Clock::now() + timeout.value_or(impl_->target.settings.command_timeout);
    impl_->pump(channel.get(), out, err, deadline, result.timed_out);
    out.finish();
    err.finish();
    result.out = kept_out.text();
    result.err = kept_err.text();
    if (result.timed_out) {
        ssh_channel_request_send_signal(channel.get(), "KILL");
        return result;
    }
    ssh_channel_send_eof(channel.get());
    ssh_channel_close(channel.get());
    result.exit_status = ssh_channel_get_exit_status(channel.get());
    return result;
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
    OutputCapture reply(detail::kept_reply_part);
    OutputCapture ignored(0);
    const LineSink no_sink;
    StreamCollector out(no_sink, false, reply);
    StreamCollector err(no_sink, true, ignored);
    bool timed_out = false;
    impl_->pump(channel.get(), out, err, Clock::now() + timeout, timed_out);
    if (timed_out) throw SshError(fmt::format("{}: no answer from {} within {} ms", impl_->target.host,
                                              socket_path, timeout.count()));
    return reply.text();
}

}  // namespace lbdeploy::transport
