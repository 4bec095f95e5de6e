#pragma once
// The HTTP listener and its connections (Boost.Beast, C++20 coroutines, a
// strand per connection). Every read has a deadline: the whole header within
// header_timeout (a client trickling bytes is cut off), the body within
// body_timeout, and bodies over max_body_size get 413. Keep-alive.
//
// Past its file limit a server cannot accept, and a new connection waits in
// the listen queue behind every idle one: /healthz and webhooks would go
// unanswered. So connections waiting for a request (before their first
// header, or kept alive between requests) are closed, the oldest first, when
// the server is at max_connections or accept() runs out of files; event
// streams past max_connections less a margin for requests get 503. The
// bookkeeping assumes one thread runs the io_context (as `serve` does).

#include <utility>  // before Boost: 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "common/event_log.hpp"
#include "server/event_stream.hpp"
#include "server/http.hpp"

namespace lbdeploy::server {

struct HttpLimits {
    std::size_t max_body_size = 4 * 1024 * 1024;
    std::chrono::milliseconds header_timeout{10'000};
    std::chrono::milliseconds body_timeout{30'000};
    std::chrono::milliseconds idle_timeout{60'000};  // between requests on a kept-alive connection
    // Open connections past which the oldest one waiting for a request is
    // closed as each new one is accepted; 0: the process's limit of open
    // files (RLIMIT_NOFILE) less a reserve for the job store, git and SSH.
    std::size_t max_connections = 0;
};

struct ConnectionTable;  // the open connections, those waiting for a request, the event streams

class HttpServer {
public:
    // `log` (may be null) gets http.error for a handler that threw.
    HttpServer(boost::asio::io_context& io, const Router& router, EventStreamer& events, HttpLimits limits,
               common::EventLog* log = nullptr);

    // Binds "host:port" (port 0: any free port) and starts accepting.
    // Throws std::invalid_argument for a text that is not HOST:PORT and
    // boost::system::system_error when the address cannot be bound.
    boost::asio::ip::tcp::endpoint listen(const std::string& host_port);
    // Stops accepting; connections already open finish their request.
    void stop_accepting();

private:
    boost::asio::awaitable<void> accept_loop();
    boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);
    boost::asio::awaitable<void> serve_connection(boost::asio::ip::tcp::socket socket);
    boost::asio::awaitable<Reply> dispatch(const Request& request);
    // Closes the connection that has waited longest for a request; false when none waits.
    bool shed_oldest_waiting();

    boost::asio::io_context& io_;
    const Router& router_;
    EventStreamer& events_;
    HttpLimits limits_;
    common::EventLog* log_;
    boost::asio::ip::tcp::acceptor acceptor_;
    // Shared with the sessions, whose frames may outlive the server in an io_context destroyed after it.
    std::shared_ptr<ConnectionTable> connections_;
};

}  // namespace lbdeploy::server
