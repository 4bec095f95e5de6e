#include "server/json_views.hpp"

#include "config/values.hpp"

namespace lbdeploy::server {

namespace {

template <typename T>
nlohmann::json optional_value(const std::optional<T>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json to_json(const storage::Job& job) {
    return {{"id", job.id},
            {"pair", job.pair},
            {"repository", job.repository},
            {"commit", job.commit},
            {"ref", job.ref},
            {"trigger", storage::to_string(job.trigger)},
            {"requested_by", job.requested_by},
            {"dry_run", job.dry_run},
            {"rollback", job.rollback},
            {"state", storage::to_string(job.state)},
            {"cancel_requested", job.cancel_requested},
            {"created_at", job.created_at},
            {"started_at", optional_value(job.started_at)},
            {"finished_at", optional_value(job.finished_at)},
            {"error", job.error},
            {"rerun_of", optional_value(job.rerun_of)},
            {"superseded_by", optional_value(job.superseded_by)},
            {"delivery_id", optional_value(job.delivery_id)}};
}

nlohmann::json to_json(const storage::Job& job, const config::Config& config) {
    auto json = to_json(job);
    json["commit_url"] = nullptr;
    const auto* repository = config.find_repository(job.repository);
    if (!repository) return json;
    if (auto web_url = config::repository_web_url(repository->url)) json["commit_url"] = *web_url + "/-/commit/" + job.commit;
    return json;
}

nlohmann::json to_json(const storage::Step& step) {
    return {{"id", step.id},
            {"node", step.node},
            {"name", step.name},
            {"role", step.role.empty() ? nlohmann::json(nullptr) : nlohmann::json(step.role)},
            {"state", storage::to_string(step.state)},
            {"started_at", step.started_at},
            {"finished_at", optional_value(step.finished_at)},
            {"message", step.message}};
}

nlohmann::json to_json(const storage::LogLine& line) {
    return {{"seq", line.seq}, {"time", line.time}, {"node", line.node}, {"stream", line.stream}, {"text", line.text}};
}

nlohmann::json to_json(const storage::NodeState& node) {
    return {{"node", node.node},
            {"deployed_commit", node.deployed_commit},
            {"deployed_job", optional_value(node.deployed_job)},
            {"deployed_at", optional_value(node.deployed_at)},
            {"holds_vip", optional_value(node.holds_vip)},
            {"seen_at", optional_value(node.seen_at)}};
}

}  // namespace lbdeploy::server
