#pragma once
// The HTTP vocabulary of the server: requests, replies, JSON helpers and the
// router. Handlers are coroutines on the I/O thread; they may use the job
// store (short, local queries) but hand anything slow (git, SSH) to the
// context's blocking pool (see pair_routes.cpp's resolve_on_pool).

#include <utility>  // before Boost: 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/http.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "storage/job.hpp"

namespace lbdeploy::server {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// The reply to GET /api/v1/jobs/{id}/events: the session streams it.
struct EventStreamReply {
    storage::JobId job = 0;
    std::int64_t after = 0;  // resume after this event id (Last-Event-ID)
};

using Reply = std::variant<Response, EventStreamReply>;

Response json_reply(const Request& request, http::status status, const nlohmann::json& body);
// {"error": message}
Response error_reply(const Request& request, http::status status, const std::string& message);
Response text_reply(const Request& request, http::status status, std::string body, const char* content_type);
// No body and no headers but keep-alive (204, 304).
Response empty_reply(const Request& request, http::status status);

struct RouteMatch {
    std::vector<std::string> params;            // the {placeholders} of the pattern, in order
    std::map<std::string, std::string> query;   // decoded query string
};

using Handler = std::function<boost::asio::awaitable<Reply>(const Request&, const RouteMatch&)>;

class Router {
public:
    // `pattern`: "/api/v1/jobs/{id}/log"; each {name} matches one path segment.
    void add(http::verb method, std::string pattern, Handler handler);
    // 404 for an unknown path, 405 for a known path with another method.
    boost::asio::awaitable<Reply> dispatch(const Request& request) const;

private:
    struct Route {
        http::verb method;
        std::vector<std::string> segments;
        Handler handler;
    };
    std::vector<Route> routes_;
};

std::map<std::string, std::string> parse_query(std::string_view query);
std::string percent_decode(std::string_view text);

}  // namespace lbdeploy::server
