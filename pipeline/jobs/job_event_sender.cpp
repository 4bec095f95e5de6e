#include "pipeline/jobs/job_event_sender.hpp"

#include <fmt/format.h>

#include <chrono>
#include <exception>
#include <iostream>

namespace lbdeploy::jobs {

namespace {

int rank(storage::JobState state) {
    return state == storage::JobState::queued ? 0 : state == storage::JobState::running ? 1 : 2;
}

}  // namespace

JobEventSender::JobEventSender(std::string what, Send send)
    : what_(std::move(what)), send_(std::move(send)), sender_([this] { run(); }) {}

JobEventSender::~JobEventSender() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    sender_.join();
}

void JobEventSender::push(const storage::Job& job) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(job);
    }
    changed_.notify_all();
}

void JobEventSender::run() {
    std::unique_lock lock(mutex_);
    auto stop_by = std::chrono::steady_clock::time_point::max();
    for (;;) {
        changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_ && stop_by == std::chrono::steady_clock::time_point::max()) {
            stop_by = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        }
        if (queue_.empty() || std::chrono::steady_clock::now() > stop_by) return;
        auto job = queue_.front();
        queue_.pop_front();
        auto sent = sent_rank_.find(job.id);
        if (sent != sent_rank_.end() && sent->second >= rank(job.state)) continue;
        sent_rank_[job.id] = rank(job.state);
        lock.unlock();
        send_one(job);
        lock.lock();
    }
}

// The sender thread's edge: nothing it sends may end the service.
void JobEventSender::send_one(const storage::Job& job) noexcept {
    try {
        send_(job);
    } catch (const std::exception& e) {
        std::cerr << fmt::format("lbdeploy: {} for job {} not sent: {}\n", what_, job.id, e.what());
    }
}

}  // namespace lbdeploy::jobs
