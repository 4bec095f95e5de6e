#include "pipeline/jobs/worker.hpp"

#include <fmt/format.h>

#include <map>

#include "common/process_identity.hpp"
#include "pipeline/jobs/delivery_planner.hpp"
#include "pipeline/jobs/job_runner.hpp"
#include "pipeline/jobs/recovery_jobs.hpp"
#include "storage/delivery_store.hpp"
#include "storage/job_store.hpp"
#include "storage/schema.hpp"

namespace lbdeploy::jobs {

namespace {

// A job claimed by another process (a CLI deploy) or queued by the API is
// found at the latest after this.
constexpr auto poll_interval = std::chrono::milliseconds(500);
// How often the planner thread looks for running jobs whose process died
// while this one runs (a killed `lbdeploy deploy`, another host's instance):
// until then their pairs claim nothing.
constexpr auto reap_interval = std::chrono::seconds(5);
// After a storage fault (the disk full, the database locked past its timeout)
// a thread waits before it tries again, doubling up to the cap: the service
// keeps answering and picks up again when the store does.
constexpr auto first_backoff = std::chrono::milliseconds(250);
constexpr auto max_backoff = std::chrono::milliseconds(8000);

std::chrono::milliseconds next_backoff(std::chrono::milliseconds current) {
    return current == std::chrono::milliseconds(0) ? first_backoff : std::min(current * 2, max_backoff);
}

}  // namespace

Worker::Worker(const config::Config& config, std::filesystem::path store, JobListener listener, common::EventLog* log)
    : config_(config), store_(std::move(store)), listener_(std::move(listener)), log_(log) {}

Worker::~Worker() {
    // Never destroys what a job thread still uses: every rollout is asked to
    // stop and is waited for, however long its way to a safe point takes.
    try {
        request_stop();
    } catch (const std::exception& e) {
        report("worker.stop_error", e.what());
    }
    for (auto& thread : threads_) {
        if (thread.joinable()) thread.join();
    }
}

void Worker::report(std::string_view event, const std::string& error) noexcept {
    if (!log_) return;
    try {
        log_->write(event, {{"error", error}});
    } catch (...) {  // nothing is left to tell when the log itself fails
    }
}

void Worker::start() {
    {
        auto db = storage::open_store(store_);
        storage::DeliveryStore deliveries(db);
        // Planned once, never again: a delivery whose planning took the
        // process down would take it down at every start.
        for (auto id : deliveries.fail_abandoned_planning(
                 "planning did not finish: lbdeploy stopped while planning it (see the limits in "
                 "docs/operations.md); it is not planned again. Redeliver it from GitLab or deploy through the API")) {
            if (log_) log_->write("delivery.failed", {{"delivery", std::to_string(id)}, {"outcome", "failed"},
                                                      {"detail", "planning did not finish before lbdeploy stopped"}});
        }
        std::lock_guard lock(mutex_);
        for (const auto& delivery : deliveries.unplanned()) deliveries_.push_back(delivery.id);
    }
    threads_.emplace_back([this] { run_planner(); });
    for (int i = 0; i < config_.server.max_parallel_pairs; ++i) threads_.emplace_back([this] { run_jobs(); });
}

void Worker::submit_delivery(std::int64_t delivery_id) {
    {
        std::lock_guard lock(mutex_);
        deliveries_.push_back(delivery_id);
    }
    deliveries_changed_.notify_one();
}

void Worker::wake() {
    jobs_changed_.notify_all();
}

std::set<storage::JobId> Worker::request_stop() {
    std::set<storage::JobId> running;
    {
        std::lock_guard lock(mutex_);
        if (threads_.empty()) return {};
        stopping_ = true;
        running = running_;
    }
    jobs_changed_.notify_all();
    deliveries_changed_.notify_all();
    if (!running.empty()) {
        auto db = storage::open_store(store_);
        for (auto id : running) storage::JobStore(db).cancel(id);
    }
    return running;
}

std::vector<storage::JobId> Worker::stop(std::chrono::milliseconds grace) {
    try {
        request_stop();
    } catch (const std::exception& e) {
        report("worker.stop_error", e.what());  // the jobs are not cancelled; they run on to their end
    }
    std::unique_lock lock(mutex_);
    jobs_changed_.wait_for(lock, grace, [this] { return running_.empty(); });
    std::vector<storage::JobId> left(running_.begin(), running_.end());
    lock.unlock();
    if (!left.empty()) return left;  // their threads still run: see the header
    for (auto& thread : threads_) {
        if (thread.joinable()) thread.join();
    }
    threads_.clear();
    return left;
}

void Worker::run_jobs() {
    std::chrono::milliseconds backoff{0};
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        try {
            serve_jobs(lock);
            return;
        } catch (const std::exception& e) {
            backoff = next_backoff(backoff);
            report("worker.storage_error", e.what());
        }
        if (!lock.owns_lock()) lock.lock();
        jobs_changed_.wait_for(lock, backoff, [this] { return stopping_; });
    }
}

