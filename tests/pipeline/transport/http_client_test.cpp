// Probes against real sockets on loopback.
#include "pipeline/transport/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <thread>

using namespace lbdeploy::transport;
using namespace std::chrono_literals;

namespace {

// A listening socket on 127.0.0.1 with a kernel-chosen port; answers each
// connection with `reply` (if any) and closes.
class Listener {
public:
    explicit Listener(std::string reply = {}) : reply_(std::move(reply)) {
        fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(listen(fd_, 8) == 0);
        socklen_t length = sizeof address;
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        if (!reply_.empty()) {
            server_ = std::thread([this] {
                int client = accept(fd_, nullptr, nullptr);
                if (client < 0) return;
                char buffer[1024];
                (void)!read(client, buffer, sizeof buffer);
                (void)!write(client, reply_.data(), reply_.size());
                close(client);
            });
        }
    }
    ~Listener() {
        shutdown(fd_, SHUT_RDWR);
        close(fd_);
        if (server_.joinable()) server_.join();
    }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

private:
    int fd_ = -1;
    int port_ = 0;
    std::string reply_;
    std::thread server_;
};

}  // namespace

TEST_CASE("tcp: a listening port passes, a closed one fails at once") {
    Listener listener;
    CHECK(probe_tcp(listener.address(), 1s).passed);
    auto closed = listener.address();
    {
        Listener other;
        closed = other.address();
    }
    auto outcome = probe_tcp(closed, 1s);
    CHECK_FALSE(outcome.passed);
    CHECK(outcome.detail.find("refused") != std::string::npos);
}

TEST_CASE("http: status and body are checked") {
    const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
    {
        Listener server(ok);
        CHECK(probe_http("http://" + server.address() + "/health", {200, "ell", false}, 2s).passed);
    }
    {
        Listener server(ok);
        auto outcome = probe_http("http://" + server.address() + "/", {200, "bye", false}, 2s);
        CHECK_FALSE(outcome.passed);
        CHECK(outcome.detail == "HTTP 200 but the body lacks \"bye\"");
    }
    {
        Listener server("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
        auto outcome = probe_http("http://" + server.address() + "/", {200, "", false}, 2s);
        CHECK(outcome.detail == "HTTP 503 (expected 200)");
    }
}

TEST_CASE("http: a server that never answers times out within the deadline") {
    Listener silent;  // accepts (backlog) but never replies
    auto start = std::chrono::steady_clock::now();
    auto outcome = probe_http("http://" + silent.address() + "/", {}, 300ms);
    CHECK_FALSE(outcome.passed);
    CHECK(outcome.detail == "timed out after 300 ms");
    CHECK(std::chrono::steady_clock::now() - start < 2s);
    CHECK(probe_http("ftp://example.invalid/", {}, 1s).detail == "not an http(s) URL: ftp://example.invalid/");
}
