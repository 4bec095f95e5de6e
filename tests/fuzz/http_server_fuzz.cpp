// The real HttpServer on a loopback socket, fed the input as raw bytes from a
// client that then half-closes (pipelined requests, chunked bodies, duplicate
// Content-Length, obs-fold, bare LF, oversized headers: whatever the bytes).
// Properties: the server ends every connection once the client has nothing
// more to say, without waiting for a deadline; everything it sends back
// parses as complete HTTP responses; and each status is one the routes here
// or the server itself give (200, 400, 404, 405, 413, 500).

#include <utility>  // before Boost: 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "fuzz_support.hpp"
#include "server/gitlab_event.hpp"
#include "server/http_server.hpp"
#include "storage/schema.hpp"

using lbdeploy::fuzz::require;
using namespace lbdeploy::server;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Deadlines far above an exchange's milliseconds (even on a loaded machine):
// a connection that needs one to end is a failure here.
constexpr auto deadline = std::chrono::seconds(5);

Router routes() {
    Router router;
    Handler echo = [](const Request& request, const RouteMatch& match) -> asio::awaitable<Reply> {
        co_return json_reply(request, http::status::ok,
                             {{"name", match.params[0]}, {"query", match.query}, {"body", request.body().size()}});
    };
    router.add(http::verb::get, "/echo/{name}", echo);
    router.add(http::verb::post, "/echo/{name}", echo);
    router.add(http::verb::get, "/throws", [](const Request&, const RouteMatch&) -> asio::awaitable<Reply> {
        throw std::runtime_error("a handler's fault");
        co_return Reply{};
    });
    router.add(http::verb::post, "/hooks/gitlab", [](const Request& request, const RouteMatch&) -> asio::awaitable<Reply> {
        auto event = parse_gitlab_event(std::string(request["X-Gitlab-Event"]), request.body());
        auto status = std::holds_alternative<MalformedEvent>(event) ? http::status::bad_request : http::status::ok;
        co_return json_reply(request, status, {{"deploys", std::holds_alternative<DeployEvent>(event)}});
    });
    return router;
}

// One server for the whole run, on the fuzzer's thread.
struct Loopback {
    std::filesystem::path store = std::filesystem::temp_directory_path() /
                                  ("lbdeploy-http-fuzz-" + std::to_string(::getpid()) + ".db");
    asio::io_context io{1};
    lbdeploy::storage::Database db = lbdeploy::storage::open_store(store);
    EventStreamer events{db};
    Router router = routes();
    HttpServer server{io, router, events, HttpLimits{1024, deadline, deadline, deadline}};
    tcp::endpoint endpoint = server.listen("127.0.0.1:0");
    ~Loopback() { std::filesystem::remove(store); }
};

Loopback& loopback() {
    static Loopback instance;
    return instance;
}

// Sends `raw`, half-closes, and reads until the server closes.
std::string exchange(Loopback& server, std::string_view raw) {
    tcp::socket client(server.io);
    std::string received;
    int finished = 0;
    asio::co_spawn(server.io, [&]() -> asio::awaitable<void> {
        co_await client.async_connect(server.endpoint, asio::use_awaitable);
        asio::co_spawn(server.io, [&]() -> asio::awaitable<void> {
            boost::system::error_code ignored;
            co_await asio::async_write(client, asio::buffer(raw), asio::redirect_error(asio::use_awaitable, ignored));
            client.shutdown(tcp::socket::shutdown_send, ignored);
            ++finished;
        }, asio::detached);
        boost::system::error_code end;  // EOF, or a reset when the server closed with input unread
        co_await asio::async_read(client, asio::dynamic_buffer(received), asio::redirect_error(asio::use_awaitable, end));
        ++finished;
    }, [](std::exception_ptr error) { require(!error, "the client connects"); });
    auto started = std::chrono::steady_clock::now();
    while (finished < 2 && std::chrono::steady_clock::now() - started < 2 * deadline) server.io.run_one_for(deadline);
    require(finished == 2, "the server ends the connection");
    require(std::chrono::steady_clock::now() - started < deadline, "the server ends it without waiting for a deadline");
    server.io.poll();  // the session's last steps
    return received;
}

void check_responses(std::string_view received) {
    while (!received.empty()) {
        http::response_parser<http::string_body> parser;
        parser.body_limit(1024 * 1024);
        boost::system::error_code error;
        while (!parser.is_done()) {
            auto used = parser.put(asio::buffer(received.data(), received.size()), error);
            received.remove_prefix(used);
            if (parser.is_done() || (error && error != http::error::need_more)) break;
            if (!received.empty() && used > 0) continue;
            // All bytes given: the close ends a body read to EOF, or cuts a response short.
            error = {};
            parser.put_eof(error);
            break;
        }
        require(!error, "the server sends complete HTTP responses");
        auto status = parser.get().result_int();
        require(status == 200 || status == 400 || status == 404 || status == 405 || status == 413 || status == 500,
                "a status the routes or the server give");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    check_responses(exchange(loopback(), lbdeploy::fuzz::as_text(data, size)));
    return 0;
}
