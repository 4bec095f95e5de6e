#include "pipeline/jobs/delivery_planner.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <optional>

#include "common/text.hpp"
#include "pipeline/jobs/revisions.hpp"
#include "storage/job_store.hpp"

namespace lbdeploy::jobs {

namespace {

DeliveryPlan ignored(std::string reason, std::string detail) {
    return {"ignored", std::move(reason), std::move(detail), {}, {}};
}

// The pairs' directories (watched_directories) that differ between `from`
// ("" = none: every one present) and `to`.
std::vector<std::string> changed(const config::Config& config, transport::Mirror& mirror, const std::string& repository,
                                 const std::string& from, const std::string& to) {
    return mirror.changed_below(from, to, rollout::watched_directories(config, repository));
}

std::vector<std::string> pushed_paths(const config::Config& config, transport::Mirror& mirror,
                                      const storage::Delivery& delivery) {
    // A new branch (all zeros), or a delivery without `before`: every path.
    if (delivery.before.empty() || common::is_zero_sha(delivery.before)) {
        return changed(config, mirror, delivery.repository, "", delivery.after);
    }
    try {
        return changed(config, mirror, delivery.repository, mirror.resolve(delivery.before), delivery.after);
    } catch (const transport::GitError&) {
        // `before` was never fetched: everything may differ
        return changed(config, mirror, delivery.repository, "", delivery.after);
    }
}

std::vector<std::string> merged_pairs(const config::Config& config, transport::Mirror& mirror, storage::Database& db,
                                      const storage::Delivery& delivery, const std::string& head) {
    std::optional<std::vector<std::string>> users;  // of an unpinned dependency: worked out once, if needed
    std::vector<std::string> pairs;
    for (const auto& pair : config.pairs) {
        if (pair.repository != delivery.repository) {
            // A merge into an unpinned dependency: every pair using it.
            if (!users) {
                users = rollout::affected_pairs(config, delivery.repository,
                                                changed(config, mirror, delivery.repository, "", head));
            }
            if (std::find(users->begin(), users->end(), pair.name) != users->end()) pairs.push_back(pair.name);
            continue;
        }
        auto base = common_commit(deployed_commits(db, pair));
        std::vector<std::string> directories;
        try {
            directories = changed(config, mirror, delivery.repository, base.empty() ? "" : mirror.resolve(base), head);
        } catch (const transport::GitError&) {
            directories = changed(config, mirror, delivery.repository, "", head);
        }
        auto affected = rollout::affected_pairs(config, delivery.repository, directories);
        if (std::find(affected.begin(), affected.end(), pair.name) != affected.end()) pairs.push_back(pair.name);
    }
    return pairs;
}

storage::NewJob job_for(const config::Config& config, rollout::Repositories& repositories, const config::Pair& pair,
                        const storage::Delivery& delivery, const std::string& head, bool merge) {
    storage::NewJob job;
    const auto& branch = config.find_repository(pair.repository)->branch;
    job.pair = pair.name;
    job.repository = pair.repository;
    // A change in a dependency deploys the pair's own repository at its branch head.
    job.commit = pair.repository == delivery.repository ? head : repositories.branch_head(pair.repository);
    job.ref = branch;
    job.trigger = merge ? storage::Trigger::merge : storage::Trigger::push;
    job.requested_by = delivery.requested_by;
    job.delivery_id = delivery.id;
    return job;
}

}  // namespace

DeliveryPlan plan_delivery(const config::Config& config, rollout::Repositories& repositories, storage::Database& db,
                           const storage::Delivery& delivery) {
    const auto* repository = config.find_repository(delivery.repository);
    if (!repository) {
        return ignored("not configured", fmt::format("repository \"{}\" is not configured", delivery.repository));
    }
    auto& mirror = repositories.fetched(delivery.repository);
    bool merge = delivery.event == "Merge Request Hook";
    auto head = mirror.branch_head(repository->branch);
    // Another branch's head, a tag, an unknown SHA: nothing the branch holds.
    if (!merge && !mirror.is_ancestor(delivery.after, head)) {
        return ignored("not on branch", fmt::format("not on branch: {:.12} is not on {} of {} (head {:.12})",
                                                    delivery.after, repository->branch, repository->name, head));
    }
    auto pairs = merge ? merged_pairs(config, mirror, db, delivery, head)
                       : rollout::affected_pairs(config, delivery.repository, pushed_paths(config, mirror, delivery));
    if (pairs.empty()) return ignored("no pair changed", fmt::format("no configured pair changed in {:.12}", head));
    // What the nodes must run already for this delivery to bring them nothing.
    const auto& brought = merge ? head : delivery.after;
    DeliveryPlan plan{"queued", "", "", {}, {}};
    std::vector<std::string> stale;
    storage::JobStore jobs(db);
    for (const auto& name : pairs) {
        const auto& pair = *config.find_pair(name);
        // Only the pair's own repository is recorded per node; a dependency's
        // head is read again by the job, so its job never takes a node back.
        if (pair.repository == delivery.repository && runs_descendant_of(mirror, deployed_commits(db, pair), brought)) {
            stale.push_back(name);
            continue;
        }
        auto queued = jobs.enqueue(job_for(config, repositories, pair, delivery, head, merge));
        if (queued.created) plan.jobs.push_back(queued.job_id);
        plan.superseded.insert(plan.superseded.end(), queued.superseded.begin(), queued.superseded.end());
        plan.detail += fmt::format("{}{}: job {}{}", plan.detail.empty() ? "" : ", ", name, queued.job_id,
                                   queued.created ? "" : " (already queued)");
    }
    auto stale_pairs = fmt::format("{}", fmt::join(stale, ", "));
    if (plan.detail.empty()) {
        return ignored("stale", fmt::format("stale: {} already run{} {:.12} or a newer commit", stale_pairs,
                                            stale.size() == 1 ? "s" : "", brought));
    }
    if (!stale.empty()) plan.detail += fmt::format("; stale for {} (already at {:.12} or newer)", stale_pairs, brought);
    return plan;
}

}  // namespace lbdeploy::jobs
