// /api/v1/jobs: list, detail with steps, log by offset, live events, re-run, cancel.
#include <fmt/format.h>

#include "common/result.hpp"
#include "common/text.hpp"
#include "server/json_views.hpp"
#include "server/recovery_routes.hpp"
#include "server/rollback_rule.hpp"
#include "server/server_context.hpp"
#include "storage/job_store.hpp"
#include "storage/log_store.hpp"
#include "storage/step_store.hpp"

namespace lbdeploy::server {

namespace {

using boost::asio::awaitable;

std::optional<std::int64_t> query_int(const RouteMatch& match, const std::string& key, std::int64_t fallback) {
    auto found = match.query.find(key);
    if (found == match.query.end() || found->second.empty()) return fallback;
    return common::parse_integer(found->second);
}

// The preamble of the /jobs/{id} routes: may the request read (or write), is
// {id} a number, is there such a job; else the 401, 400 or 404 reply.
common::Result<storage::Job, Response> find_job(ServerContext& context, const Request& request,
                                                const RouteMatch& match, Access access) {
    if (auto denied = authorize(context, request, access)) return common::fail(std::move(*denied));
    auto id = common::parse_integer(match.params.at(0));
    if (!id) return common::fail(error_reply(request, http::status::bad_request, "job ids are numbers"));
    auto job = storage::JobStore(context.db).find(*id);
    if (!job) return common::fail(error_reply(request, http::status::not_found, fmt::format("no job {}", *id)));
    return *job;
}

awaitable<Reply> list_jobs(ServerContext& context, const Request& request, const RouteMatch& match) {
    if (auto denied = authorize(context, request, Access::read)) co_return std::move(*denied);
    storage::JobFilter filter;
    if (auto pair = match.query.find("pair"); pair != match.query.end() && !pair->second.empty()) filter.pair = pair->second;
    if (auto state = match.query.find("status"); state != match.query.end() && !state->second.empty()) {
        filter.state = storage::parse_job_state(state->second);
        if (!filter.state) co_return error_reply(request, http::status::bad_request, "unknown status " + state->second);
    }
    auto limit = query_int(match, "limit", 50);
    auto before = query_int(match, "before", 0);
    if (!limit || *limit < 1 || *limit > 500 || !before) {
        co_return error_reply(request, http::status::bad_request, "limit must be 1-500 and before a job id");
    }
    filter.limit = static_cast<int>(*limit);
    if (*before > 0) filter.before = *before;
    auto jobs = storage::JobStore(context.db).list(filter);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& job : jobs) items.push_back(to_json(job, context.config));
    nlohmann::json body{{"jobs", items}};
    if (static_cast<int>(jobs.size()) == filter.limit) body["next_before"] = jobs.back().id;
    co_return json_reply(request, http::status::ok, body);
}

awaitable<Reply> job_detail(ServerContext& context, const Request& request, const RouteMatch& match) {
    auto found = find_job(context, request, match, Access::read);
    if (!found) co_return std::move(found).error();
    const auto& job = *found;
    auto body = to_json(job, context.config);
    body["steps"] = nlohmann::json::array();
    for (const auto& step : storage::StepStore(context.db).list(job.id)) body["steps"].push_back(to_json(step));
    body["last_seq"] = storage::LogStore(context.db).last_seq(job.id);
    co_return json_reply(request, http::status::ok, body);
}

awaitable<Reply> job_log(ServerContext& context, const Request& request, const RouteMatch& match) {
    auto found = find_job(context, request, match, Access::read);
    if (!found) co_return std::move(found).error();
    auto after = query_int(match, "after", 0);
    auto limit = query_int(match, "limit", 1000);
    if (!after || !limit || *limit < 1 || *limit > 10000) {
        co_return error_reply(request, http::status::bad_request, "after must be a number and limit 1-10000");
    }
    const auto& job = *found;
    nlohmann::json lines = nlohmann::json::array();
    for (const auto& line : storage::LogStore(context.db).read(job.id, *after, static_cast<int>(*limit))) {
        lines.push_back(to_json(line));
    }
    co_return json_reply(request, http::status::ok,
                         {{"job", job.id}, {"state", storage::to_string(job.state)}, {"lines", lines}});
}

awaitable<Reply> job_events(ServerContext& context, const Request& request, const RouteMatch& match) {
    auto found = find_job(context, request, match, Access::read);
    if (!found) co_return std::move(found).error();
    auto last_event = request["Last-Event-ID"];
    auto after = query_int(match, "after", 0);
    if (!last_event.empty()) after = common::parse_integer(std::string_view(last_event.data(), last_event.size()));
    if (!after) co_return error_reply(request, http::status::bad_request, "Last-Event-ID must be a number");
    co_return EventStreamReply{found->id, *after};
}

awaitable<Reply> rerun_job(ServerContext& context, const Request& request, const RouteMatch& match) {
    auto found = find_job(context, request, match, Access::write);
    if (!found) co_return std::move(found).error();
    const auto& job = *found;
    if (!storage::is_final(job.state)) {
        co_return error_reply(request, http::status::conflict, fmt::format("job {} is still {}", job.id,
                                                                            storage::to_string(job.state)));
    }
    const auto* pair = context.config.find_pair(job.pair);
    if (!pair) {
        co_return error_reply(request, http::status::unprocessable_entity, "pair " + job.pair + " is no longer configured");
    }
    if (auto refused = refuse_while_unrecovered(context, request, *pair, job.dry_run)) co_return std::move(*refused);
    auto body = json_object_body(request);
    if (!body) co_return std::move(body).error();
    auto requested = rollback_requested(request, *body);
    if (!requested) co_return std::move(requested).error();
    auto rollback = co_await rollback_of(context, request, *pair, job.commit, *requested,
                                         job.dry_run);
    if (!rollback) co_return std::move(rollback).error();
    storage::NewJob again{job.pair, job.repository, job.commit, job.ref, storage::Trigger::rerun,
                          requester(request), job.dry_run, job.id, std::nullopt, *rollback};
    auto queued = queue_job(context, again);
    if (!queued.created) {
        co_return error_reply(request, http::status::conflict,
                              fmt::format("job {} for the same commit is already queued or running", queued.job_id));
    }
    co_return json_reply(request, http::status::created,
                         to_json(*storage::JobStore(context.db).find(queued.job_id), context.config));
}

awaitable<Reply> cancel_job(ServerContext& context, const Request& request, const RouteMatch& match) {
    auto found = find_job(context, request, match, Access::write);
    if (!found) co_return std::move(found).error();
    storage::JobStore jobs(context.db);
    auto id = found->id;
    switch (jobs.cancel(id)) {
    case storage::CancelOutcome::cancelled:
        announce(context, id, {});
        co_return json_reply(request, http::status::accepted, to_json(*jobs.find(id), context.config));
    case storage::CancelOutcome::requested:
        co_return json_reply(request, http::status::accepted, to_json(*jobs.find(id), context.config));
    case storage::CancelOutcome::already_final:
        co_return error_reply(request, http::status::conflict, fmt::format("job {} has already finished", id));
    case storage::CancelOutcome::not_found:
        break;
    }
    co_return error_reply(request, http::status::not_found, fmt::format("no job {}", id));
}

}  // namespace

void add_job_routes(Router& router, ServerContext& context) {
    router.add(http::verb::get, "/api/v1/jobs", with_context(context, list_jobs));
    router.add(http::verb::get, "/api/v1/jobs/{id}", with_context(context, job_detail));
    router.add(http::verb::get, "/api/v1/jobs/{id}/log", with_context(context, job_log));
    router.add(http::verb::get, "/api/v1/jobs/{id}/events", with_context(context, job_events));
    router.add(http::verb::post, "/api/v1/jobs/{id}/rerun", with_context(context, rerun_job));
    router.add(http::verb::post, "/api/v1/jobs/{id}/cancel", with_context(context, cancel_job));
}

}  // namespace lbdeploy::server
