#include "server/server_context.hpp"

namespace lbdeploy::server {

void announce(ServerContext& context, storage::JobId queued, const std::vector<storage::JobId>& superseded) {
    if (!context.job_changed) return;
    storage::JobStore jobs(context.db);
    if (auto job = jobs.find(queued)) context.job_changed(*job);
    for (auto id : superseded) {
        if (auto job = jobs.find(id)) context.job_changed(*job);
    }
}

storage::EnqueueResult queue_job(ServerContext& context, const storage::NewJob& job) {
    auto queued = storage::JobStore(context.db).enqueue(job);
    if (queued.created) {
        context.worker.wake();
        announce(context, queued.job_id, queued.superseded);
    }
    return queued;
}

std::optional<Response> authorize(const ServerContext& context, const Request& request, Access access) {
    auto denied = access == Access::read ? context.credentials.check_read(request)
                                         : context.credentials.check_write(request);
    if (!denied) return std::nullopt;
    return error_reply(request, http::status::unauthorized, *denied);
}

std::string requester(const Request& request) {
    auto user = request["X-Lbdeploy-User"];
    return user.empty() ? std::string("api") : std::string(user);
}

void add_routes(Router& router, ServerContext& context) {
    add_webhook_routes(router, context);
    add_job_routes(router, context);
    add_pair_routes(router, context);
    add_recovery_routes(router, context);
    add_health_routes(router, context);
    add_step_routes(router, context);
    add_ui_routes(router);
}

}  // namespace lbdeploy::server
