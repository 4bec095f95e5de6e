#include "pipeline/jobs/commit_status.hpp"

#include <fmt/format.h>

#include <iostream>

namespace lbdeploy::jobs {

namespace {

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

CommitStatusNotifier::CommitStatusNotifier(const config::Config& config, std::string public_url)
    : config_(config), api_(config.gitlab), public_url_(std::move(public_url)) {
    if (enabled()) sender_.emplace("GitLab status", [this](const storage::Job& job) { send(job); });
}

void CommitStatusNotifier::notify(const storage::Job& job) {
    if (sender_ && !job.dry_run) sender_->push(job);
}

void CommitStatusNotifier::send(const storage::Job& job) const {
    auto project = api_.project_url(config_, job.repository);
    if (project.empty()) return;
    auto body = fmt::format("state={}&name={}&target_url={}&description={}", gitlab_state(job.state),
                            url_encode("lbdeploy/" + job.pair), url_encode(fmt::format("{}/jobs/{}", public_url_, job.id)),
                            url_encode(describe(job)));
    auto result = api_.request("POST", fmt::format("{}/statuses/{}", project, job.commit), body);
    if (!result.responded || result.status >= 300) {
        std::cerr << fmt::format("lbdeploy: GitLab status {} for job {} not posted: {}\n", gitlab_state(job.state),
                                 job.id, failure_of(result));
    }
}

}  // namespace lbdeploy::jobs
