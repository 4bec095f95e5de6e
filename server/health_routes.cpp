// GET /healthz and GET /metrics (Prometheus text format 0.0.4).
#include <fmt/format.h>

#include <array>

#include "server/server_context.hpp"
#include "storage/delivery_store.hpp"
#include "storage/job_store.hpp"

namespace lbdeploy::server {

namespace {

using boost::asio::awaitable;

std::string label(std::string_view value) {
    std::string escaped;
    for (char c : value) {
        if (c == '\\' || c == '"') escaped += '\\';
        escaped += c == '\n' ? 'n' : c;
    }
    return escaped;
}

void job_metrics(ServerContext& context, std::string& out) {
    storage::JobStore jobs(context.db);
    out += "# HELP lbdeploy_jobs Jobs in the store, by state.\n# TYPE lbdeploy_jobs gauge\n";
    auto counts = jobs.count_by_state();
    for (auto state : {storage::JobState::queued, storage::JobState::running, storage::JobState::succeeded,
                       storage::JobState::failed, storage::JobState::cancelled, storage::JobState::superseded,
                       storage::JobState::interrupted}) {
        std::int64_t count = 0;
        for (const auto& [s, n] : counts) count = s == state ? n : count;
        out += fmt::format("lbdeploy_jobs{{state=\"{}\"}} {}\n", storage::to_string(state), count);
    }
    out += "# HELP lbdeploy_queue_depth Queued jobs per pair.\n# TYPE lbdeploy_queue_depth gauge\n";
    auto queued = jobs.queued_by_pair();
    for (const auto& pair : context.config.pairs) {
        std::int64_t count = 0;
        for (const auto& [name, n] : queued) count = name == pair.name ? n : count;
        out += fmt::format("lbdeploy_queue_depth{{pair=\"{}\"}} {}\n", label(pair.name), count);
    }
    // Every finished rollout ever (jobs are never deleted), so the histogram only grows.
    const std::vector<std::int64_t> bounds_s{1, 2, 5, 10, 20, 30, 60, 120, 300, 600};
    std::vector<std::int64_t> bounds_ms;
    for (auto bound : bounds_s) bounds_ms.push_back(bound * 1000);
    auto histogram = jobs.duration_histogram(bounds_ms);
    out += "# HELP lbdeploy_rollout_duration_seconds Wall time of finished rollouts (dry runs excluded).\n"
           "# TYPE lbdeploy_rollout_duration_seconds histogram\n";
    for (std::size_t i = 0; i < bounds_s.size(); ++i) {
        out += fmt::format("lbdeploy_rollout_duration_seconds_bucket{{le=\"{}\"}} {}\n", bounds_s[i], histogram.at_most[i]);
    }
    out += fmt::format("lbdeploy_rollout_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", histogram.count);
    out += fmt::format("lbdeploy_rollout_duration_seconds_sum {:.3f}\nlbdeploy_rollout_duration_seconds_count {}\n",
                       static_cast<double>(histogram.total_ms) / 1000.0, histogram.count);
}

void webhook_metrics(ServerContext& context, std::string& out) {
    storage::DeliveryStore deliveries(context.db);
    out += "# HELP lbdeploy_webhook_deliveries_total GitLab webhook deliveries, by outcome.\n"
           "# TYPE lbdeploy_webhook_deliveries_total counter\n";
    for (const auto& [outcome, count] : deliveries.count_by_outcome()) {
        out += fmt::format("lbdeploy_webhook_deliveries_total{{outcome=\"{}\"}} {}\n", label(outcome), count);
    }
    for (const auto& [status, count] : context.counters.rejected_webhooks) {
        out += fmt::format("lbdeploy_webhook_deliveries_total{{outcome=\"rejected_{}\"}} {}\n", status, count);
    }
    out += "# HELP lbdeploy_webhook_last_received_timestamp_seconds When the last delivery of each project came "
           "(a hook GitLab disabled stops moving).\n# TYPE lbdeploy_webhook_last_received_timestamp_seconds gauge\n";
    for (const auto& [project, ms] : deliveries.last_received_by_project()) {
        out += fmt::format("lbdeploy_webhook_last_received_timestamp_seconds{{project=\"{}\"}} {:.3f}\n",
                           label(project), static_cast<double>(ms) / 1000.0);
    }
}

awaitable<Reply> healthz(ServerContext& context, const Request& request, const RouteMatch&) {
    try {
        storage::JobStore(context.db).count(storage::JobState::running);
    } catch (const std::exception& e) {
        co_return error_reply(request, http::status::service_unavailable, std::string("job store: ") + e.what());
    }
    co_return json_reply(request, http::status::ok, {{"status", "ok"}});
}

awaitable<Reply> metrics(ServerContext& context, const Request& request, const RouteMatch&) {
    std::string out;
    job_metrics(context, out);
    webhook_metrics(context, out);
    co_return text_reply(request, http::status::ok, std::move(out), "text/plain; version=0.0.4");
}

}  // namespace

void add_health_routes(Router& router, ServerContext& context) {
    router.add(http::verb::get, "/healthz", with_context(context, healthz));
    router.add(http::verb::get, "/metrics", with_context(context, metrics));
}

}  // namespace lbdeploy::server
