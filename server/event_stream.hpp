#pragma once
// Server-Sent Events for one job: every log line (steps are log lines of
// stream "step") as `event: log` / `event: step` with the line's sequence
// number as its id, so a client that reconnects with Last-Event-ID gets
// exactly the lines it missed; a heartbeat comment while nothing happens; an
// `end` event once the job is final and everything was sent.

#include <utility>  // before Boost: 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>

#include "server/http.hpp"
#include "storage/sqlite.hpp"

namespace lbdeploy::server {

class EventStreamer {
public:
    // `db` is used on the I/O thread only.
    explicit EventStreamer(storage::Database& db,
                           std::chrono::milliseconds poll_interval = std::chrono::milliseconds(100),
                           std::chrono::milliseconds heartbeat = std::chrono::seconds(15));

    boost::asio::awaitable<void> run(boost::beast::tcp_stream& stream, const Request& request,
                                     EventStreamReply reply);

private:
    storage::Database& db_;
    std::chrono::milliseconds poll_interval_;
    std::chrono::milliseconds heartbeat_;
};

}  // namespace lbdeploy::server
