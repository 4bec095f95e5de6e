// server_bench: figures for a running `lbdeploy serve` on loopback.
//
//   server_bench webhooks --port P --token T --project PATH --after SHA
//                         [--rate 2000] [--seconds 5] [--connections 8]
//     Push Hook deliveries (each with its own Idempotency-Key) at a fixed rate
//     over keep-alive connections: acknowledgement latency p50/p99/max and the
//     rate achieved.
//   server_bench viewers --port P --db FILE --pair NAME [--viewers 1000] [--lines 300] [--rate 100]
//     Makes a running job in the store, opens N Server-Sent Events viewers on
//     it, appends log lines at a fixed rate and measures, per line and viewer,
//     the lag from the append to its arrival.
// Prints figures; asserts nothing.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/job_store.hpp"
#include "storage/log_store.hpp"
#include "storage/schema.hpp"

namespace {

using Clock = std::chrono::steady_clock;

std::map<std::string, std::string> options(int argc, char** argv, int first) {
    std::map<std::string, std::string> values;
    for (int i = first; i + 1 < argc; i += 2) values[argv[i]] = argv[i + 1];
    return values;
}

int connect_loopback(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

bool send_all(int fd, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        auto n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

// Reads one HTTP response (headers + Content-Length body); returns the status or -1.
int read_response(int fd, std::string& buffer) {
    char chunk[4096];
    for (;;) {
        auto end = buffer.find("\r\n\r\n");
        if (end != std::string::npos) {
            auto at = buffer.find("Content-Length: ");
            std::size_t length = at != std::string::npos && at < end ? std::stoul(buffer.substr(at + 16)) : 0;
            if (buffer.size() >= end + 4 + length) {
                int status = std::stoi(buffer.substr(9, 3));
                buffer.erase(0, end + 4 + length);
                return status;
            }
        }
        auto n = recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return -1;
        buffer.append(chunk, static_cast<std::size_t>(n));
    }
}

void print_latencies(const char* what, std::vector<double>& ms) {
    if (ms.empty()) {
        fmt::print("{}: no samples\n", what);
        return;
    }
    std::sort(ms.begin(), ms.end());
    auto at = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(p * static_cast<double>(ms.size())))]; };
    fmt::print("{}: p50 {:.2f} ms  p90 {:.2f} ms  p99 {:.2f} ms  max {:.2f} ms  (n={})\n", what, at(0.5), at(0.9),
               at(0.99), ms.back(), ms.size());
}

int webhooks(std::map<std::string, std::string> o) {
    int port = std::stoi(o["--port"]);
    double rate = o.count("--rate") ? std::stod(o["--rate"]) : 2000;
    double seconds = o.count("--seconds") ? std::stod(o["--seconds"]) : 5;
    int connections = o.count("--connections") ? std::stoi(o["--connections"]) : 8;
    auto body = fmt::format(R"({{"object_kind":"push","ref":"refs/heads/main","before":"{}","after":"{}",)"
                            R"("user_username":"bench","project":{{"path_with_namespace":"{}"}}}})",
                            std::string(40, '0'), o["--after"], o["--project"]);
    std::mutex mutex;
    std::vector<double> latencies;
    int failures = 0;
    auto interval = std::chrono::duration<double>(static_cast<double>(connections) / rate);
    auto start = Clock::now() + std::chrono::milliseconds(100);
    auto total = static_cast<long>(rate * seconds / connections);
    std::vector<std::thread> threads;
    for (int c = 0; c < connections; ++c) {
        threads.emplace_back([&, c] {
            int fd = connect_loopback(port);
            std::string buffer;
            std::vector<double> own;
            int failed = 0;
            for (long k = 0; k < total && fd >= 0; ++k) {
                std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(k)));
                auto request = fmt::format("POST /hooks/gitlab HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Gitlab-Token: {}\r\n"
                                           "X-Gitlab-Event: Push Hook\r\nIdempotency-Key: bench-{}-{}-{}\r\n"
                                           "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
                                           o["--token"], getpid(), c, k, body.size(), body);
                auto sent = Clock::now();
                int status = send_all(fd, request) ? read_response(fd, buffer) : -1;
                own.push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
                if (status < 200 || status >= 300) ++failed;
                if (status < 0) break;
            }
            if (fd >= 0) close(fd);
            std::lock_guard lock(mutex);
            latencies.insert(latencies.end(), own.begin(), own.end());
            failures += failed;
        });
    }
    for (auto& thread : threads) thread.join();
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    fmt::print("webhook deliveries: {} in {:.2f} s = {:.0f}/s (target rate {:.0f}/s), {} not 2xx\n", latencies.size(),
               elapsed, static_cast<double>(latencies.size()) / elapsed, rate, failures);
    print_latencies("acknowledgement latency", latencies);
    return 0;
}

