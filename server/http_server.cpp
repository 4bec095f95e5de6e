#include "server/http_server.hpp"

#include <sys/resource.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>

#include <algorithm>
#include <iostream>
#include <list>
#include <stdexcept>

#include "common/event_log.hpp"
#include "common/text.hpp"

namespace lbdeploy::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

tcp::endpoint parse_endpoint(const std::string& host_port) {
    auto [host, port] = common::split_host_port(host_port);
    auto number = common::parse_integer<unsigned short>(port);
    if (host.empty() || !number) {
        throw std::invalid_argument("listen address '" + host_port + "' is not HOST:PORT (port 0 to 65535)");
    }
    return {asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host), *number};
}

// Files kept for the rest of the process when the limit is derived from
// RLIMIT_NOFILE: the job store's connections, git mirrors, SSH sessions.
constexpr std::size_t file_reserve = 64;
// Connections kept for requests other than event streams.
constexpr std::size_t request_margin = 32;

std::size_t connection_limit(std::size_t configured) {
    if (configured > 0) return configured;
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 1'000'000;
    auto files = static_cast<std::size_t>(limit.rlim_cur);
    return files > 2 * file_reserve ? files - file_reserve : files / 2;
}

// The process is out of files (or the kernel of memory for sockets).
bool out_of_files(const boost::system::error_code& ec) {
    return ec == asio::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system ||
           ec == asio::error::no_buffer_space || ec == asio::error::no_memory;
}

}  // namespace

struct ConnectionTable {
    struct Waiting {
        tcp::socket* socket;
        bool shed = false;  // closed by shed_oldest_waiting(); its session erases it
    };
    std::list<Waiting> waiting;  // oldest first
    std::size_t open = 0;
    std::size_t event_streams = 0;
    std::size_t shed = 0;  // connections closed to make room, logged as http.shedding
    std::chrono::steady_clock::time_point last_shed_log{};
};

namespace {

// A count of the table held for a scope.
class Held {
public:
    Held(std::shared_ptr<ConnectionTable> table, std::size_t ConnectionTable::*count)
        : table_(std::move(table)), count_(count) {
        ++((*table_).*count_);
    }
    ~Held() { --((*table_).*count_); }
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;

private:
    std::shared_ptr<ConnectionTable> table_;
    std::size_t ConnectionTable::*count_;
};

// A connection waiting for a request, listed for the scope.
class WaitingEntry {
public:
    WaitingEntry(std::shared_ptr<ConnectionTable> table, tcp::socket& socket)
        : table_(std::move(table)), entry_(table_->waiting.insert(table_->waiting.end(), {&socket})) {}
    ~WaitingEntry() { table_->waiting.erase(entry_); }
    WaitingEntry(const WaitingEntry&) = delete;
    WaitingEntry& operator=(const WaitingEntry&) = delete;

private:
    std::shared_ptr<ConnectionTable> table_;
    std::list<ConnectionTable::Waiting>::iterator entry_;
};

Request bare_request(unsigned version) {
    Request request;
    request.version(version);
    request.keep_alive(false);
    return request;
}

}  // namespace

HttpServer::HttpServer(asio::io_context& io, const Router& router, EventStreamer& events, HttpLimits limits,
                       common::EventLog* log)
    : io_(io), router_(router), events_(events), limits_(limits), log_(log), acceptor_(io),
      connections_(std::make_shared<ConnectionTable>()) {}

tcp::endpoint HttpServer::listen(const std::string& host_port) {
    auto endpoint = parse_endpoint(host_port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    limits_.max_connections = connection_limit(limits_.max_connections);
    asio::co_spawn(io_, accept_loop(), asio::detached);
    return acceptor_.local_endpoint();
}

void HttpServer::stop_accepting() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
}

asio::awaitable<void> HttpServer::accept_loop() {
    while (acceptor_.is_open()) {
        boost::system::error_code ec;
        auto socket = co_await acceptor_.async_accept(asio::make_strand(io_), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::operation_aborted) co_return;
            // Out of files: make room, or give the open connections a moment
            // to end (accept() would fail at once again: no busy loop).
            if (out_of_files(ec) && !shed_oldest_waiting()) {
                asio::steady_timer pause(io_, std::chrono::milliseconds(20));
                co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            }
            continue;
        }
        if (connections_->open >= limits_.max_connections) shed_oldest_waiting();
        auto executor = socket.get_executor();
        asio::co_spawn(executor, session(std::move(socket)), asio::detached);
    }
}

