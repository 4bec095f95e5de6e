#pragma once
// Renews a running job's lease (storage::job_lease_ms) every
// storage::job_lease_renewal_ms, on its own thread and its own connection to
// the store, for as long as the object lives. The lease is how a job whose
// owner runs on another host is known to be dead (storage::owner_is_gone):
// a process that dies stops renewing it.
//
// Never throws from the renewing thread or the destructor: a renewal that
// fails is tried again at the next tick (a lease runs for six of them).

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "storage/job.hpp"

namespace lbdeploy::jobs {

class LeaseKeeper {
public:
    LeaseKeeper(std::filesystem::path store, storage::JobId job);
    LeaseKeeper(const LeaseKeeper&) = delete;
    LeaseKeeper& operator=(const LeaseKeeper&) = delete;
    ~LeaseKeeper();

private:
    void renew_until_stopped();

    std::filesystem::path store_;
    storage::JobId job_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;  // last: starts once the rest is ready
};

}  // namespace lbdeploy::jobs
