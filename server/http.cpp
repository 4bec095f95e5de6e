#include "server/http.hpp"

#include <boost/asio/use_awaitable.hpp>

#include "common/clean_text.hpp"

namespace lbdeploy::server {

namespace {

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> segments;
    while (!path.empty()) {
        if (path.front() == '/') {
            path.remove_prefix(1);
            continue;
        }
        auto end = path.find('/');
        segments.push_back(percent_decode(path.substr(0, end)));
        path.remove_prefix(end == std::string_view::npos ? path.size() : end);
    }
    return segments;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// What the handlers may rely on: every decoded path segment, query key and
// value, and every header value is UTF-8 without control characters, so no reply can fail to serialise
// what a client sent and no client text reaches the store undecodable.
const char* undecodable_part(const Request& request, const std::vector<std::string>& segments,
                             const std::map<std::string, std::string>& query) {
    for (const auto& segment : segments) {
        if (!common::is_display_text(segment)) return "the path is not UTF-8 text (or holds control characters) once percent-decoded";
    }
    for (const auto& [key, value] : query) {
        if (!common::is_display_text(key) || !common::is_display_text(value)) return "the query is not UTF-8 text (or holds control characters) once percent-decoded";
    }
    for (const auto& field : request) {
        if (!common::is_display_text({field.value().data(), field.value().size()})) return "a header value is not UTF-8 text";
    }
    return nullptr;
}

}  // namespace

std::string percent_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            int high = hex_value(text[i + 1]);
            int low = hex_value(text[i + 2]);
            if (high >= 0 && low >= 0) {
                out += static_cast<char>(high * 16 + low);
                i += 2;
                continue;
            }
        }
        out += text[i] == '+' ? ' ' : text[i];
    }
    return out;
}

std::map<std::string, std::string> parse_query(std::string_view query) {
    std::map<std::string, std::string> values;
    while (!query.empty()) {
        auto end = query.find('&');
        auto pair = query.substr(0, end);
        auto equals = pair.find('=');
        values[percent_decode(pair.substr(0, equals))] =
            equals == std::string_view::npos ? std::string() : percent_decode(pair.substr(equals + 1));
        query.remove_prefix(end == std::string_view::npos ? query.size() : end + 1);
    }
    return values;
}

Response text_reply(const Request& request, http::status status, std::string body, const char* content_type) {
    Response response{status, request.version()};
    response.set(http::field::server, "lbdeploy");
    response.set(http::field::content_type, content_type);
    response.set(http::field::cache_control, "no-store");
    response.keep_alive(request.keep_alive());
    response.body() = std::move(body);
    response.prepare_payload();
    return response;
}

Response empty_reply(const Request& request, http::status status) {
    Response response{status, request.version()};
    response.keep_alive(request.keep_alive());
    return response;
}

Response json_reply(const Request& request, http::status status, const nlohmann::json& body) {
    return text_reply(request, status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", "application/json");
}

Response error_reply(const Request& request, http::status status, const std::string& message) {
    return json_reply(request, status, {{"error", message}});
}

void Router::add(http::verb method, std::string pattern, Handler handler) {
    routes_.push_back({method, split_path(pattern), std::move(handler)});
}

boost::asio::awaitable<Reply> Router::dispatch(const Request& request) const {
    std::string_view target(request.target().data(), request.target().size());
    auto question = target.find('?');
    auto segments = split_path(target.substr(0, question));
    auto query = question == std::string_view::npos ? std::map<std::string, std::string>{}
                                                    : parse_query(target.substr(question + 1));
    if (const char* problem = undecodable_part(request, segments, query)) {
        co_return error_reply(request, http::status::bad_request, problem);
    }
    bool path_known = false;
    for (const auto& route : routes_) {
        if (route.segments.size() != segments.size()) continue;
        RouteMatch match;
        bool matches = true;
        for (std::size_t i = 0; i < segments.size() && matches; ++i) {
            const auto& expected = route.segments[i];
            if (expected.starts_with('{')) {
                match.params.push_back(segments[i]);
            } else {
                matches = expected == segments[i];
            }
        }
        if (!matches) continue;
        path_known = true;
        if (route.method != request.method()) continue;
        match.query = query;
        co_return co_await route.handler(request, match);
    }
    if (path_known) co_return error_reply(request, http::status::method_not_allowed, "method not allowed here");
    co_return error_reply(request, http::status::not_found, "no such resource");
}

}  // namespace lbdeploy::server
