#pragma once
// Runs one started job: its pair's rollout, recorded step by step, then the
// job's end state. The one way a job runs, for the worker's job threads and
// for `lbdeploy deploy` alike.
//
// Errors: anything thrown by the rollout (a pair no longer configured, a
// storage fault inside a step) ends the job `failed` with "internal error: …";
// only a failure to record that end escapes (storage::StorageError).

#include <vector>

#include "config/config.hpp"
#include "pipeline/rollout/pair_source.hpp"
#include "pipeline/rollout/reporter.hpp"
#include "pipeline/rollout/rollout.hpp"
#include "storage/job.hpp"
#include "storage/sqlite.hpp"

namespace lbdeploy::jobs {

// `echo` (may be null) also gets every step and log line, e.g. a console.
rollout::RolloutOutcome run_job(const config::Config& config, storage::Database& db, const storage::Job& job,
                                rollout::Repositories& repositories, rollout::Reporter* echo = nullptr);

// After a crash: for each interrupted job that changed nodes (not a dry
// run), queues the same commit again as a rerun by "lbdeploy (recovery)"
// unless a deploy of that pair is already queued. Its
// pre-check finds the nodes' journals and recovers them before deploying.
// Returns the queued jobs.
std::vector<storage::JobId> queue_recovery_jobs(const config::Config& config, storage::Database& db,
                                                const std::vector<storage::JobId>& interrupted);

}  // namespace lbdeploy::jobs
