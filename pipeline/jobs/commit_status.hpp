#pragma once
// GitLab commit statuses for jobs: one status per pair on the deployed commit
// (name "lbdeploy/<pair>"), pending when queued, running, then success,
// failed or canceled, linking to the job page. Dry runs post nothing.
//
// notify() only queues: one sender thread posts the statuses in the order
// they were queued and never sends a job back to an earlier state (the
// worker may report `running` before the planner reports `pending`).
// Failures go to stderr: a status GitLab did not get must not fail a
// deployment. Thread safety: notify() may be called from any thread.

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "config/config.hpp"
#include "storage/job.hpp"

namespace lbdeploy::jobs {

class CommitStatusNotifier {
public:
    // Disabled when gitlab.api_url is empty. Throws std::runtime_error when
    // the API token file cannot be read.
    CommitStatusNotifier(const config::Config& config, std::string public_url);
    // Sends what is queued (for up to 10 s), then stops.
    ~CommitStatusNotifier();
    CommitStatusNotifier(const CommitStatusNotifier&) = delete;
    CommitStatusNotifier& operator=(const CommitStatusNotifier&) = delete;

    bool enabled() const { return !api_url_.empty(); }
    void notify(const storage::Job& job);

private:
    void run();
    void send(const storage::Job& job) const;

    const config::Config& config_;
    std::string api_url_;
    std::string token_;
    std::string public_url_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<storage::Job> queue_;
    std::map<storage::JobId, int> sent_rank_;  // pending 0, running 1, final 2
    bool stopping_ = false;
    std::thread sender_;
};

// The GitLab state for a job state: pending, running, success, failed, canceled.
std::string gitlab_state(storage::JobState state);

}  // namespace lbdeploy::jobs
