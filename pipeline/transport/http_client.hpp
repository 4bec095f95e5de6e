#pragma once
// One HTTP(S) request or TCP connect with a deadline: the network half of
// checks, and the client for GitLab's API. Boost.Beast/Asio with OpenSSL; runs its own io_context on the
// calling thread (a rollout worker), so it blocks for at most `timeout`.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace lbdeploy::transport {

struct ProbeOutcome {
    bool passed = false;  // the expectation held (connected; the status and body as expected)
    std::string detail;   // "HTTP 200", "connection refused", "timed out after 5000 ms", ...
};

struct HttpExpectation {
    int status = 200;
    std::string body_contains;  // empty = any body
    bool insecure_tls = false;  // accept any certificate (self-signed stats pages)
};

// GET `url` (http:// or https://, IP or DNS name, optional port and path).
ProbeOutcome probe_http(const std::string& url, const HttpExpectation& expect, std::chrono::milliseconds timeout);
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpResult {
    bool responded = false;  // a response arrived (any status)
    int status = 0;
    std::string body;        // at most 1 MiB
    std::string error;       // when !responded: refused, timed out, TLS failure, ...
};

// One request with a body (e.g. to GitLab's API); the certificate is verified.
HttpResult http_request(const std::string& method, const std::string& url, const HttpHeaders& headers,
                        const std::string& body, std::chrono::milliseconds timeout);

// Connects to "host:port" and closes.
ProbeOutcome probe_tcp(const std::string& host_port, std::chrono::milliseconds timeout);

}  // namespace lbdeploy::transport
