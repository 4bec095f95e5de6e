#pragma once
// The GitLab deployment each job has (DESIGN §4, "GitLab deployments"): its
// id in GitLab and the status last sent, so a job is never sent back to an
// earlier status, not even across a restart, and a restart can end the
// deployments of jobs that were interrupted. Throws StorageError on
// database faults.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/job.hpp"
#include "storage/sqlite.hpp"

namespace lbdeploy::storage {

struct GitlabDeployment {
    std::int64_t id = 0;  // GitLab's deployment id
    std::string status;   // running, success, failed or canceled
};

class GitlabDeploymentStore {
public:
    explicit GitlabDeploymentStore(Database& db) : db_(db) {}

    // Records the deployment GitLab created for `job` (replacing any earlier one).
    void record(JobId job, const GitlabDeployment& deployment);
    void set_status(JobId job, const std::string& status);
    std::optional<GitlabDeployment> find(JobId job);
    // Jobs that are over while their deployment was last sent `running`.
    std::vector<JobId> left_running();

private:
    Database& db_;
};

}  // namespace lbdeploy::storage
