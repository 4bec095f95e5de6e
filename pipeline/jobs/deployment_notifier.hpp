#pragma once
// GitLab deployments for jobs (DESIGN §4, "GitLab deployments"): each pair is
// the environment "lb/<pair>"; each job that deploys (not a dry run) and
// starts running gets a deployment of its commit there, `running`, then
// `success`, `failed` (an interrupted job too) or `canceled`. A job that
// never ran gets none. The deployment's id and the status last sent are kept
// in the job store (storage::GitlabDeploymentStore), so a deployment is never
// sent back to an earlier status and a restart ends the deployments its
// interrupted jobs left `running`.
//
// notify() only queues; a JobEventSender sends. Refused requests (404 for a
// deployment GitLab no longer has, 409 for a status race) go to stderr: a
// deployment GitLab did not record must not fail or delay a rollout.
// Thread safety: notify() may be called from any thread.

#include <filesystem>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "pipeline/jobs/gitlab_api.hpp"
#include "pipeline/jobs/job_event_sender.hpp"
#include "storage/gitlab_deployment_store.hpp"
#include "storage/job.hpp"
#include "storage/sqlite.hpp"

namespace lbdeploy::jobs {

class DeploymentNotifier {
public:
    // Disabled when gitlab.api_url is empty. Throws std::runtime_error when
    // the API token file cannot be read, StorageError when the store cannot
    // be read. Queues the final status of the jobs whose deployments a
    // previous run left `running` (it was stopped, or died, during them).
    DeploymentNotifier(const config::Config& config, std::filesystem::path store);

    bool enabled() const { return api_.enabled(); }
    void notify(const storage::Job& job);

private:
    void send(const storage::Job& job);
    // Creates the job's deployment with `status`; records its id.
    void create(storage::GitlabDeploymentStore& deployments, const storage::Job& job, const std::string& status);
    storage::Database& store();  // the sender thread's own connection

    const config::Config& config_;
    GitlabApi api_;
    std::filesystem::path store_path_;
    std::optional<storage::Database> db_;  // opened and used by the sender thread only
    std::optional<JobEventSender> sender_;  // last: its thread stops before the members it uses go
};

// The GitLab environment of a pair: "lb/<pair>".
std::string environment_name(const std::string& pair);

// What GitLab's `ref` and `tag` are for a job: its ref without "refs/heads/"
// (a tag's name, tag=true, for "refs/tags/..."), or `branch` when it has none.
struct DeploymentRef {
    std::string ref;
    bool tag = false;
};
DeploymentRef deployment_ref(const std::string& job_ref, const std::string& branch);

}  // namespace lbdeploy::jobs
