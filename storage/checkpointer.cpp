#include "storage/checkpointer.hpp"

#include <iostream>

#include "storage/sqlite.hpp"

namespace lbdeploy::storage {

Checkpointer::Checkpointer(std::filesystem::path store, std::chrono::milliseconds interval)
    : store_(std::move(store)), interval_(interval), thread_([this] { run(); }) {}

Checkpointer::~Checkpointer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stop_changed_.notify_all();
    thread_.join();
}

void Checkpointer::run() {
    try {
        auto db = Database::open(store_);
        std::unique_lock lock(mutex_);
        while (!stop_changed_.wait_for(lock, interval_, [this] { return stopping_; })) {
            lock.unlock();
            // PASSIVE: copies what it can without waiting for readers or writers.
            db.execute("PRAGMA wal_checkpoint(PASSIVE)");
            lock.lock();
        }
    } catch (const std::exception& e) {
        std::cerr << "lbdeploy: WAL checkpoints stopped: " << e.what() << '\n';
    }
}

}  // namespace lbdeploy::storage
