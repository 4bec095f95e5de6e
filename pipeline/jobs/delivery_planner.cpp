#include "pipeline/jobs/delivery_planner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "common/text.hpp"
#include "storage/job_store.hpp"
#include "storage/node_state_store.hpp"

namespace lbdeploy::jobs {

namespace {

std::vector<std::string> pushed_paths(transport::Mirror& mirror, const storage::Delivery& delivery) {
    // A new branch (all zeros), or a delivery without `before`: every path.
    if (delivery.before.empty() || common::is_zero_sha(delivery.before)) return mirror.changed_paths("", delivery.after);
    try {
        return mirror.changed_paths(mirror.resolve(delivery.before), delivery.after);
    } catch (const transport::GitError&) {
        return mirror.changed_paths("", delivery.after);  // `before` was never fetched: everything may differ
    }
}

// The commit both nodes of a pair run, or "" when they differ or never got one.
std::string deployed_commit(storage::Database& db, const std::string& pair) {
    auto nodes = storage::NodeStateStore(db).list(pair);
    if (nodes.size() != 2 || nodes[0].deployed_commit != nodes[1].deployed_commit) return {};
    return nodes[0].deployed_commit;
}

std::vector<std::string> merged_pairs(const config::Config& config, transport::Mirror& mirror, storage::Database& db,
                                      const storage::Delivery& delivery, const std::string& head) {
    std::optional<std::vector<std::string>> users;  // of an unpinned dependency: worked out once, if needed
    std::vector<std::string> pairs;
    for (const auto& pair : config.pairs) {
        if (pair.repository != delivery.repository) {
            // A merge into an unpinned dependency: every pair using it.
            if (!users) users = rollout::affected_pairs(config, delivery.repository, mirror.changed_paths("", head));
            if (std::find(users->begin(), users->end(), pair.name) != users->end()) pairs.push_back(pair.name);
            continue;
        }
        auto base = deployed_commit(db, pair.name);
        std::vector<std::string> changed;
        try {
            changed = mirror.changed_paths(base.empty() ? "" : mirror.resolve(base), head);
        } catch (const transport::GitError&) {
            changed = mirror.changed_paths("", head);
        }
        auto affected = rollout::affected_pairs(config, delivery.repository, changed);
        if (std::find(affected.begin(), affected.end(), pair.name) != affected.end()) pairs.push_back(pair.name);
    }
    return pairs;
}

storage::NewJob job_for(const config::Config& config, rollout::Repositories& repositories, const config::Pair& pair,
                        const storage::Delivery& delivery, const std::string& head, bool merge) {
    storage::NewJob job;
    job.pair = pair.name;
    job.repository = pair.repository;
    // A change in a dependency deploys the pair's own repository at its branch head.
    job.commit = pair.repository == delivery.repository
                     ? head
                     : repositories.resolve(pair, config.find_repository(pair.repository)->branch);
    job.ref = config.find_repository(pair.repository)->branch;
    job.trigger = merge ? storage::Trigger::merge : storage::Trigger::push;
    job.requested_by = delivery.requested_by;
    job.delivery_id = delivery.id;
    return job;
}

}  // namespace

DeliveryPlan plan_delivery(const config::Config& config, rollout::Repositories& repositories, storage::Database& db,
                           const storage::Delivery& delivery) {
    const auto* repository = config.find_repository(delivery.repository);
    if (!repository) return {"ignored", fmt::format("repository \"{}\" is not configured", delivery.repository), {}, {}};
    auto& mirror = repositories.fetched(delivery.repository);
    bool merge = delivery.event == "Merge Request Hook";
    auto head = merge ? mirror.resolve(repository->branch) : mirror.resolve(delivery.after);
    auto pairs = merge ? merged_pairs(config, mirror, db, delivery, head)
                       : rollout::affected_pairs(config, delivery.repository, pushed_paths(mirror, delivery));
    if (pairs.empty()) return {"ignored", fmt::format("no configured pair changed in {:.12}", head), {}, {}};
    DeliveryPlan plan{"queued", "", {}, {}};
    storage::JobStore jobs(db);
    for (const auto& name : pairs) {
        auto queued = jobs.enqueue(job_for(config, repositories, *config.find_pair(name), delivery, head, merge));
        if (queued.created) plan.jobs.push_back(queued.job_id);
        plan.superseded.insert(plan.superseded.end(), queued.superseded.begin(), queued.superseded.end());
        plan.detail += fmt::format("{}{}: job {}{}", plan.detail.empty() ? "" : ", ", name, queued.job_id,
                                   queued.created ? "" : " (already queued)");
    }
    return plan;
}

}  // namespace lbdeploy::jobs
