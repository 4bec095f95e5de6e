#pragma once
// Runs one started job: its pair's rollout, recorded step by step, then the
// job's end state. The one way a job runs, for the worker's job threads and
// for `lbdeploy deploy` alike.
//
// Errors: anything thrown by the rollout (a pair no longer configured, a
// storage fault inside a step) ends the job `failed` with "internal error: …";
// only a failure to record that end escapes (storage::StorageError).

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

}  // namespace lbdeploy::jobs
