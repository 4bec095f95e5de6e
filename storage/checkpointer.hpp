#pragma once
// Runs WAL checkpoints on its own thread and connection, so that a connection
// with wal_autocheckpoint=0 (the HTTP thread's) never pays for one inside a
// request. Without checkpoints the WAL file would grow without bound.

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

namespace lbdeploy::storage {

class Checkpointer {
public:
    Checkpointer(std::filesystem::path store, std::chrono::milliseconds interval);
    ~Checkpointer();  // stops and joins
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

private:
    void run();

    std::filesystem::path store_;
    std::chrono::milliseconds interval_;
    std::mutex mutex_;
    std::condition_variable stop_changed_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace lbdeploy::storage
