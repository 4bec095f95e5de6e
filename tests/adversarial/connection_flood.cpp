// The flood of adversarial_test's connection_flood case: a running job in the
// store (made as bench/server_bench makes its own), VIEWERS Server-Sent
// Events viewers of it, then IDLE connections that never send a byte. All are
// held until SIGTERM or SIGINT; then the job is finished and what the server
// did to them is printed.
//
//   connection_flood --port P --db FILE [--viewers 1000] [--idle 2000]
//
// Prints "ready job=N" once every connect has ended (connected or given up
// after 10 s), and on the signal one line:
//   viewers=V streaming=S closed=C idle=I idle_closed=K
// V and I: connected; S: viewers that got at least one event (a 503 is not
// one); C, K: connections the server closed.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "storage/job_store.hpp"
#include "storage/schema.hpp"

namespace {

volatile std::sig_atomic_t stop = 0;
void on_signal(int) { stop = 1; }

struct Connection {
    int fd = -1;
    bool viewer = false;
    bool connected = false;
    bool closed = false;
    std::string received;
};

int start_connect(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) return -1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    return fd;
}

// Waits until every pending connect has ended; false for those that failed.
void finish_connects(std::vector<Connection>& all, const std::string& request) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
        std::vector<pollfd> pending;
        std::vector<Connection*> owners;
        for (auto& c : all) {
            if (c.fd >= 0 && !c.connected) {
                pending.push_back({c.fd, POLLOUT, 0});
                owners.push_back(&c);
            }
        }
        if (pending.empty() || std::chrono::steady_clock::now() > deadline) break;
        if (poll(pending.data(), pending.size(), 100) <= 0) continue;
        for (std::size_t i = 0; i < pending.size(); ++i) {
            if (pending[i].revents == 0) continue;
            auto& c = *owners[i];
            int error = 0;
            socklen_t length = sizeof error;
            getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length);
            if (error != 0) {
                close(c.fd);
                c.fd = -1;
                continue;
            }
            c.connected = true;
            if (c.viewer) (void)!send(c.fd, request.data(), request.size(), MSG_NOSIGNAL);
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::map<std::string, std::string> o;
    for (int i = 1; i + 1 < argc; i += 2) o[argv[i]] = argv[i + 1];
    if (!o.count("--port") || !o.count("--db")) {
        std::fputs("usage: connection_flood --port P --db FILE [--viewers N] [--idle N]\n", stderr);
        return 2;
    }
    int port = std::stoi(o["--port"]);
    int viewers = o.count("--viewers") ? std::stoi(o["--viewers"]) : 1000;
    int idle = o.count("--idle") ? std::stoi(o["--idle"]) : 2000;
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);

    auto db = lbdeploy::storage::open_store(o["--db"]);
    lbdeploy::storage::JobStore jobs(db);
    lbdeploy::storage::NewJob request;
    request.pair = "flood";  // not configured: no worker claims it
    request.repository = "flood";
    request.commit = std::string(40, 'f');
    request.requested_by = "connection_flood";
    auto id = jobs.enqueue(request).job_id;
    if (!jobs.start(id)) {
        std::fputs("could not start the flood's job\n", stderr);
        return 1;
    }
    auto get = fmt::format("GET /api/v1/jobs/{}/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", id);

    std::vector<Connection> all(static_cast<std::size_t>(viewers + idle));
    for (std::size_t i = 0; i < all.size(); ++i) {
        all[i].viewer = i < static_cast<std::size_t>(viewers);
        all[i].fd = start_connect(port);
        // The viewers subscribe first, then the idle ones pile up behind them.
        if (i + 1 == static_cast<std::size_t>(viewers)) finish_connects(all, get);
    }
    finish_connects(all, get);
    std::printf("ready job=%lld\n", static_cast<long long>(id));
    std::fflush(stdout);

    char chunk[65536];
    while (!stop) {
        std::vector<pollfd> fds;
        std::vector<Connection*> owners;
        for (auto& c : all) {
            if (c.connected && !c.closed) {
                fds.push_back({c.fd, POLLIN, 0});
                owners.push_back(&c);
            }
        }
        if (poll(fds.data(), fds.size(), 100) <= 0) continue;
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
            auto n = recv(fds[i].fd, chunk, sizeof chunk, 0);
            if (n <= 0) {
                owners[i]->closed = true;
                continue;
            }
            if (owners[i]->received.size() < 4096) owners[i]->received.append(chunk, static_cast<std::size_t>(n));
        }
    }
    jobs.finish(id, lbdeploy::storage::JobState::succeeded);
    int connected_viewers = 0, streaming = 0, closed_viewers = 0, connected_idle = 0, closed_idle = 0;
    for (auto& c : all) {
        if (!c.connected) continue;
        if (c.viewer) {
            ++connected_viewers;
            streaming += c.received.find("text/event-stream") != std::string::npos ? 1 : 0;
            closed_viewers += c.closed ? 1 : 0;
        } else {
            ++connected_idle;
            closed_idle += c.closed ? 1 : 0;
        }
        close(c.fd);
    }
    std::printf("viewers=%d streaming=%d closed=%d idle=%d idle_closed=%d\n", connected_viewers, streaming,
                closed_viewers, connected_idle, closed_idle);
    return 0;
}
