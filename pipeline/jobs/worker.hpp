#pragma once
// The worker: threads that claim queued jobs and run their rollouts (one
// running job per pair, pairs in parallel up to max_parallel_pairs), and one
// planner thread that works out webhook deliveries into jobs. Each thread
// opens its own connection to the job store; libssh and libgit2 run only here.
//
// Thread safety: every public member may be called from any thread.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "common/event_log.hpp"
#include "config/config.hpp"
#include "pipeline/jobs/delivery_planner.hpp"
#include "pipeline/rollout/pair_source.hpp"
#include "storage/job.hpp"
#include "storage/sqlite.hpp"

namespace lbdeploy::jobs {

class Worker {
public:
    // Called (from a worker thread) when a job was queued, superseded, started
    // or finished, e.g. to queue a GitLab commit status. Must not block or throw.
    using JobListener = std::function<void(const storage::Job&)>;

    // `log` (may be null) gets job.started, job.finished, delivery.planned and
    // delivery.failed events, and worker.storage_error when a thread's store
    // fails (the thread backs off and tries again; the service goes on).
    Worker(const config::Config& config, std::filesystem::path store, JobListener listener = {},
           common::EventLog* log = nullptr);
    // Cancels what runs and waits for every thread. Never throws.
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    // Starts the threads; deliveries left unplanned by a previous run are planned first.
    void start();
    // A delivery was recorded: plan it on the planner thread.
    void submit_delivery(std::int64_t delivery_id);
    // A job was queued (by the API): claim it without waiting for the next poll.
    void wake();
    // Stops claiming and planning, asks the running jobs to cancel at their
    // next safe point and waits up to `grace` for them. Returns the jobs still
    // running then. Their threads still use the Worker and what it was given:
    // the caller must then end the process without destroying them (the jobs
    // become `interrupted` at the next start, and their pairs are recovered).
    std::vector<storage::JobId> stop(std::chrono::milliseconds grace);

private:
    // Thread bodies: each retries its loop after a storage fault.
    void run_jobs();
    void run_planner();
    void serve_jobs(std::unique_lock<std::mutex>& lock);
    void plan_deliveries(std::unique_lock<std::mutex>& lock);
    // Marks the Worker stopping and cancels the running jobs; returns them.
    std::set<storage::JobId> request_stop();
    void report(std::string_view event, const std::string& error) noexcept;
    void run_one(storage::Database& db, const storage::Job& job);
    // Plans every delivery of a burst, with one fetch per repository.
    void plan_batch(storage::Database& db, const std::vector<std::int64_t>& batch);
    void reap_dead_jobs(storage::Database& db);
    // Tells the listener about the jobs a plan queued or superseded; wakes the job threads.
    void announce(storage::Database& db, const DeliveryPlan& plan);

    const config::Config& config_;
    std::filesystem::path store_;
    JobListener listener_;
    common::EventLog* log_;
    std::mutex mutex_;
    std::condition_variable jobs_changed_;
    std::condition_variable deliveries_changed_;
    std::deque<std::int64_t> deliveries_;
    std::set<storage::JobId> running_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace lbdeploy::jobs
