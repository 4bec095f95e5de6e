// /api/v1/pairs: state per pair, and manual deploys.
#include <utility>  // before Boost: 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "common/result.hpp"
#include "pipeline/rollout/pair_source.hpp"
#include "pipeline/transport/git_mirror.hpp"
#include "server/json_views.hpp"
#include "server/recovery_routes.hpp"
#include "server/rollback_rule.hpp"
#include "server/server_context.hpp"
#include "storage/job_store.hpp"
#include "storage/node_state_store.hpp"

namespace lbdeploy::server {

namespace {

using boost::asio::awaitable;

using BranchHeads = std::map<std::string, std::string>;  // repository -> head of its branch

// The head of each repository's branch as the local mirror last fetched it
// (no network: a page view must not trigger fetches). On the blocking pool.
awaitable<BranchHeads> branch_heads(ServerContext& context) {
    auto lookup = [&context]() -> awaitable<BranchHeads> {
        BranchHeads heads;
        for (const auto& repository : context.config.repositories) {
            auto directory = transport::mirror_directory(context.config.server.data_dir, repository.name);
            if (!std::filesystem::exists(directory / "HEAD")) continue;
            try {
                heads[repository.name] = transport::Mirror::open(directory, repository).branch_head(repository.branch);
            } catch (const transport::GitError&) {
                // Not fetched yet: no head to compare with.
            }
        }
        co_return heads;
    };
    co_return co_await boost::asio::co_spawn(context.blocking, lookup(), boost::asio::use_awaitable);
}

nlohmann::json pair_json(ServerContext& context, const config::Pair& pair, const BranchHeads& heads) {
    auto states = storage::NodeStateStore(context.db).list(pair.name);
    nlohmann::json nodes = nlohmann::json::array();
    std::set<std::string> commits;
    for (const auto& node : pair.nodes) {
        nlohmann::json entry{{"node", node.name}, {"host", node.host}, {"deployed_commit", ""}};
        for (const auto& state : states) {
            if (state.node == node.name) entry = to_json(state), entry["host"] = node.host;
        }
        commits.insert(entry["deployed_commit"].get<std::string>());
        nodes.push_back(entry);
    }
    auto head = heads.find(pair.repository);
    bool behind = head != heads.end() && std::any_of(commits.begin(), commits.end(),
                                                        [&](const std::string& commit) { return commit != head->second; });
    storage::JobFilter last;
    last.pair = pair.name;
    last.limit = 1;
    auto jobs = storage::JobStore(context.db).list(last);
    return {{"name", pair.name},
            {"repository", pair.repository},
            {"vip", pair.vip},
            {"nodes", nodes},
            // Drift: the nodes do not run the same commit (a failed or cancelled rollout in between).
            {"drift", commits.size() > 1},
            // The head of the deploy branch as last fetched, and whether a node runs something else.
            {"branch_head", head == heads.end() ? nlohmann::json(nullptr) : nlohmann::json(head->second)},
            {"behind_branch", behind},
            // What the nodes' journals said when last read (consistent, needs_recovery, recovering).
            {"recovery", recovery_json(context, pair)},
            {"last_job", jobs.empty() ? nlohmann::json(nullptr) : to_json(jobs.front(), context.config)}};
}

awaitable<Reply> list_pairs(ServerContext& context, const Request& request, const RouteMatch&) {
    if (auto denied = authorize(context, request, Access::read)) co_return std::move(*denied);
    auto heads = co_await branch_heads(context);
    nlohmann::json pairs = nlohmann::json::array();
    for (const auto& pair : context.config.pairs) pairs.push_back(pair_json(context, pair, heads));
    co_return json_reply(request, http::status::ok, {{"pairs", pairs}});
}

awaitable<Reply> pair_detail(ServerContext& context, const Request& request, const RouteMatch& match) {
    auto pair = find_pair(context, request, match, Access::read);
    if (!pair) co_return std::move(pair).error();
    auto heads = co_await branch_heads(context);
    co_return json_reply(request, http::status::ok, pair_json(context, **pair, heads));
}

// Runs a blocking git lookup on the pool and resumes here with the commit, or
// why the ref does not resolve. No ref: the head of the pair's branch, never a
// tag of its name. The pool's coroutine catches everything itself and returns
// an optional only because co_spawn needs a default-constructible result (it
// is never empty).
awaitable<common::Result<std::string>> resolve_on_pool(ServerContext& context, const config::Pair& pair,
                                                       std::optional<std::string> ref) {
    using Resolved = common::Result<std::string>;
    auto lookup = [&context, &pair, ref]() -> awaitable<std::optional<Resolved>> {
        try {
            rollout::Repositories repositories(context.config);
            co_return Resolved(ref ? repositories.resolve(pair, *ref) : repositories.branch_head(pair.repository));
        } catch (const std::exception& e) {
            co_return Resolved(common::fail(e.what()));
        }
    };
    co_return *co_await boost::asio::co_spawn(context.blocking, lookup(), boost::asio::use_awaitable);
}

awaitable<Reply> deploy_pair(ServerContext& context, const Request& request, const RouteMatch& match) {
    auto found = find_pair(context, request, match, Access::write);
    if (!found) co_return std::move(found).error();
    const auto* pair = *found;
    auto parsed = json_object_body(request);
    if (!parsed) co_return std::move(parsed).error();
    const auto& body = *parsed;
    auto text = [&](const char* key) { return body.contains(key) && body[key].is_string() ? body[key].get<std::string>() : std::string(); };
    auto ref = text("ref");
    auto commit = text("commit");
    if (!ref.empty() && !commit.empty()) co_return error_reply(request, http::status::bad_request, "give ref or commit, not both");
    if (body.contains("dry_run") && !body["dry_run"].is_boolean()) co_return error_reply(request, http::status::bad_request, "dry_run must be true or false");
    bool dry_run = body.value("dry_run", false);
    auto requested = rollback_requested(request, body);
    if (!requested) co_return std::move(requested).error();
    if (auto refused = refuse_while_unrecovered(context, request, *pair, dry_run)) {
        co_return std::move(*refused);
    }
    const auto& branch = context.config.find_repository(pair->repository)->branch;
    auto wanted = !commit.empty() ? std::optional(commit) : !ref.empty() ? std::optional(ref) : std::nullopt;
    auto resolved = co_await resolve_on_pool(context, *pair, wanted);
    if (!resolved) co_return error_reply(request, http::status::unprocessable_entity, resolved.error());
    auto rollback = co_await rollback_of(context, request, *pair, *resolved, *requested, dry_run);
    if (!rollback) co_return std::move(rollback).error();
    storage::NewJob job{pair->name, pair->repository, *resolved, ref.empty() ? branch : ref,
                        storage::Trigger::manual, requester(request), dry_run, std::nullopt,
                        std::nullopt, *rollback};
    auto queued = queue_job(context, job);
    if (!queued.created) {
        co_return error_reply(request, http::status::conflict,
                              fmt::format("job {} for {} at {:.12} is already queued or running", queued.job_id,
                                          pair->name, job.commit));
    }
    auto created = to_json(*storage::JobStore(context.db).find(queued.job_id), context.config);
    created["superseded"] = queued.superseded;
    co_return json_reply(request, http::status::created, created);
}

}  // namespace

common::Result<const config::Pair*, Response> find_pair(const ServerContext& context, const Request& request,
                                                        const RouteMatch& match, Access access) {
    if (auto denied = authorize(context, request, access)) return common::fail(std::move(*denied));
    const auto* pair = context.config.find_pair(match.params.at(0));
    if (!pair) return common::fail(error_reply(request, http::status::not_found, "no pair " + match.params.at(0)));
    return pair;
}

void add_pair_routes(Router& router, ServerContext& context) {
    router.add(http::verb::get, "/api/v1/pairs", with_context(context, list_pairs));
    router.add(http::verb::get, "/api/v1/pairs/{pair}", with_context(context, pair_detail));
    router.add(http::verb::post, "/api/v1/pairs/{pair}/deploy", with_context(context, deploy_pair));
}

}  // namespace lbdeploy::server
