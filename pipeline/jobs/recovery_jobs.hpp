#pragma once
// Recovery jobs (trigger `recovery`, docs/design.md §3, "Recovery"): a job
// of a pair whose nodes may be half-done. Like any job, its pre-check reads
// both nodes' journals and recovers what they hold; then it deploys the
// commit the half-done job was deploying, so the pair ends on one commit.
// Under `recovery: manual` only a recovery job may recover; the others fail
// at their `recover` step and the pair stays marked.

#include <string>
#include <vector>

#include "common/event_log.hpp"
#include "common/result.hpp"
#include "config/config.hpp"
#include "storage/job.hpp"
#include "storage/sqlite.hpp"

namespace lbdeploy::jobs {

// After a crash: for each interrupted job that changed nodes (not a dry run)
// of a pair under `recovery: auto`, queues a recovery job of the same commit
// unless a deploy of that pair is already queued (its pre-check recovers the
// nodes). Returns the queued jobs.
std::vector<storage::JobId> queue_recovery_jobs(const config::Config& config, storage::Database& db,
                                                const std::vector<storage::JobId>& interrupted);

// Someone asks for `pair` to be recovered (the API, `lbdeploy recover`): a
// recovery job of the commit the pair's mark names, else of the commit both
// nodes run. The error says why there is none (no such commit known).
common::Result<storage::NewJob> recovery_job(const config::Config& config, storage::Database& db,
                                             const config::Pair& pair, const std::string& requested_by);

// What `lbdeploy serve` does at its start, on a thread of its own: reads the
// journals of every pair that no job is deploying, marks each pair found
// half-done, and under `recovery: auto` queues its recovery job. Opens its
// own connection to `store`. Never throws: what goes wrong is an event.
void recover_half_done_pairs(const config::Config& config, const std::filesystem::path& store,
                             common::EventLog& log);

}  // namespace lbdeploy::jobs
