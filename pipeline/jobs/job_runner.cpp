#include "pipeline/jobs/job_runner.hpp"

#include <fmt/format.h>

#include "pipeline/jobs/job_recorder.hpp"
#include "storage/job_store.hpp"

namespace lbdeploy::jobs {

rollout::RolloutOutcome run_job(const config::Config& config, storage::Database& db, const storage::Job& job,
                                rollout::Repositories& repositories, rollout::Reporter* echo) {
    rollout::RolloutOutcome outcome;
    try {
        const auto* pair = config.find_pair(job.pair);
        if (!pair) throw std::runtime_error(fmt::format("pair \"{}\" is no longer configured", job.pair));
        JobRecorder recorder(db, job, echo);
        outcome = rollout::Rollout(config, *pair, repositories, recorder).run({job.id, job.commit, job.dry_run});
    } catch (const std::exception& e) {
        outcome.state = storage::JobState::failed;
        outcome.error = fmt::format("internal error: {}", e.what());
    }
    storage::JobStore(db).finish(job.id, outcome.state, outcome.error);
    return outcome;
}

}  // namespace lbdeploy::jobs
