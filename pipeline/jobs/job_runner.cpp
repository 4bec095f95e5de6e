#include "pipeline/jobs/job_runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "common/clean_text.hpp"
#include "pipeline/jobs/job_recorder.hpp"
#include "storage/job_store.hpp"

namespace lbdeploy::jobs {

rollout::RolloutOutcome run_job(const config::Config& config, storage::Database& db, const storage::Job& job,
                                rollout::Repositories& repositories, rollout::Reporter* echo) {
    rollout::RolloutOutcome outcome;
    try {
        const auto* pair = config.find_pair(job.pair);
        if (!pair) throw std::runtime_error(fmt::format("pair \"{}\" is no longer configured", job.pair));
        const char* kill_at = std::getenv("LBDEPLOY_KILL_AT");  // fault tests only (job_recorder.hpp)
        JobRecorder recorder(db, job, static_cast<std::size_t>(config.server.max_log_lines_per_job), echo,
                             kill_at ? kill_at : "");
        outcome = rollout::Rollout(config, *pair, repositories, recorder).run({job.id, job.commit, job.dry_run});
        recorder.finish();
    } catch (const std::exception& e) {
        outcome.state = storage::JobState::failed;
        outcome.error = fmt::format("internal error: {}", e.what());
    }
    storage::JobStore(db).finish(job.id, outcome.state, common::to_display_text(outcome.error));
    return outcome;
}

std::vector<storage::JobId> queue_recovery_jobs(const config::Config& config, storage::Database& db,
                                                const std::vector<storage::JobId>& interrupted) {
    storage::JobStore jobs(db);
    std::vector<storage::JobId> queued;
    for (auto id : interrupted) {
        auto job = jobs.find(id);
        if (!job || job->dry_run || !config.find_pair(job->pair)) continue;
        storage::JobFilter queued_deploys;
        queued_deploys.pair = job->pair;
        queued_deploys.state = storage::JobState::queued;
        auto waiting = jobs.list(queued_deploys);
        bool pair_has_queued = std::any_of(waiting.begin(), waiting.end(), [](const auto& w) { return !w.dry_run; });
        if (pair_has_queued) continue;  // that job's pre-check recovers the nodes (a dry run would not)
        auto again = jobs.enqueue({job->pair, job->repository, job->commit, job->ref, storage::Trigger::rerun,
                                   "lbdeploy (recovery)", false, job->id, std::nullopt});
        if (again.created) queued.push_back(again.job_id);
    }
    return queued;
}

}  // namespace lbdeploy::jobs
