#pragma once
// GitLab commit statuses for jobs: one status per pair on the deployed commit
// (name "lbdeploy/<pair>"), pending when queued, running, then success,
// failed or canceled, linking to the job page. Dry runs post nothing.
//
// notify() only queues; a JobEventSender posts, in order, never sending a job
// back to an earlier state. Failures go to stderr: a status GitLab did not
// get must not fail a deployment. Thread safety: notify() may be called from
// any thread.

#include <optional>
#include <string>

#include "config/config.hpp"
#include "pipeline/jobs/gitlab_api.hpp"
#include "pipeline/jobs/job_event_sender.hpp"
#include "storage/job.hpp"

namespace lbdeploy::jobs {

class CommitStatusNotifier {
public:
    // Disabled when gitlab.api_url is empty. Throws std::runtime_error when
    // the API token file cannot be read.
    CommitStatusNotifier(const config::Config& config, std::string public_url);

    bool enabled() const { return api_.enabled(); }
    void notify(const storage::Job& job);

private:
    void send(const storage::Job& job) const;

    const config::Config& config_;
    GitlabApi api_;
    std::string public_url_;
    std::optional<JobEventSender> sender_;  // last: its thread stops before the members it uses go
};

}  // namespace lbdeploy::jobs
