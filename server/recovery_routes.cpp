#include "server/recovery_routes.hpp"

#include <fmt/format.h>

#include "pipeline/jobs/recovery_jobs.hpp"
#include "server/json_views.hpp"
#include "storage/recovery_store.hpp"

namespace lbdeploy::server {

namespace {

using boost::asio::awaitable;

bool has_running_job(ServerContext& context, const std::string& pair) {
    storage::JobFilter running;
    running.pair = pair;
    running.state = storage::JobState::running;
    running.limit = 1;
    return !storage::JobStore(context.db).list(running).empty();
}

awaitable<Reply> recover_pair(ServerContext& context, const Request& request, const RouteMatch& match) {
    auto found = find_pair(context, request, match, Access::write);
    if (!found) co_return std::move(found).error();
    const auto* pair = *found;
    auto job = jobs::recovery_job(context.config, context.db, *pair, requester(request));
    if (!job) co_return error_reply(request, http::status::conflict, job.error());
    auto queued = queue_job(context, *job);
    if (!queued.created) {
        co_return error_reply(request, http::status::conflict,
                              fmt::format("job {} for {} at {:.12} is already queued or running; it recovers the "
                                          "pair first", queued.job_id, pair->name, job->commit));
    }
    auto created = to_json(*storage::JobStore(context.db).find(queued.job_id), context.config);
    created["superseded"] = queued.superseded;
    co_return json_reply(request, http::status::created, created);
}

}  // namespace

nlohmann::json recovery_json(ServerContext& context, const config::Pair& pair) {
    nlohmann::json json{{"mode", pair.recovery == config::Recovery::manual ? "manual" : "auto"}};
    auto mark = storage::RecoveryStore(context.db).find(pair.name);
    if (!mark) {
        json["state"] = "consistent";
        return json;
    }
    json["state"] = has_running_job(context, pair.name) ? "recovering" : "needs_recovery";
    json["node"] = mark->node;
    json["reason"] = mark->reason;
    json["commit"] = mark->commit;
    json["job"] = mark->job ? nlohmann::json(*mark->job) : nlohmann::json(nullptr);
    json["since"] = mark->since;
    return json;
}

std::optional<Response> refuse_while_unrecovered(ServerContext& context, const Request& request,
                                                 const config::Pair& pair, bool dry_run) {
    if (dry_run || pair.recovery != config::Recovery::manual) return std::nullopt;
    auto mark = storage::RecoveryStore(context.db).find(pair.name);
    if (!mark) return std::nullopt;
    return error_reply(request, http::status::conflict,
                       fmt::format("pair {} needs recovery ({}); its recovery is manual: POST /api/v1/pairs/{}/recover "
                                   "first", pair.name, mark->reason, pair.name));
}

void add_recovery_routes(Router& router, ServerContext& context) {
    router.add(http::verb::post, "/api/v1/pairs/{pair}/recover", with_context(context, recover_pair));
}

}  // namespace lbdeploy::server
