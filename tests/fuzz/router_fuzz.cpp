// The router on arbitrary requests: the input's first byte picks the method,
// its first line is the request target, the rest one header's value.
// Properties: dispatch never throws and answers 200 (a handler ran), 400, 404
// or 405; it answers 400 exactly when a decoded path segment, query key or
// value, or the header value is not display text (computed here on its own);
// a handler sees only display text and its placeholders' decoded segments;
// and percent_decode undoes percent-encoding of any bytes.

#include <utility>  // before Boost: 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <array>
#include <exception>
#include <optional>
#include <vector>

#include "common/clean_text.hpp"
#include "fuzz_support.hpp"
#include "server/http.hpp"

using lbdeploy::common::is_display_text;
using lbdeploy::fuzz::require;
using namespace lbdeploy::server;
namespace asio = boost::asio;

namespace {

std::optional<RouteMatch> handled;  // what the last handler was given

Router& router() {
    static Router router = [] {
        Router routes;
        Handler record = [](const Request& request, const RouteMatch& match) -> asio::awaitable<Reply> {
            handled = match;
            co_return json_reply(request, http::status::ok, {{"params", match.params}, {"query", match.query}});
        };
        for (const char* pattern : {"/", "/jobs/{id}", "/assets/{name}", "/api/v1/jobs", "/api/v1/jobs/{id}/log",
                                    "/api/v1/pairs/{pair}"}) {
            routes.add(http::verb::get, pattern, record);
        }
        for (const char* pattern : {"/hooks/gitlab", "/api/v1/jobs/{id}/rerun", "/api/v1/pairs/{pair}/deploy"}) {
            routes.add(http::verb::post, pattern, record);
        }
        return routes;
    }();
    return router;
}

// The path's non-empty segments, percent-decoded: the router's view, rebuilt.
std::vector<std::string> decoded_segments(std::string_view path) {
    std::vector<std::string> segments;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = std::min(path.find('/', start), path.size());
        if (end > start) segments.push_back(percent_decode(path.substr(start, end - start)));
        start = end + 1;
    }
    return segments;
}

bool all_display(const std::vector<std::string>& segments, const std::map<std::string, std::string>& query,
                 std::string_view header) {
    for (const auto& segment : segments) {
        if (!is_display_text(segment)) return false;
    }
    for (const auto& [key, value] : query) {
        if (!is_display_text(key) || !is_display_text(value)) return false;
    }
    return is_display_text(header);
}

void check_percent_decode(std::string_view bytes) {
    constexpr std::string_view digits[] = {"0123456789abcdef", "0123456789ABCDEF"};
    std::string encoded;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        auto byte = static_cast<unsigned char>(bytes[i]);
        encoded += '%';
        encoded += digits[i % 2][byte >> 4];
        encoded += digits[i % 2][byte & 0xF];
    }
    require(percent_decode(encoded) == bytes, "percent_decode undoes %XX of every byte");
    require(percent_decode(bytes).size() <= bytes.size(), "decoding never lengthens");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    constexpr std::array methods{http::verb::get, http::verb::post, http::verb::head, http::verb::put, http::verb::delete_};
    auto [target, header] = lbdeploy::fuzz::split_once(lbdeploy::fuzz::as_text(data + 1, size - 1), '\n');
    check_percent_decode(target);

    Request request;
    request.method(methods[data[0] % methods.size()]);
    request.target({target.data(), target.size()});
    request.set("X-Gitlab-Event", {header.data(), header.size()});
    handled.reset();
    asio::io_context io;
    std::optional<Reply> reply;
    asio::co_spawn(io, router().dispatch(request), [&](std::exception_ptr error, Reply answer) {
        require(!error, "dispatch does not throw");
        reply = std::move(answer);
    });
    io.run();
    require(reply && std::holds_alternative<Response>(*reply), "dispatch answers a response");
    auto status = std::get<Response>(*reply).result();

    auto question = target.find('?');
    auto segments = decoded_segments(target.substr(0, question));
    auto query = question == std::string_view::npos ? std::map<std::string, std::string>{}
                                                    : parse_query(target.substr(question + 1));
    bool display = all_display(segments, query, header);
    require((status == http::status::bad_request) == !display, "400 exactly when some part is not display text");
    require((status == http::status::ok) == handled.has_value(), "200 exactly when a handler ran");
    require(status == http::status::ok || status == http::status::bad_request || status == http::status::not_found ||
                status == http::status::method_not_allowed,
            "the router answers 200, 400, 404 or 405");
    if (handled) {
        require(handled->query == query, "a handler gets the decoded query");
        for (const auto& param : handled->params) {
            require(std::find(segments.begin(), segments.end(), param) != segments.end(),
                    "a placeholder is one of the decoded segments");
        }
    }
    return 0;
}
