#pragma once
// One HTTP(S) request or TCP connect with a deadline: the network half of
// checks. Boost.Beast/Asio with OpenSSL; runs its own io_context on the
// calling thread (a rollout worker), so it blocks for at most `timeout`.

#include <chrono>
#include <string>

namespace lbdeploy::pipeline {

struct ProbeOutcome {
    bool ok = false;
    std::string detail;  // "HTTP 200", "connection refused", "timed out after 5000 ms", ...
};

struct HttpExpectation {
    int status = 200;
    std::string body_contains;  // empty = any body
    bool insecure_tls = false;  // accept any certificate (self-signed stats pages)
};

// GET `url` (http:// or https://, IP or DNS name, optional port and path).
ProbeOutcome probe_http(const std::string& url, const HttpExpectation& expect, std::chrono::milliseconds timeout);
// Connects to "host:port" and closes.
ProbeOutcome probe_tcp(const std::string& host_port, std::chrono::milliseconds timeout);

}  // namespace lbdeploy::pipeline
