#include "pipeline/jobs/commit_status.hpp"

#include <fmt/format.h>

#include <cctype>
#include <iostream>
#include <stdexcept>

#include "config/secret_file.hpp"
#include "config/values.hpp"
#include "pipeline/transport/http_client.hpp"

namespace lbdeploy::jobs {

namespace {

std::string url_encode(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
            out += c;
        } else {
            out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
        }
    }
    return out;
}

std::string describe(const storage::Job& job) {
    switch (job.state) {
    case storage::JobState::queued: return "queued";
    case storage::JobState::running: return "deploying";
    case storage::JobState::succeeded: return "deployed to both nodes";
    case storage::JobState::superseded: return "superseded by a newer commit";
    case storage::JobState::interrupted: return "interrupted: lbdeploy stopped during the rollout";
    default: return job.error.substr(0, 200);
    }
}

}  // namespace

std::string gitlab_state(storage::JobState state) {
    switch (state) {
    case storage::JobState::queued: return "pending";
    case storage::JobState::running: return "running";
    case storage::JobState::succeeded: return "success";
    case storage::JobState::failed:
    case storage::JobState::interrupted: return "failed";
    case storage::JobState::cancelled:
    case storage::JobState::superseded: return "canceled";
    }
    return "failed";
}

CommitStatusNotifier::CommitStatusNotifier(const config::Config& config, std::string public_url)
    : config_(config), api_url_(config.gitlab.api_url), public_url_(std::move(public_url)) {
    if (api_url_.empty()) return;
    token_ = config::read_secret_lines(config.gitlab.api_token_file).front();
    while (api_url_.ends_with('/')) api_url_.pop_back();
    sender_ = std::thread([this] { run(); });
}

CommitStatusNotifier::~CommitStatusNotifier() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    if (sender_.joinable()) sender_.join();
}

void CommitStatusNotifier::notify(const storage::Job& job) {
    if (!enabled() || job.dry_run) return;
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(job);
    }
    changed_.notify_all();
}

void CommitStatusNotifier::run() {
    auto rank = [](storage::JobState state) {
        return state == storage::JobState::queued ? 0 : state == storage::JobState::running ? 1 : 2;
    };
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
        send(job);
        lock.lock();
    }
}

void CommitStatusNotifier::send(const storage::Job& job) const {
    const auto* repository = config_.find_repository(job.repository);
    if (!repository) return;
    auto url = fmt::format("{}/projects/{}/statuses/{}", api_url_, url_encode(config::repository_path(repository->url)),
                           job.commit);
    auto body = fmt::format("state={}&name={}&target_url={}&description={}", gitlab_state(job.state),
                            url_encode("lbdeploy/" + job.pair), url_encode(fmt::format("{}/jobs/{}", public_url_, job.id)),
                            url_encode(describe(job)));
    auto result = transport::http_request(
        "POST", url, {{"PRIVATE-TOKEN", token_}, {"Content-Type", "application/x-www-form-urlencoded"}}, body,
        std::chrono::seconds(10));
    if (!result.responded || result.status >= 300) {
        std::cerr << fmt::format("lbdeploy: GitLab status {} for job {} not posted: {}\n", gitlab_state(job.state),
                                 job.id,
                                 result.responded ? fmt::format("HTTP {}: {:.200}", result.status, result.body)
                                                  : result.error);
    }
}

}  // namespace lbdeploy::jobs
