#include "pipeline/jobs/lease_keeper.hpp"

#include <chrono>

#include "storage/job_store.hpp"
#include "storage/sqlite.hpp"

namespace lbdeploy::jobs {

LeaseKeeper::LeaseKeeper(std::filesystem::path store, storage::JobId job)
    : store_(std::move(store)), job_(job), thread_([this] { renew_until_stopped(); }) {}

LeaseKeeper::~LeaseKeeper() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void LeaseKeeper::renew_until_stopped() {
    std::optional<storage::Database> db;
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(storage::job_lease_renewal_ms), [this] { return stopping_; })) {
        lock.unlock();
        try {
            if (!db) db.emplace(storage::Database::open(store_));
            storage::JobStore(*db).renew_lease(job_);
        } catch (const std::exception&) {
            db.reset();  // a store that failed once is opened afresh at the next tick
        }
        lock.lock();
    }
}

}  // namespace lbdeploy::jobs