std::int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Parses the events that arrived for one viewer; records the lag of each bench line.
struct Viewer {
    int fd = -1;
    std::string buffer;
    bool ended = false;
    void consume(std::vector<double>& lags, long& received) {
        std::size_t end;
        while ((end = buffer.find("\n\n")) != std::string::npos) {
            auto event = buffer.substr(0, end);
            buffer.erase(0, end + 2);
            if (event.find("event: end") != std::string::npos) ended = true;
            auto at = event.find("\"text\":\"t=");
            if (at == std::string::npos) continue;
            auto sent = std::stoll(event.substr(at + 10));
            lags.push_back(static_cast<double>(now_us() - sent) / 1000.0);
            ++received;
        }
    }
};

int viewers(std::map<std::string, std::string> o) {
    int port = std::stoi(o["--port"]);
    int count = o.count("--viewers") ? std::stoi(o["--viewers"]) : 1000;
    int lines = o.count("--lines") ? std::stoi(o["--lines"]) : 300;
    double rate = o.count("--rate") ? std::stod(o["--rate"]) : 100;
    auto db = lbdeploy::storage::open_store(o["--db"]);
    lbdeploy::storage::JobStore jobs(db);
    lbdeploy::storage::NewJob request;
    request.pair = o["--pair"];
    request.repository = "bench";
    request.commit = fmt::format("{:040x}", now_us());
    request.requested_by = "server_bench";
    auto id = jobs.enqueue(request).job_id;
    if (!jobs.start(id)) {
        fmt::print("could not start the bench job {} (another job of {} runs?)\n", id, request.pair);
        return 1;
    }
    std::vector<Viewer> all(static_cast<std::size_t>(count));
    int connected = 0;
    for (auto& viewer : all) {
        viewer.fd = connect_loopback(port);
        if (viewer.fd < 0) continue;
        send_all(viewer.fd, fmt::format("GET /api/v1/jobs/{}/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", id));
        ++connected;
    }
    std::vector<double> lags;
    long received = 0;
    std::thread reader([&] {
        std::vector<pollfd> fds;
        for (auto& viewer : all) fds.push_back({viewer.fd, POLLIN, 0});
        auto deadline = Clock::now() + std::chrono::seconds(static_cast<long>(lines / rate) + 30);
        char chunk[65536];
        for (;;) {
            bool open = std::any_of(all.begin(), all.end(), [](const Viewer& v) { return v.fd >= 0 && !v.ended; });
            if (!open || Clock::now() > deadline) break;
            if (poll(fds.data(), fds.size(), 100) <= 0) continue;
            for (std::size_t i = 0; i < fds.size(); ++i) {
                if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP)) == 0) continue;
                auto n = recv(fds[i].fd, chunk, sizeof chunk, 0);
                if (n <= 0) {
                    all[i].ended = true;
                    fds[i].fd = -1;
                    continue;
                }
                all[i].buffer.append(chunk, static_cast<std::size_t>(n));
                all[i].consume(lags, received);
            }
        }
    });
    std::this_thread::sleep_for(std::chrono::seconds(1));  // let every viewer subscribe
    lbdeploy::storage::LogStore logs(db);
    auto start = Clock::now();
    for (int k = 0; k < lines; ++k) {
        std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(k / rate)));
        logs.append(id, {lbdeploy::storage::NewLogLine{"bench", "info", fmt::format("t={}", now_us()), std::nullopt}});
    }
    jobs.finish(id, lbdeploy::storage::JobState::succeeded);
    reader.join();
    for (auto& viewer : all) if (viewer.fd >= 0) close(viewer.fd);
    auto ended = std::count_if(all.begin(), all.end(), [](const Viewer& v) { return v.ended; });
    fmt::print("SSE viewers: {} connected, {} got the end event; {} of {} line events delivered ({} lines at {:.0f}/s)\n",
               connected, ended, received, static_cast<long>(connected) * lines, lines, rate);
    print_latencies("lag from append to viewer", lags);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: server_bench webhooks|viewers OPTIONS (see the source's header)\n");
        return 2;
    }
    std::string mode = argv[1];
    auto o = options(argc, argv, 2);
    if (mode == "webhooks") return webhooks(o);
    if (mode == "viewers") return viewers(o);
    fmt::print(stderr, "unknown mode {}\n", mode);
    return 2;
}
