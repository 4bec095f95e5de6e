#include "server/rollback_rule.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <filesystem>

#include "pipeline/jobs/revisions.hpp"
#include "pipeline/transport/git_mirror.hpp"

namespace lbdeploy::server {

namespace {

using boost::asio::awaitable;

// jobs::takes_back on the blocking pool: git never runs on the I/O thread.
awaitable<bool> takes_back_on_pool(ServerContext& context, const config::Pair& pair,
                                   std::vector<std::string> deployed, std::string commit) {
    auto lookup = [&context, &pair, deployed = std::move(deployed), commit = std::move(commit)]() -> awaitable<bool> {
        const auto* repository = context.config.find_repository(pair.repository);
        auto directory = transport::mirror_directory(context.config.server.data_dir, pair.repository);
        // Never fetched: no node can run a commit from it.
        if (!repository || !std::filesystem::exists(directory / "HEAD")) co_return false;
        co_return jobs::takes_back(transport::Mirror::open(directory, *repository), deployed, commit);
    };
    co_return co_await boost::asio::co_spawn(context.blocking, lookup(), boost::asio::use_awaitable);
}

}  // namespace

common::Result<nlohmann::json, Response> json_object_body(const Request& request) {
    if (request.body().empty()) return nlohmann::json::object();
    auto body = nlohmann::json::parse(request.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
        return common::fail(error_reply(request, http::status::bad_request, "the body is not a JSON object"));
    }
    return body;
}

common::Result<bool, Response> rollback_requested(const Request& request, const nlohmann::json& body) {
    if (!body.contains("rollback")) return false;
    if (!body["rollback"].is_boolean()) {
        return common::fail(error_reply(request, http::status::bad_request, "rollback must be true or false"));
    }
    return body["rollback"].get<bool>();
}

awaitable<common::Result<bool, Response>> rollback_of(ServerContext& context, const Request& request,
                                                      const config::Pair& pair, std::string commit, bool requested,
                                                      bool dry_run) {
    auto deployed = jobs::deployed_commits(context.db, pair);
    if (!co_await takes_back_on_pool(context, pair, deployed, commit)) co_return false;
    if (dry_run || requested) co_return true;
    auto message = jobs::describe_rollback(pair, commit, deployed) + "; to roll back, pass \"rollback\": true";
    co_return common::fail(
        json_reply(request, http::status::conflict, {{"error", message}, {"rollback_required", true}}));
}

}  // namespace lbdeploy::server
