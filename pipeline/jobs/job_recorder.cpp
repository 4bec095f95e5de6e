#include "pipeline/jobs/job_recorder.hpp"

#include <nlohmann/json.hpp>

#include <csignal>

#include "common/clean_text.hpp"

namespace lbdeploy::jobs {

JobRecorder::JobRecorder(storage::Database& db, const storage::Job& job, std::size_t max_output_lines,
                         rollout::Reporter* echo, std::string kill_at)
    : job_(job.id), pair_(job.pair), nodes_(db), jobs_(db), recoveries_(db), steps_(db), logs_(db), cap_(max_output_lines),
      echo_(echo), kill_at_(std::move(kill_at)) {}

void JobRecorder::store(storage::NewLogLine line) {
    auto lines = cap_.pass(std::move(line));
    if (!lines.empty()) logs_.append(job_, lines);
}

// Each step change is also a log line of stream "step" (JSON), so one ordered,
// gapless sequence carries everything a live viewer needs.
void JobRecorder::log_step(rollout::StepId step, const RunningStep& running, storage::StepState state,
                           const std::string& message) {
    nlohmann::json text{{"step_id", step},
                        {"node", running.node},
                        {"name", running.name},
                        {"role", running.role.empty() ? nlohmann::json(nullptr) : nlohmann::json(running.role)},
                        {"state", storage::to_string(state)},
                        {"message", common::to_display_text(message)}};
    store({running.node, "step", text.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), std::nullopt});
}

rollout::StepId JobRecorder::begin_step(const std::string& node, rollout::StepName name) {
    RunningStep running{node, std::string(rollout::name_of(name)), {}};
    if (auto role = roles_.find(node); role != roles_.end()) running.role = role->second;
    auto id = steps_.begin(job_, running.node, running.name, running.role);
    log_step(id, running, storage::StepState::running, {});
    if (!kill_at_.empty() && kill_at_ == running.node + ":" + running.name) ::raise(SIGKILL);
    running_[id] = std::move(running);
    if (echo_) echo_steps_[id] = echo_->begin_step(node, name);
    return id;
}

// Step messages and log lines carry node output: they enter the store (and
// from there JSON replies) through common::to_display_text, so no byte a node
// sends can make a serialisation throw past the rollout's restore.
void JobRecorder::end_step(rollout::StepId step, storage::StepState state, const std::string& raw_message) {
    auto message = common::to_display_text(raw_message);
    steps_.end(step, state, message);
    if (auto found = running_.find(step); found != running_.end()) {
        log_step(step, found->second, state, message);
        running_.erase(found);
    }
    if (auto echoed = echo_steps_.find(step); echoed != echo_steps_.end()) {
        echo_->end_step(echoed->second, state, message);
        echo_steps_.erase(echoed);
    }
}

void JobRecorder::log(const std::string& node, std::string_view stream, std::string_view raw_text) {
    auto text = common::to_display_text(raw_text);
    store({node, std::string(stream), text, std::nullopt});
    if (echo_) echo_->log(node, stream, text);
}

void JobRecorder::finish() {
    if (auto summary = cap_.summary()) logs_.append(job_, {*summary});
}

void JobRecorder::node_deployed(const std::string& node, const std::string& commit) {
    nodes_.record_deployed(pair_, node, commit, job_);
    if (echo_) echo_->node_deployed(node, commit);
}

void JobRecorder::vip_seen(const std::string& node, bool holds_vip) {
    nodes_.record_vip(pair_, node, holds_vip);
    if (echo_) echo_->vip_seen(node, holds_vip);
}

void JobRecorder::roles_found(const std::string& master, const std::string& backup) {
    roles_[master] = std::string(rollout::name_of(rollout::NodeRole::master));
    roles_[backup] = std::string(rollout::name_of(rollout::NodeRole::backup));
    for (const auto& [node, role] : roles_) steps_.assign_role(job_, node, role);
    if (echo_) echo_->roles_found(master, backup);
}

void JobRecorder::needs_recovery(const std::string& node, const std::string& reason, const std::string& commit) {
    recoveries_.mark({pair_, node, common::to_display_text(reason), commit, job_, 0});
}

void JobRecorder::pair_consistent() {
    recoveries_.clear(pair_);
}

bool JobRecorder::cancel_requested() {
    return jobs_.cancel_requested(job_);
}

}  // namespace lbdeploy::jobs
