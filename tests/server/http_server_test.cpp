// The HTTP server's request boundary over a real loopback socket: every
// request gets a reply, whatever its bytes and whatever its handler does.

#include "server/http_server.hpp"

#include <doctest/doctest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/event_log.hpp"
#include "storage/schema.hpp"

using namespace lbdeploy;
using namespace lbdeploy::server;
namespace asio = boost::asio;

namespace {

// One server on 127.0.0.1:0 running on its own thread for the test's life.
class LoopbackServer {
public:
    explicit LoopbackServer(Router& router, HttpLimits limits = {})
        : store_(std::filesystem::temp_directory_path() / ("http-server-test-" + std::to_string(::getpid()) + ".db")),
          db_(storage::open_store(store_)),
          events_(db_),
          log_(log_text_, common::LogFormat::text),
          server_(io_, router, events_, limits, &log_) {
        endpoint_ = server_.listen("127.0.0.1:0");
        thread_ = std::thread([this] { io_.run(); });
    }
    ~LoopbackServer() {
        io_.stop();
        thread_.join();
        std::filesystem::remove(store_);
    }

    // Sends `raw` as it is and reads until the server closes: the whole reply.
    std::string exchange(const std::string& raw) {
        asio::io_context client_io;
        asio::ip::tcp::socket socket(client_io);
        socket.connect(endpoint_);
        asio::write(socket, asio::buffer(raw));
        std::string reply;
        boost::system::error_code error;
        asio::read(socket, asio::dynamic_buffer(reply), error);
        return reply;
    }

    std::string log_text() const { return log_text_.str(); }
    asio::ip::tcp::endpoint endpoint() const { return endpoint_; }

private:
    std::filesystem::path store_;
    storage::Database db_;
    asio::io_context io_{1};
    EventStreamer events_;
    std::ostringstream log_text_;
    common::EventLog log_;
    HttpServer server_;
    asio::ip::tcp::endpoint endpoint_;
    std::thread thread_;
};

std::string get(const std::string& target, const std::string& extra_header = "") {
    return "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + extra_header + "\r\n";
}

Router test_routes() {
    Router router;
    router.add(http::verb::get, "/ok/{name}", [](const Request& request, const RouteMatch& match)
                   -> asio::awaitable<Reply> { co_return json_reply(request, http::status::ok, {{"name", match.params[0]}}); });
    router.add(http::verb::get, "/throws", [](const Request&, const RouteMatch&) -> asio::awaitable<Reply> {
        throw std::runtime_error("database disk image is malformed");
        co_return Reply{};
    });
    return router;
}

}  // namespace

TEST_CASE("a handler that throws gets its client a 500 and the log an http.error, and the server goes on") {
    auto router = test_routes();
    LoopbackServer server(router);
    auto reply = server.exchange(get("/throws"));
    CHECK(reply.starts_with("HTTP/1.1 500"));
    CHECK(reply.find("{\"error\":") != std::string::npos);
    CHECK(server.log_text().find("http.error") != std::string::npos);
    CHECK(server.log_text().find("database disk image is malformed") != std::string::npos);
    CHECK(server.exchange(get("/ok/a")).starts_with("HTTP/1.1 200"));
}

TEST_CASE("undecodable paths, queries and header values get a 400, not a closed connection") {
    auto router = test_routes();
    LoopbackServer server(router);
    CHECK(server.exchange(get("/ok/%FF")).starts_with("HTTP/1.1 400"));
    CHECK(server.exchange(get("/ok/a?status=%FF")).starts_with("HTTP/1.1 400"));
    CHECK(server.exchange(get("/ok/a?%C0%AF=1")).starts_with("HTTP/1.1 400"));  // an overlong '/'
    CHECK(server.exchange(get("/ok/a", "X-Gitlab-Event: Push \xE9v\xE9nement\r\n")).starts_with("HTTP/1.1 400"));
    auto accented = server.exchange(get("/ok/%C3%A9t%C3%A9", "X-Note: \xC3\xA9t\xC3\xA9\r\n"));
    CHECK(accented.starts_with("HTTP/1.1 200"));
    CHECK(accented.find("\"name\":\"\xC3\xA9t\xC3\xA9\"") != std::string::npos);
}

TEST_CASE("at max_connections the connection waiting longest for a request is closed, and a new request answered") {
    auto router = test_routes();
    HttpLimits limits;
    limits.max_connections = 3;
    LoopbackServer server(router, limits);
    asio::io_context client_io;
    std::vector<asio::ip::tcp::socket> idle;
    for (int i = 0; i < 3; ++i) {
        idle.emplace_back(client_io).connect(server.endpoint());
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // accepted in this order
    }
    // A fourth connection: the first idle one makes room; the request is answered.
    CHECK(server.exchange(get("/ok/a")).starts_with("HTTP/1.1 200"));
    char byte = 0;
    boost::system::error_code error;
    idle[0].read_some(asio::buffer(&byte, 1), error);
    CHECK(error == asio::error::eof);  // closed by the server, without a byte
    CHECK(server.log_text().find("http.shedding") != std::string::npos);
    for (int i = 0; i < 20; ++i) CHECK(server.exchange(get("/ok/b")).starts_with("HTTP/1.1 200"));
}

TEST_CASE("a listen address without a port is refused, not read as a port") {
    Router router;
    storage::Database db = storage::open_store(std::filesystem::temp_directory_path() /
                                               ("http-listen-test-" + std::to_string(::getpid()) + ".db"));
    asio::io_context io;
    EventStreamer events(db);
    HttpServer server(io, router, events, HttpLimits{});
    CHECK_THROWS_AS(server.listen("127.0.0.1"), std::invalid_argument);
    CHECK_THROWS_AS(server.listen("127.0.0.1:99999"), std::invalid_argument);
    std::filesystem::remove(std::filesystem::temp_directory_path() /
                            ("http-listen-test-" + std::to_string(::getpid()) + ".db"));
}
