#pragma once
// What the HTTP handlers share. Everything here is used on the I/O thread
// only, except `worker` (thread-safe) and `blocking` (a pool for git lookups).

#include <utility>  // before Boost: 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/thread_pool.hpp>

#include <functional>
#include <map>
#include <optional>

#include "common/event_log.hpp"
#include "common/result.hpp"
#include "config/config.hpp"
#include "pipeline/jobs/worker.hpp"
#include "server/auth.hpp"
#include "storage/job_store.hpp"
#include "storage/sqlite.hpp"

namespace lbdeploy::server {

struct ServerCounters {
    std::map<std::string, std::int64_t> rejected_webhooks;  // by HTTP status: "401", "400", ...
};

struct ServerContext {
    const config::Config& config;
    storage::Database& db;
    jobs::Worker& worker;
    boost::asio::thread_pool& blocking;
    Credentials credentials;
    ServerCounters counters;
    // Called on the I/O thread when the API queued or superseded a job (e.g.
    // to post its GitLab status); must not block. May be empty.
    std::function<void(const storage::Job&)> job_changed;
    common::EventLog* log = nullptr;  // webhook.* events; may be null
};

// Tells job_changed about a job just queued and the jobs it superseded.
void announce(ServerContext& context, storage::JobId queued, const std::vector<storage::JobId>& superseded);

// Queues `job`; when it was created, wakes the worker and announces it.
storage::EnqueueResult queue_job(ServerContext& context, const storage::NewJob& job);

enum class Access { read, write };

// Every route's first question: the 401 reply when `request` may not read
// (auth.anonymous_reads off and no valid bearer token) or write (no valid
// bearer token, or no tokens configured); nullopt when it may.
std::optional<Response> authorize(const ServerContext& context, const Request& request, Access access);

// The preamble of the /pairs/{pair} routes: may the request read (or
// write), is there such a pair; else the 401 or 404 reply.
common::Result<const config::Pair*, Response> find_pair(const ServerContext& context, const Request& request,
                                                        const RouteMatch& match, Access access);

// A route handler from a function of (context, request, match).
template <typename Function>
Handler with_context(ServerContext& context, Function function) {
    return [&context, function](const Request& request, const RouteMatch& match) {
        return function(context, request, match);
    };
}

// Who asks, for the job history: X-Lbdeploy-User, else "api".
std::string requester(const Request& request);

// Registers every endpoint of docs/design.md §5 on the router.
void add_webhook_routes(Router& router, ServerContext& context);
void add_job_routes(Router& router, ServerContext& context);
void add_pair_routes(Router& router, ServerContext& context);
void add_recovery_routes(Router& router, ServerContext& context);
void add_health_routes(Router& router, ServerContext& context);
void add_step_routes(Router& router, ServerContext& context);
void add_ui_routes(Router& router);
// All of the above.
void add_routes(Router& router, ServerContext& context);

}  // namespace lbdeploy::server
