#pragma once
// The thread that tells GitLab about jobs (commit statuses, deployments), so
// that a slow or failing GitLab never delays or fails a deployment.
//
// push() only queues: the sender thread hands the jobs to `send` in the
// order they were queued and never sends a job back to an earlier state
// (queued < running < final: the worker may report `running` before the
// planner reports `queued`); a second final state of a job is dropped too.
// An exception from `send` is written to stderr and the thread goes on.
// Thread safety: push() may be called from any thread.

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "storage/job.hpp"

namespace lbdeploy::jobs {

class JobEventSender {
public:
    using Send = std::function<void(const storage::Job&)>;

    // `what` names the sent thing in messages ("GitLab status").
    JobEventSender(std::string what, Send send);
    // Sends what is queued (for up to 10 s), then stops.
    ~JobEventSender();
    JobEventSender(const JobEventSender&) = delete;
    JobEventSender& operator=(const JobEventSender&) = delete;

    void push(const storage::Job& job);

private:
    void run();
    void send_one(const storage::Job& job) noexcept;

    std::string what_;
    Send send_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<storage::Job> queue_;
    std::map<storage::JobId, int> sent_rank_;
    bool stopping_ = false;
    std::thread sender_;  // last: starts once the members it uses exist
};

}  // namespace lbdeploy::jobs
