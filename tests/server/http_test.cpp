#include "server/http.hpp"

#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "server/auth.hpp"

using namespace lbdeploy::server;

namespace {

Reply dispatch(const Router& router, http::verb method, const std::string& target) {
    boost::asio::io_context io;
    Request request{method, target, 11};
    Reply reply;
    boost::asio::co_spawn(io, router.dispatch(request), [&](std::exception_ptr, Reply result) { reply = std::move(result); });
    io.run();
    return reply;
}

}  // namespace

TEST_CASE("the router matches placeholders, decodes the query and tells 404 from 405") {
    Router router;
    router.add(http::verb::get, "/api/v1/jobs/{id}/log", [](const Request& request, const RouteMatch& match)
                   -> boost::asio::awaitable<Reply> {
        co_return json_reply(request, http::status::ok, {{"id", match.params.at(0)}, {"after", match.query.at("after")}});
    });
    auto ok = std::get<Response>(dispatch(router, http::verb::get, "/api/v1/jobs/42/log?after=7&x=a%20b"));
    CHECK(ok.result() == http::status::ok);
    CHECK(ok.body() == "{\"after\":\"7\",\"id\":\"42\"}\n");
    CHECK(std::get<Response>(dispatch(router, http::verb::post, "/api/v1/jobs/42/log")).result() ==
          http::status::method_not_allowed);
    CHECK(std::get<Response>(dispatch(router, http::verb::get, "/api/v1/jobs/42")).result() == http::status::not_found);
    CHECK(parse_query("a=1&b=x%2By+z&c") == std::map<std::string, std::string>{{"a", "1"}, {"b", "x+y z"}, {"c", ""}});
}

TEST_CASE("secrets compare equal only when equal") {
    CHECK(constant_time_equal("hook-secret", "hook-secret"));
    CHECK_FALSE(constant_time_equal("hook-secret", "hook-secreT"));
    CHECK_FALSE(constant_time_equal("hook-secret", "hook-secret-longer"));
    CHECK_FALSE(constant_time_equal("", "x"));
}
