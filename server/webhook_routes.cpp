// POST /hooks/gitlab: store the delivery, answer at once, plan it later.
// GitLab disables a hook after repeated 4xx/5xx, so only a bad token is 401
// and only malformed JSON of a known event is 400; everything else is 2xx.
#include <fmt/format.h>

#include "server/gitlab_event.hpp"
#include "server/server_context.hpp"
#include "storage/delivery_store.hpp"

namespace lbdeploy::server {

namespace {

using boost::asio::awaitable;

// "idempotency:<key>" when the sender gave an Idempotency-Key.
std::optional<std::string> idempotency_key(const Request& request) {
    auto key = request["Idempotency-Key"];
    if (key.empty()) return std::nullopt;
    return "idempotency:" + std::string(key);
}

std::string dedupe_key(const Request& request, const DeployEvent& event) {
    if (auto key = idempotency_key(request)) return *key;
    return fmt::format("{}|refs/heads/{}|{}|{}", event.project.path_with_namespace, event.branch, event.after,
                       event.merge ? "merge" : "push");
}

void log_delivery(ServerContext& context, std::int64_t id, const std::string& event, const std::string& project,
                  const std::string& outcome, const std::string& detail = {}) {
    if (!context.log) return;
    context.log->write("webhook.received", {{"delivery", std::to_string(id)}, {"gitlab_event", event}, {"project", project},
                                            {"outcome", outcome}, {"detail", detail}});
}

Response record_ignored(ServerContext& context, const Request& request, const std::string& event,
                        const std::string& project, const std::string& reason) {
    storage::NewDelivery delivery;
    auto key = idempotency_key(request);
    delivery.dedupe_key = key ? *key : fmt::format("ignored:{}:{}", storage::now_ms(), reason);
    delivery.event = event;
    delivery.project = project;
    auto recorded = storage::DeliveryStore(context.db).record(delivery);
    if (recorded.is_new) storage::DeliveryStore(context.db).set_outcome(recorded.id, "ignored", reason);
    log_delivery(context, recorded.id, event, project, "ignored", reason);
    return json_reply(request, http::status::ok, {{"delivery", recorded.id}, {"ignored", reason}});
}

Response accept(ServerContext& context, const Request& request, const std::string& event_name,
                const DeployEvent& event) {
    const auto* repository = match_repository(context.config, event.project);
    if (!repository) {
        return record_ignored(context, request, event_name, event.project.path_with_namespace,
                              fmt::format("project {} is not a configured repository",
                                          event.project.path_with_namespace));
    }
    if (event.branch != repository->branch) {
        return record_ignored(context, request, event_name, event.project.path_with_namespace,
                              fmt::format("branch {}: {} deploys from {}", event.branch, repository->name,
                                          repository->branch));
    }
    storage::NewDelivery delivery{dedupe_key(request, event), event_name, event.project.path_with_namespace,
                                  "refs/heads/" + event.branch, event.after, repository->name, event.before,
                                  event.user};
    auto recorded = storage::DeliveryStore(context.db).record(delivery);
    if (!recorded.is_new) {
        log_delivery(context, recorded.id, event_name, delivery.project, "duplicate");
        return json_reply(request, http::status::ok, {{"delivery", recorded.id}, {"duplicate", true}});
    }
    log_delivery(context, recorded.id, event_name, delivery.project, "accepted",
                 fmt::format("{} {}..{}", delivery.ref, delivery.before, delivery.after));
    context.worker.submit_delivery(recorded.id);
    return json_reply(request, http::status::accepted, {{"delivery", recorded.id}, {"status", "accepted"}});
}

awaitable<Reply> handle_gitlab(ServerContext& context, const Request& request) {
    auto token = request["X-Gitlab-Token"];
    if (!context.credentials.webhook_token_ok(std::string_view(token.data(), token.size()))) {
        ++context.counters.rejected_webhooks["401"];
        if (context.log) context.log->write("webhook.rejected", {{"status", "401"}, {"reason", "wrong or missing token"}});
        co_return error_reply(request, http::status::unauthorized,
                              context.credentials.webhooks_enabled()
                                  ? "wrong or missing X-Gitlab-Token"
                                  : "webhooks are disabled: gitlab.webhook_token_file is not configured");
    }
    std::string event_name(request["X-Gitlab-Event"]);
    auto event = parse_gitlab_event(event_name, request.body());
    if (auto* malformed = std::get_if<MalformedEvent>(&event)) {
        ++context.counters.rejected_webhooks["400"];
        if (context.log) context.log->write("webhook.rejected", {{"status", "400"}, {"reason", malformed->reason}});
        co_return error_reply(request, http::status::bad_request, malformed->reason);
    }
    if (auto* ignored = std::get_if<IgnoredEvent>(&event)) {
        co_return record_ignored(context, request, event_name, "", ignored->reason);
    }
    co_return accept(context, request, event_name, std::get<DeployEvent>(event));
}

}  // namespace

void add_webhook_routes(Router& router, ServerContext& context) {
    router.add(http::verb::post, "/hooks/gitlab",
               [&context](const Request& request, const RouteMatch&) { return handle_gitlab(context, request); });
}

}  // namespace lbdeploy::server
