// The web UI: its pages (one HTML shell, the script renders each page) and
// assets, from the binary (web/assets.hpp). ETags let browsers revalidate.
#include "server/server_context.hpp"
#include "web/assets.hpp"

namespace lbdeploy::server {

namespace {

using boost::asio::awaitable;

Response asset_reply(const Request& request, const web::Asset& asset) {
    auto presented = request[http::field::if_none_match];
    if (std::string_view(presented.data(), presented.size()) == asset.etag) {
        auto not_modified = empty_reply(request, http::status::not_modified);
        not_modified.set(http::field::etag, std::string(asset.etag));
        return not_modified;
    }
    auto response = text_reply(request, http::status::ok, std::string(asset.body), std::string(asset.content_type).c_str());
    response.set(http::field::etag, std::string(asset.etag));
    response.set(http::field::cache_control, "no-cache");
    // Everything is served from here; nothing inline, nothing from elsewhere.
    response.set("Content-Security-Policy", "default-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'");
    response.set("X-Content-Type-Options", "nosniff");
    return response;
}

awaitable<Reply> page(const Request& request, const RouteMatch&) {
    co_return asset_reply(request, *web::find_asset("index.html"));
}

awaitable<Reply> asset(const Request& request, const RouteMatch& match) {
    const auto* found = web::find_asset(match.params.at(0));
    if (!found) co_return error_reply(request, http::status::not_found, "no such asset");
    co_return asset_reply(request, *found);
}

awaitable<Reply> no_icon(const Request& request, const RouteMatch&) {
    co_return empty_reply(request, http::status::no_content);
}

}  // namespace

void add_ui_routes(Router& router) {
    router.add(http::verb::get, "/favicon.ico", no_icon);
    router.add(http::verb::get, "/", page);
    router.add(http::verb::get, "/jobs", page);
    router.add(http::verb::get, "/jobs/{id}", page);
    router.add(http::verb::get, "/assets/{name}", asset);
}

}  // namespace lbdeploy::server
