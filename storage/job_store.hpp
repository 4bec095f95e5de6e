#pragma once
// The deployment queue (docs/design.md §4) on SQLite.
//
// Rules enforced here, each in one IMMEDIATE transaction so that concurrent
// callers (threads or processes, each with its own Database) agree:
//  - enqueue: the same pair+commit+dry_run is never live (queued or running)
//    twice; a new job supersedes older queued jobs of its pair (same dry_run).
//  - claim: the oldest queued job whose pair has nothing running, and only
//    while fewer than `max_running` jobs run in total.
//  - cancel: a queued job at once; a running one by a flag the worker reads at
//    its next safe point.
// Throws StorageError on database faults.

#include <functional>
#include <vector>

#include "storage/job.hpp"
#include "storage/sqlite.hpp"

namespace lbdeploy::storage {

struct EnqueueResult {
    JobId job_id = 0;
    bool created = false;             // false: an identical live job already existed
    std::vector<JobId> superseded;    // queued jobs this one replaced
};

struct JobFilter {
    std::optional<std::string> pair;
    std::optional<JobState> state;
    int limit = 50;
    std::optional<JobId> before;  // paging: only jobs with a smaller id
};

enum class CancelOutcome { cancelled, requested, already_final, not_found };

class JobStore {
public:
    explicit JobStore(Database& db) : db_(db) {}

    EnqueueResult enqueue(const NewJob& job);
    // `owner` names the process that will run the job (common::this_process_identity()).
    std::optional<Job> claim(int max_running, const std::string& owner = {});
    // queued -> running for one given job (a deploy run in-process by the
    // CLI), unless another job of its pair runs. nullopt: not started.
    std::optional<Job> start(JobId id, const std::string& owner = {});
    // running -> succeeded | failed | cancelled. Returns false (and changes
    // nothing) when the job is not running, e.g. already marked interrupted.
    bool finish(JobId id, JobState final_state, const std::string& error = {});
    // Extends a running job's lease (job_lease_ms from now). false: the job is
    // no longer running (finished, or marked interrupted by someone else).
    bool renew_lease(JobId id);
    CancelOutcome cancel(JobId id);
    bool cancel_requested(JobId id);

    std::optional<Job> find(JobId id);
    std::vector<Job> list(const JobFilter& filter);
    int count(JobState state);
    // For /metrics: jobs per state and queued jobs per pair.
    std::vector<std::pair<JobState, std::int64_t>> count_by_state();
    std::vector<std::pair<std::string, std::int64_t>> queued_by_pair();
    // The durations of finished rollouts (dry runs excluded), counted in SQL:
    // /metrics is scraped every few seconds and the jobs are never deleted.
    struct DurationHistogram {
        std::vector<std::int64_t> at_most;  // per bound: how many took at most that long
        std::int64_t count = 0;
        std::int64_t total_ms = 0;
    };
    DurationHistogram duration_histogram(const std::vector<std::int64_t>& bounds_ms);

    // Every running job for which `owner_gone` says its process died becomes
    // `interrupted`, with a log line saying so. Never resumes anything.
    // A job that was not a dry run marks its pair as needing recovery.
    std::vector<JobId> recover_interrupted(const std::function<bool(const Job&)>& owner_gone);
    // The same, by the owner rule of owner_is_gone().
    std::vector<JobId> recover_interrupted();
    // Interrupted jobs (not dry runs) after which no job of their pair has
    // started: their nodes may still be half-done, and nothing has recovered them.
    std::vector<JobId> interrupted_without_successor();

private:
    Database& db_;
};

}  // namespace lbdeploy::storage