bool HttpServer::shed_oldest_waiting() {
    auto& table = *connections_;
    auto oldest = std::find_if(table.waiting.begin(), table.waiting.end(), [](const auto& w) { return !w.shed; });
    if (oldest == table.waiting.end()) return false;
    boost::system::error_code ignored;
    oldest->socket->close(ignored);  // its read ends with operation_aborted
    oldest->shed = true;
    ++table.shed;
    auto now = std::chrono::steady_clock::now();
    if (log_ && now - table.last_shed_log >= std::chrono::seconds(10)) {
        table.last_shed_log = now;
        log_->write("http.shedding", {{"closed", std::to_string(table.shed)}, {"open", std::to_string(table.open)},
                                      {"max_connections", std::to_string(limits_.max_connections)}});
    }
    return true;
}

asio::awaitable<Reply> HttpServer::dispatch(const Request& request) {
    std::string failure;
    try {
        co_return co_await router_.dispatch(request);
    } catch (const std::exception& e) {
        failure = e.what();
    }
    // The request boundary of the error rule: a handler that throws (a
    // storage fault, a bug) still gets its client a reply, and the operator a
    // line. The reply names no detail, which may be anything.
    if (log_) log_->write("http.error", {{"method", std::string(request.method_string())},
                                         {"target", std::string(request.target())}, {"error", failure}});
    co_return error_reply(request, http::status::internal_server_error,
                          "internal error; the server log has it as http.error");
}

asio::awaitable<void> HttpServer::session(tcp::socket socket) {
    Held open(connections_, &ConnectionTable::open);
    try {
        co_await serve_connection(std::move(socket));
    } catch (const std::exception& e) {
        // Only the stream's own machinery can get here (a reply was already
        // being written or streamed); the connection is lost, the server is not.
        if (log_) log_->write("http.connection_error", {{"error", e.what()}});
    }
}

asio::awaitable<void> HttpServer::serve_connection(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    bool first = true;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(16 * 1024);
        parser.body_limit(limits_.max_body_size);
        stream.expires_after(first ? limits_.header_timeout : limits_.idle_timeout);
        first = false;
        boost::system::error_code header_error;
        {
            WaitingEntry waiting(connections_, stream.socket());
            co_await http::async_read_header(stream, buffer, parser,
                                             asio::redirect_error(asio::use_awaitable, header_error));
        }
        // Closed, timed out (a stalled client) or garbage: nothing to answer.
        // A Content-Length over the limit is refused here, before the body.
        if (header_error && header_error != http::error::body_limit) break;
        boost::system::error_code body_error = header_error;
        if (!body_error) {
            stream.expires_after(limits_.body_timeout);
            co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, body_error));
        }
        Reply reply;
        if (body_error == http::error::body_limit) {
            reply = error_reply(bare_request(parser.get().version()), http::status::payload_too_large,
                                "the body is larger than server.max_body_size");
        } else if (body_error) {
            break;
        } else {
            reply = co_await dispatch(parser.get());
        }
        if (auto* stream_reply = std::get_if<EventStreamReply>(&reply)) {
            auto max_streams = limits_.max_connections > 2 * request_margin ? limits_.max_connections - request_margin
                                                                             : limits_.max_connections / 2;
            if (connections_->event_streams < max_streams) {
                Held streaming(connections_, &ConnectionTable::event_streams);
                co_await events_.run(stream, parser.get(), *stream_reply);
                break;
            }
            reply = error_reply(parser.get(), http::status::service_unavailable,
                                "too many event streams are open; try again later");
        }
        auto& response = std::get<Response>(reply);
        bool keep_alive = response.keep_alive() && !body_error;
        if (body_error) response.keep_alive(false);
        stream.expires_after(limits_.body_timeout);
        boost::system::error_code write_error;
        co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, write_error));
        if (write_error || !keep_alive) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace lbdeploy::server