void Worker::serve_jobs(std::unique_lock<std::mutex>& lock) {
    auto db = storage::open_store(store_);
    storage::JobStore jobs(db);
    const auto owner = common::this_process_identity();
    lock.lock();
    while (!stopping_) {
        lock.unlock();
        auto job = jobs.claim(config_.server.max_parallel_pairs, owner);
        lock.lock();
        if (!job) {
            jobs_changed_.wait_for(lock, poll_interval);
            continue;
        }
        running_.insert(job->id);
        lock.unlock();
        try {
            run_one(db, *job);
        } catch (const std::exception& e) {
            // run_job() records every rollout's end; what escapes it is the
            // store failing under it. The job is then left as the store has
            // it and the owner check of the next start settles it.
            report("worker.job_error", fmt::format("job {}: {}", job->id, e.what()));
        }
        lock.lock();
        running_.erase(job->id);
        jobs_changed_.notify_all();  // a stop() may be waiting; another pair may be claimable
    }
    lock.unlock();
}

void Worker::run_one(storage::Database& db, const storage::Job& job) {
    storage::JobStore jobs(db);
    if (listener_) listener_(job);
    if (log_) {
        log_->write("job.started", {{"job", std::to_string(job.id)}, {"pair", job.pair}, {"commit", job.commit},
                                    {"trigger", std::string(storage::to_string(job.trigger))},
                                    {"dry_run", job.dry_run ? "true" : "false"}});
    }
    rollout::Repositories repositories(config_);
    auto outcome = run_job(config_, db, job, repositories);
    if (log_) {
        log_->write("job.finished", {{"job", std::to_string(job.id)}, {"pair", job.pair},
                                     {"state", std::string(storage::to_string(outcome.state))},
                                     {"duration_ms", std::to_string(outcome.elapsed.count())}, {"error", outcome.error}});
    }
    if (listener_) {
        if (auto finished = jobs.find(job.id)) listener_(*finished);
    }
}

void Worker::run_planner() {
    std::chrono::milliseconds backoff{0};
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        try {
            plan_deliveries(lock);
            return;
        } catch (const std::exception& e) {
            backoff = next_backoff(backoff);
            report("worker.storage_error", e.what());
        }
        if (!lock.owns_lock()) lock.lock();
        deliveries_changed_.wait_for(lock, backoff, [this] { return stopping_; });
    }
}

