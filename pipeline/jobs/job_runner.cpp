#include "pipeline/jobs/job_runner.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "common/clean_text.hpp"
#include "pipeline/jobs/job_recorder.hpp"
#include "pipeline/jobs/lease_keeper.hpp"
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
        LeaseKeeper lease(db.path(), job.id);
        bool may_recover = pair->recovery == config::Recovery::automatic || job.trigger == storage::Trigger::recovery;
        outcome = rollout::Rollout(config, *pair, repositories, recorder)
                      .run({job.id, job.commit, job.dry_run, may_recover});
        recorder.finish();
    } catch (const std::exception& e) {
        outcome.state = storage::JobState::failed;
        outcome.error = fmt::format("internal error: {}", e.what());
    }
    storage::JobStore(db).finish(job.id, outcome.state, common::to_display_text(outcome.error));
    return outcome;
}

}  // namespace lbdeploy::jobs
