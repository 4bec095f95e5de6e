#pragma once
// Prints a rollout's progress for a person at a terminal: each step as it
// starts and ends (node, duration, outcome), every log line under it.

#include <chrono>
#include <map>
#include <ostream>

#include "pipeline/rollout/reporter.hpp"

namespace lbdeploy::cli {

class ConsoleReporter : public rollout::Reporter {
public:
    explicit ConsoleReporter(std::ostream& out);

    rollout::StepId begin_step(const std::string& node, rollout::StepName name) override;
    void end_step(rollout::StepId step, storage::StepState state, const std::string& message) override;
    void log(const std::string& node, std::string_view stream, std::string_view text) override;
    void node_deployed(const std::string& node, const std::string& commit) override;
    void vip_seen(const std::string& node, bool holds_vip) override;
    void roles_found(const std::string& master, const std::string& backup) override;
    bool cancel_requested() override { return false; }

    double seconds_since_start() const;

private:
    struct Running {
        std::string label;
        std::chrono::steady_clock::time_point start;
    };
    std::ostream& out_;
    std::chrono::steady_clock::time_point start_;
    rollout::StepId next_id_ = 1;
    std::map<rollout::StepId, Running> running_;
};

}  // namespace lbdeploy::cli
