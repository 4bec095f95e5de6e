#include "pipeline/jobs/deployment_notifier.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

#include "storage/job_store.hpp"
#include "storage/schema.hpp"

namespace lbdeploy::jobs {

namespace {

void report(const storage::Job& job, const std::string& status, const std::string& why) {
    std::cerr << fmt::format("lbdeploy: GitLab deployment {} for job {} not recorded: {}\n", status, job.id, why);
}

// The "id" of GitLab's deployment object, if its reply has one.
std::optional<std::int64_t> deployment_id(const std::string& body) {
    auto reply = nlohmann::json::parse(body, nullptr, false);
    if (!reply.is_object() || !reply.contains("id") || !reply["id"].is_number_integer()) return std::nullopt;
    return reply["id"].get<std::int64_t>();
}

}  // namespace

std::string environment_name(const std::string& pair) { return "lb/" + pair; }

DeploymentRef deployment_ref(const std::string& job_ref, const std::string& branch) {
    if (job_ref.empty()) return {branch, false};
    if (job_ref.starts_with("refs/heads/")) return {job_ref.substr(11), false};
    if (job_ref.starts_with("refs/tags/")) return {job_ref.substr(10), true};
    return {job_ref, false};
}

DeploymentNotifier::DeploymentNotifier(const config::Config& config, std::filesystem::path store)
    : config_(config), api_(config.gitlab), store_path_(std::move(store)) {
    if (!enabled()) return;
    sender_.emplace("GitLab deployment", [this](const storage::Job& job) { send(job); });
    // A connection of this thread for this one query: the sender's is its own.
    auto db = storage::open_store(store_path_);
    storage::JobStore jobs(db);
    for (auto id : storage::GitlabDeploymentStore(db).left_running()) {
        if (auto job = jobs.find(id)) sender_->push(*job);
    }
}

void DeploymentNotifier::notify(const storage::Job& job) {
    if (sender_ && !job.dry_run && job.state != storage::JobState::queued) sender_->push(job);
}

storage::Database& DeploymentNotifier::store() {
    if (!db_) db_.emplace(storage::open_store(store_path_));
    return *db_;
}

void DeploymentNotifier::send(const storage::Job& job) {
    auto status = gitlab_state(job.state);
    storage::GitlabDeploymentStore deployments(store());
    auto known = deployments.find(job.id);
    // Never back to running, never from one final status to another.
    if (known && (known->status != "running" || status == "running")) return;
    if (!known) {
        if (job.started_at) create(deployments, job, status);  // a job that never ran deployed nothing
        return;
    }
    auto project = api_.project_url(config_, job.repository);
    if (project.empty()) return;
    auto result = api_.request("PUT", fmt::format("{}/deployments/{}", project, known->id), "status=" + status);
    if (!result.responded || result.status >= 300) return report(job, status, failure_of(result));
    deployments.set_status(job.id, status);
}

// Also for a job whose `running` GitLab never got: then it is created in its
// final status, so the environment still shows what was deployed.
void DeploymentNotifier::create(storage::GitlabDeploymentStore& deployments, const storage::Job& job,
                                const std::string& status) {
    auto project = api_.project_url(config_, job.repository);
    if (project.empty()) return;
    auto ref = deployment_ref(job.ref, config_.find_repository(job.repository)->branch);
    auto form = fmt::format("environment={}&sha={}&ref={}&tag={}&status={}", url_encode(environment_name(job.pair)),
                            job.commit, url_encode(ref.ref), ref.tag ? "true" : "false", status);
    auto result = api_.request("POST", project + "/deployments", form);
    if (!result.responded || result.status >= 300) return report(job, status, failure_of(result));
    auto id = deployment_id(result.body);
    if (!id) return report(job, status, fmt::format("no deployment id in GitLab's reply: {:.200}", result.body));
    deployments.record(job.id, {*id, status});
}

}  // namespace lbdeploy::jobs