void Worker::plan_deliveries(std::unique_lock<std::mutex>& lock) {
    auto db = storage::open_store(store_);
    auto next_reap = std::chrono::steady_clock::now() + reap_interval;
    lock.lock();
    while (!stopping_) {
        if (std::chrono::steady_clock::now() >= next_reap) {
            lock.unlock();
            reap_dead_jobs(db);
            lock.lock();
            next_reap = std::chrono::steady_clock::now() + reap_interval;
            continue;
        }
        if (deliveries_.empty()) {
            deliveries_changed_.wait_until(lock, next_reap, [this] { return stopping_ || !deliveries_.empty(); });
            continue;
        }
        // Everything waiting, with one Repositories: a burst of pushes to
        // one repository is fetched once, not once per delivery.
        std::vector<std::int64_t> batch(deliveries_.begin(), deliveries_.end());
        deliveries_.clear();
        lock.unlock();
        try {
            plan_batch(db, batch);
        } catch (...) {
            // Not recorded: the batch waits for the store to come back.
            lock.lock();
            deliveries_.insert(deliveries_.begin(), batch.begin(), batch.end());
            lock.unlock();
            throw;
        }
        lock.lock();
    }
    lock.unlock();
}

// Jobs whose process died become interrupted, and their pairs get recovery
// jobs (recovery_jobs.hpp), as at serve's start.
void Worker::reap_dead_jobs(storage::Database& db) {
    auto interrupted = storage::JobStore(db).recover_interrupted();
    if (interrupted.empty()) return;
    auto queued = queue_recovery_jobs(config_, db, interrupted);
    if (log_) {
        for (auto id : interrupted) log_->write("job.interrupted", {{"job", std::to_string(id)}, {"reason", "its process died"}});
        for (auto id : queued) log_->write("job.recovery_queued", {{"job", std::to_string(id)}});
    }
    std::lock_guard lock(mutex_);
    jobs_changed_.notify_all();
}

void Worker::plan_batch(storage::Database& db, const std::vector<std::int64_t>& batch) {
    rollout::Repositories repositories(config_);
    storage::DeliveryStore deliveries(db);
    // The same push delivered again under another key is planned once.
    std::map<std::string, std::pair<std::int64_t, DeliveryPlan>> planned;
    struct Outcome {
        std::int64_t delivery;
        std::string outcome;
        std::string reason;
        std::string detail;
    };
    std::vector<Outcome> outcomes;
    deliveries.mark_planning(batch);
    for (auto id : batch) {
        auto delivery = deliveries.find(id);
        if (!delivery || delivery->outcome != "planning") continue;
        auto key = fmt::format("{}|{}|{}|{}", delivery->repository, delivery->event, delivery->before, delivery->after);
        if (auto same = planned.find(key); same != planned.end()) {
            const auto& [first, plan] = same->second;
            outcomes.push_back({id, plan.outcome, plan.reason, fmt::format("as delivery {}: {}", first, plan.detail)});
            continue;
        }
        try {
            auto plan = plan_delivery(config_, repositories, db, *delivery);
            announce(db, plan);
            outcomes.push_back({id, plan.outcome, plan.reason, plan.detail});
            planned.emplace(key, std::pair{id, std::move(plan)});
        } catch (const std::exception& e) {
            outcomes.push_back({id, "failed", "", e.what()});
        }
    }
    // One write transaction for the batch: the HTTP thread records deliveries
    // meanwhile, and every lock taken here is a wait there.
    storage::Transaction transaction(db);
    for (const auto& done : outcomes) deliveries.set_outcome(done.delivery, done.outcome, done.detail);
    transaction.commit();
    if (!log_) return;
    for (const auto& done : outcomes) {
        auto id = std::to_string(done.delivery);
        if (done.outcome == "ignored") {
            log_->write("delivery.ignored", {{"delivery", id}, {"reason", done.reason}, {"detail", done.detail}});
            continue;
        }
        log_->write(done.outcome == "failed" ? "delivery.failed" : "delivery.planned",
                    {{"delivery", id}, {"outcome", done.outcome}, {"detail", done.detail}});
    }
}

void Worker::announce(storage::Database& db, const DeliveryPlan& plan) {
    if (plan.jobs.empty()) return;
    if (listener_) {
        storage::JobStore jobs(db);
        for (const auto* ids : {&plan.jobs, &plan.superseded}) {
            for (auto id : *ids) {
                if (auto job = jobs.find(id)) listener_(*job);
            }
        }
    }
    jobs_changed_.notify_all();
}

}  // namespace lbdeploy::jobs
