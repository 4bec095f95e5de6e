#include "storage/gitlab_deployment_store.hpp"

namespace lbdeploy::storage {

void GitlabDeploymentStore::record(JobId job, const GitlabDeployment& deployment) {
    db_.prepare("INSERT OR REPLACE INTO gitlab_deployments (job_id, deployment_id, status) VALUES (?1, ?2, ?3)")
        .bind_all(job, deployment.id, deployment.status)
        .run();
}

void GitlabDeploymentStore::set_status(JobId job, const std::string& status) {
    db_.prepare("UPDATE gitlab_deployments SET status = ?2 WHERE job_id = ?1").bind_all(job, status).run();
}

std::optional<GitlabDeployment> GitlabDeploymentStore::find(JobId job) {
    auto query = db_.prepare("SELECT deployment_id, status FROM gitlab_deployments WHERE job_id = ?1");
    query.bind_all(job);
    if (!query.step()) return std::nullopt;
    return GitlabDeployment{query.int64(0), query.text(1)};
}

std::vector<JobId> GitlabDeploymentStore::left_running() {
    auto query = db_.prepare(
        "SELECT d.job_id FROM gitlab_deployments d JOIN jobs j ON j.id = d.job_id "
        "WHERE d.status = 'running' AND j.state NOT IN ('queued', 'running') ORDER BY d.job_id");
    std::vector<JobId> found;
    while (query.step()) found.push_back(query.int64(0));
    return found;
}

}  // namespace lbdeploy::storage
