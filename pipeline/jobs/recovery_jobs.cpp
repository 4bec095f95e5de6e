#include "pipeline/jobs/recovery_jobs.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "pipeline/jobs/revisions.hpp"
#include "pipeline/rollout/journal_scan.hpp"
#include "storage/job_store.hpp"
#include "storage/recovery_store.hpp"

namespace lbdeploy::jobs {

namespace {

storage::NewJob recovery_of(const config::Config& config, const config::Pair& pair, std::string commit,
                            std::optional<storage::JobId> left_by) {
    return {pair.name, pair.repository, std::move(commit), config.find_repository(pair.repository)->branch,
            storage::Trigger::recovery, "lbdeploy (recovery)", false, left_by, std::nullopt};
}

// A job of `pair` that is not a dry run, in one of `states`.
bool has_deploy(storage::JobStore& jobs, const std::string& pair, std::initializer_list<storage::JobState> states) {
    for (auto state : states) {
        storage::JobFilter filter;
        filter.pair = pair;
        filter.state = state;
        auto live = jobs.list(filter);
        if (std::any_of(live.begin(), live.end(), [](const storage::Job& job) { return !job.dry_run; })) return true;
    }
    return false;
}

bool has_live_deploy(storage::JobStore& jobs, const std::string& pair) {
    return has_deploy(jobs, pair, {storage::JobState::queued, storage::JobState::running});
}

storage::JobId newest_job(storage::JobStore& jobs, const std::string& pair) {
    storage::JobFilter filter;
    filter.pair = pair;
    filter.limit = 1;
    auto newest = jobs.list(filter);
    return newest.empty() ? 0 : newest.front().id;
}

// One pair at serve's start: its journals read while no job of it runs.
void recover_if_half_done(const config::Config& config, storage::Database& db, const config::Pair& pair,
                          common::EventLog& log) {
    storage::JobStore jobs(db);
    if (has_live_deploy(jobs, pair.name)) return;  // that job's pre-check reads the journals
    auto newest = newest_job(jobs, pair.name);
    auto journals = rollout::scan_journals(config.ssh, pair);
    for (const auto& [node, why] : journals.unread) {
        log.write("journal.unread", {{"pair", pair.name}, {"node", node}, {"error", why}});
    }
    if (journals.open.empty()) return;
    // A job that began while the journals were read may own what they hold.
    if (has_live_deploy(jobs, pair.name) || newest_job(jobs, pair.name) != newest) return;
    const auto& found = journals.open.front();
    auto reason = fmt::format("{} holds an unfinished journal entry of job {} ({} {:.12}), found at start", found.node,
                              found.entry.job, found.vip ? "VIP released while deploying" : "deploying",
                              found.entry.commit);
    storage::RecoveryStore(db).mark({pair.name, found.node, reason, found.entry.commit, std::nullopt, 0});
    log.write("pair.needs_recovery", {{"pair", pair.name}, {"node", found.node}, {"reason", reason}});
    if (pair.recovery == config::Recovery::manual) return;
    auto queued = jobs.enqueue(recovery_of(config, pair, found.entry.commit, std::nullopt));
    if (queued.created) log.write("job.recovery_queued", {{"job", std::to_string(queued.job_id)}, {"pair", pair.name}});
}

}  // namespace

std::vector<storage::JobId> queue_recovery_jobs(const config::Config& config, storage::Database& db,
                                                const std::vector<storage::JobId>& interrupted) {
    storage::JobStore jobs(db);
    std::vector<storage::JobId> queued;
    for (auto id : interrupted) {
        auto job = jobs.find(id);
        const auto* pair = job ? config.find_pair(job->pair) : nullptr;
        if (!pair || job->dry_run || pair->recovery == config::Recovery::manual) continue;
        // A queued deploy's pre-check recovers the nodes (a dry run's would not).
        if (has_deploy(jobs, job->pair, {storage::JobState::queued})) continue;
        auto again_job = recovery_of(config, *pair, job->commit, job->id);
        again_job.rollback = job->rollback;  // what it deploys again was asked for as one
        auto again = jobs.enqueue(again_job);
        if (again.created) queued.push_back(again.job_id);
    }
    return queued;
}

common::Result<storage::NewJob> recovery_job(const config::Config& config, storage::Database& db,
                                             const config::Pair& pair, const std::string& requested_by) {
    auto mark = storage::RecoveryStore(db).find(pair.name);
    auto commit = mark && !mark->commit.empty() ? mark->commit : common_commit(deployed_commits(db, pair));
    if (commit.empty()) {
        return common::fail(fmt::format("no commit to recover {} to: nothing marks it half-done and its nodes do not "
                                        "run one commit; deploy a commit instead", pair.name));
    }
    auto job = recovery_of(config, pair, commit, mark ? mark->job : std::nullopt);
    job.requested_by = requested_by;
    return job;
}

void recover_half_done_pairs(const config::Config& config, const std::filesystem::path& store,
                             common::EventLog& log) {
    try {
        auto db = storage::Database::open(store);
        for (const auto& pair : config.pairs) recover_if_half_done(config, db, pair, log);
    } catch (const std::exception& e) {
        log.write("journal.scan_failed", {{"error", e.what()}});
    }
}

}  // namespace lbdeploy::jobs
