// lab_probe: traffic through the lab VIP, a new TCP connection per request,
// for a bounded time. Reports requests ok/failed, the longest outage (longest
// time without a successful response), latency percentiles and which config
// versions, backends and LB nodes answered. It only talks to 198.18.0.0/24,
// the lab's range, and refuses any other target.
//
//   lab_probe [--target 198.18.0.10:80] [--duration 5s] [--concurrency 2] [--path /]
//
// SIGINT or SIGTERM ends the run early and still reports, so a test can probe
// for exactly as long as a rollout takes.
// Output: one line of key=value pairs, easy to read from a shell test;
// failed_at lists when failed requests started (Unix ms, at most 200).

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    sockaddr_in target{};
    std::string path = "/";
    std::chrono::milliseconds duration{5000};
    int concurrency = 2;
};

struct Result {
    Clock::time_point started;
    Clock::time_point done;
    double latency_ms = 0;
    bool ok = false;
    std::string version, backend, lb_node;
};

bool in_lab_range(in_addr address) {
    return (ntohl(address.s_addr) & 0xffffff00u) == ((198u << 24) | (18u << 16));
}

std::optional<Options> parse_options(int argc, char** argv) {
    Options options;
    std::string target = "198.18.0.10:80";
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string key = argv[i], value = argv[i + 1];
        if (key == "--target") target = value;
        else if (key == "--path") options.path = value;
        else if (key == "--concurrency") options.concurrency = std::max(1, std::stoi(value));
        else if (key == "--duration") options.duration = std::chrono::milliseconds(static_cast<long>(std::stod(value) * 1000));
        else return std::nullopt;
    }
    auto colon = target.find(':');
    options.target.sin_family = AF_INET;
    options.target.sin_port = htons(static_cast<std::uint16_t>(colon == std::string::npos ? 80 : std::stoi(target.substr(colon + 1))));
    if (inet_pton(AF_INET, target.substr(0, colon).c_str(), &options.target.sin_addr) != 1) return std::nullopt;
    if (!in_lab_range(options.target.sin_addr)) {
        std::fprintf(stderr, "lab_probe: refusing %s: only the lab range 198.18.0.0/24 is probed\n", target.c_str());
        std::exit(2);
    }
    return options;
}

bool wait_for(int fd, short events, Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd descriptor{fd, events, 0};
    return left > 0 && poll(&descriptor, 1, static_cast<int>(left)) == 1;
}

std::string header(const std::string& response, const std::string& name) {
    auto at = response.find("\r\n" + name + ": ");
    if (at == std::string::npos) return "";
    auto start = at + name.size() + 4;
    return response.substr(start, response.find("\r\n", start) - start);
}

// One request on a new connection: 1 s to connect (a SYN lost while the VIP
// moves would otherwise wait for the kernel's retransmit), 2 s to answer.
Result request_once(const Options& options) {
    Result result;
    auto start = Clock::now();
    result.started = start;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    std::string response;
    if (fd >= 0) {
        connect(fd, reinterpret_cast<const sockaddr*>(&options.target), sizeof options.target);
        if (wait_for(fd, POLLOUT, start + std::chrono::seconds(1))) {
            int error = 0;
            socklen_t size = sizeof error;
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size);
            std::string request = "GET " + options.path + " HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n";
            if (error == 0 && send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
                char buffer[4096];
                auto deadline = Clock::now() + std::chrono::seconds(2);
                while (wait_for(fd, POLLIN, deadline)) {
                    auto n = recv(fd, buffer, sizeof buffer, 0);
                    if (n <= 0) break;
                    response.append(buffer, static_cast<std::size_t>(n));
                }
            }
        }
        close(fd);
    }
    result.done = Clock::now();
    result.latency_ms = std::chrono::duration<double, std::milli>(result.done - start).count();
    result.ok = response.starts_with("HTTP/1.1 200");
    std::transform(response.begin(), response.end(), response.begin(), [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    result.version = header(response, "x-config-version");
    result.backend = header(response, "x-backend");
    result.lb_node = header(response, "x-lb-node");
    return result;
}

std::string counts(const std::map<std::string, int>& values) {
    std::string text;
    for (const auto& [name, count] : values) {
        text += (text.empty() ? "" : ",") + (name.empty() ? std::string("none") : name) + ":" + std::to_string(count);
    }
    return text.empty() ? "-" : text;
}

void report(std::vector<Result>& results, Clock::time_point start) {
    std::sort(results.begin(), results.end(), [](const Result& a, const Result& b) { return a.done < b.done; });
    std::vector<double> latencies;
    std::map<std::string, int> versions, backends, nodes;
    int failed = 0;
    auto last_ok = start;
    double longest_outage_ms = 0;
    std::string failed_at;
    auto epoch_ms = [offset = std::chrono::system_clock::now().time_since_epoch() - Clock::now().time_since_epoch()](
                        Clock::time_point t) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch() + offset).count();
    };
    for (const auto& result : results) {
        if (!result.ok) {
            if (++failed <= 200) failed_at += (failed_at.empty() ? "" : ",") + std::to_string(epoch_ms(result.started));
            continue;
        }
        longest_outage_ms = std::max(longest_outage_ms, std::chrono::duration<double, std::milli>(result.done - last_ok).count());
        last_ok = result.done;
        latencies.push_back(result.latency_ms);
        ++versions[result.version];
        ++backends[result.backend];
        ++nodes[result.lb_node];
    }
    std::sort(latencies.begin(), latencies.end());
    auto percentile = [&](double p) {
        return latencies.empty() ? 0.0 : latencies[std::min(latencies.size() - 1, static_cast<std::size_t>(p * static_cast<double>(latencies.size())))];
    };
    std::printf("requests=%zu ok=%zu failed=%d longest_outage_ms=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f "
                "versions=%s backends=%s lb_nodes=%s failed_at=%s\n",
                results.size(), latencies.size(), failed, longest_outage_ms, percentile(0.5), percentile(0.9),
                percentile(0.99), latencies.empty() ? 0.0 : latencies.back(), counts(versions).c_str(),
                counts(backends).c_str(), counts(nodes).c_str(), failed_at.empty() ? "-" : failed_at.c_str());
}

}  // namespace

int main(int argc, char** argv) {
    auto options = parse_options(argc, argv);
    if (!options) {
        std::fprintf(stderr, "usage: lab_probe [--target 198.18.0.10:80] [--duration SECONDS] [--concurrency N] [--path /]\n");
        return 2;
    }
    // Signals are taken by sigtimedwait() below, not by a handler: every
    // thread inherits the blocked mask.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::atomic<bool> stop{false};
    auto start = Clock::now();
    auto deadline = start + options->duration;
    std::mutex mutex;
    std::vector<Result> results;
    std::vector<std::thread> threads;
    for (int i = 0; i < options->concurrency; ++i) {
        threads.emplace_back([&] {
            std::vector<Result> own;
            while (!stop && Clock::now() < deadline) own.push_back(request_once(*options));
            std::lock_guard lock(mutex);
            results.insert(results.end(), own.begin(), own.end());
        });
    }
    while (Clock::now() < deadline) {
        auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - Clock::now()).count();
        timespec wait{static_cast<time_t>(left / 1'000'000'000), static_cast<long>(left % 1'000'000'000)};
        if (left <= 0 || sigtimedwait(&stop_signals, nullptr, &wait) > 0) break;
    }
    stop = true;
    for (auto& thread : threads) thread.join();
    report(results, start);
    return 0;
}
