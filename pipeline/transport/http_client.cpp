#include "pipeline/transport/http_client.hpp"

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>

#include <fmt/format.h>

#include <optional>

#include "common/text.hpp"

namespace lbdeploy::transport {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t max_body = 1024 * 1024;

struct Url {
    bool tls = false;
    std::string host;
    std::string port;
    std::string target;
};

std::optional<Url> parse_url(const std::string& text) {
    Url url;
    std::string_view rest = text;
    if (rest.starts_with("https://")) {
        url.tls = true;
        rest.remove_prefix(8);
    } else if (rest.starts_with("http://")) {
        rest.remove_prefix(7);
    } else {
        return std::nullopt;
    }
    auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    url.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    if (authority.starts_with('[') && authority.find(']') == std::string_view::npos) return std::nullopt;
    auto [host, port] = common::split_host_port(authority);
    if (host.empty()) return std::nullopt;
    url.host = std::move(host);
    url.port = port.empty() ? (url.tls ? "443" : "80") : std::move(port);
    return url;
}

bool is_ip_literal(const std::string& host) {
    boost::system::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

struct Call {
    http::verb method = http::verb::get;
    Url url;
    HttpHeaders headers;
    std::string body;
    bool insecure_tls = false;
};

template <typename Stream>
asio::awaitable<HttpResult> exchange(Stream& stream, const Call& call) {
    http::request<http::string_body> request{call.method, call.url.target, 11};
    request.set(http::field::host, call.url.host);
    request.set(http::field::user_agent, "lbdeploy");
    request.set(http::field::connection, "close");
    for (const auto& [name, value] : call.headers) request.set(name, value);
    if (call.method != http::verb::get) {
        request.body() = call.body;
        request.prepare_payload();
    }
    co_await http::async_write(stream, request, asio::use_awaitable);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(max_body);
    co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
    co_return HttpResult{true, static_cast<int>(parser.get().result_int()), parser.get().body(), {}};
}

asio::awaitable<HttpResult> perform(const Call& call, std::chrono::milliseconds timeout) {
    const auto& url = call.url;
    auto executor = co_await asio::this_coro::executor;
    tcp::resolver resolver(executor);
    auto endpoints = co_await resolver.async_resolve(url.host, url.port, asio::use_awaitable);
    if (!url.tls) {
        beast::tcp_stream stream(executor);
        stream.expires_after(timeout);
        co_await stream.async_connect(endpoints, asio::use_awaitable);
        co_return co_await exchange(stream, call);
    }
    asio::ssl::context tls(asio::ssl::context::tls_client);
    if (call.insecure_tls) {
        tls.set_verify_mode(asio::ssl::verify_none);
    } else {
        tls.set_default_verify_paths();
        tls.set_verify_mode(asio::ssl::verify_peer);
        tls.set_verify_callback(asio::ssl::host_name_verification(url.host));
    }
    beast::ssl_stream<beast::tcp_stream> stream(executor, tls);
    if (!is_ip_literal(url.host)) {
        // SSL_set_tlsext_host_name() is a macro with a C cast.
        SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(url.host.c_str()));
    }
    beast::get_lowest_layer(stream).expires_after(timeout);
    co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
    co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
    co_return co_await exchange(stream, call);
}

asio::awaitable<ProbeOutcome> connect(const std::string& host, const std::string& port,
                                      std::chrono::milliseconds timeout) {
    auto executor = co_await asio::this_coro::executor;
    tcp::resolver resolver(executor);
    auto endpoints = co_await resolver.async_resolve(host, port, asio::use_awaitable);
    beast::tcp_stream stream(executor);
    stream.expires_after(timeout);
    auto endpoint = co_await stream.async_connect(endpoints, asio::use_awaitable);
    co_return ProbeOutcome{true, fmt::format("connected to {}", endpoint.address().to_string())};
}

// Runs a coroutine to completion or until the deadline, whichever comes
// first; a failure becomes `failed(message)`.
template <typename Result>
Result run_with_deadline(asio::awaitable<Result> work, std::chrono::milliseconds timeout,
                         Result (*failed)(std::string)) {
    asio::io_context io;
    std::optional<Result> outcome;
    auto timed_out = fmt::format("timed out after {} ms", timeout.count());
    asio::co_spawn(io, std::move(work), [&](std::exception_ptr error, Result result) {
        if (!error) {
            outcome = std::move(result);
            return;
        }
        try {
            std::rethrow_exception(error);
        } catch (const boost::system::system_error& e) {
            outcome = failed(e.code() == beast::error::timeout ? timed_out : e.code().message());
        } catch (const std::exception& e) {
            outcome = failed(e.what());
        }
    });
    io.run_for(timeout + std::chrono::milliseconds(500));
    return outcome ? std::move(*outcome) : failed(timed_out);
}

ProbeOutcome failed_probe(std::string message) {
    return {false, std::move(message)};
}

HttpResult failed_request(std::string message) {
    return {false, 0, {}, std::move(message)};
}

ProbeOutcome judge(const HttpResult& result, const HttpExpectation& expect) {
    if (!result.responded) return {false, result.error};
    if (result.status != expect.status) {
        return {false, fmt::format("HTTP {} (expected {})", result.status, expect.status)};
    }
    if (!expect.body_contains.empty() && result.body.find(expect.body_contains) == std::string::npos) {
        return {false, fmt::format("HTTP {} but the body lacks \"{}\"", result.status, expect.body_contains)};
    }
    return {true, fmt::format("HTTP {}", result.status)};
}

}  // namespace

ProbeOutcome probe_http(const std::string& url_text, const HttpExpectation& expect,
                        std::chrono::milliseconds timeout) {
    auto url = parse_url(url_text);
    if (!url) return {false, fmt::format("not an http(s) URL: {}", url_text)};
    return judge(run_with_deadline(perform(Call{http::verb::get, *url, {}, {}, expect.insecure_tls}, timeout), timeout,
                                   failed_request),
                 expect);
}

HttpResult http_request(const std::string& method, const std::string& url_text, const HttpHeaders& headers,
                        const std::string& body, std::chrono::milliseconds timeout) {
    auto url = parse_url(url_text);
    if (!url) return failed_request(fmt::format("not an http(s) URL: {}", url_text));
    auto verb = http::string_to_verb(method);
    if (verb == http::verb::unknown) return failed_request("unknown HTTP method " + method);
    return run_with_deadline(perform(Call{verb, *url, headers, body, false}, timeout), timeout, failed_request);
}

ProbeOutcome probe_tcp(const std::string& host_port, std::chrono::milliseconds timeout) {
    if (host_port.find(':') == std::string::npos) return {false, fmt::format("not host:port: {}", host_port)};
    auto [host, port] = common::split_host_port(host_port);
    return run_with_deadline(connect(host, port, timeout), timeout, failed_probe);
}

}  // namespace lbdeploy::transport
