#pragma once
// While alive, SIGINT and SIGTERM do not kill the process: they ask the job
// store to cancel the running job, which the rollout honours at its next safe
// point (never half a node). Construct before any other thread starts, so
// every thread inherits the blocked signals.

#include <csignal>

#include <array>
#include <atomic>
#include <filesystem>
#include <thread>

#include "storage/job.hpp"

namespace lbdeploy::cli {

class CancelOnSignal {
public:
    CancelOnSignal(std::filesystem::path store, storage::JobId job);
    ~CancelOnSignal();
    CancelOnSignal(const CancelOnSignal&) = delete;
    CancelOnSignal& operator=(const CancelOnSignal&) = delete;

private:
    void watch();

    std::filesystem::path store_;
    storage::JobId job_;
    std::array<struct sigaction, 2> previous_{};  // SIGINT, SIGTERM dispositions to put back
    std::atomic<bool> stop_{false};
    std::thread watcher_;
};

}  // namespace lbdeploy::cli
