#pragma once
// The HTTP listener and its connections (Boost.Beast, C++20 coroutines, a
// strand per connection). Every read has a deadline: the whole header within
// header_timeout (a client trickling bytes is cut off), the body within
// body_timeout, and bodies over max_body_size get 413. Keep-alive.

#include <utility>  // before Boost: 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
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
};

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

    boost::asio::io_context& io_;
    const Router& router_;
    EventStreamer& events_;
    HttpLimits limits_;
    common::EventLog* log_;
    boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace lbdeploy::server
