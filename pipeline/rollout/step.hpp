#pragma once
// Recorded steps and logged remote commands: the building blocks of a rollout.
//
// The error rule at this level: a step's body returns a StepResult; an
// SshError, GitError or any other exception thrown inside it is caught by
// run_step() and becomes the step's failure. Nothing escapes a step except a
// storage::StorageError (the job store itself is gone).

#include <chrono>
#include <functional>
#include <string>

#include "pipeline/rollout/reporter.hpp"
#include "pipeline/transport/ssh_session.hpp"

namespace lbdeploy::rollout {

struct StepResult {
    storage::StepState state = storage::StepState::succeeded;
    std::string message;
    // The rollout may go on: the step succeeded or had nothing to do.
    bool passed() const { return state == storage::StepState::succeeded || state == storage::StepState::skipped; }

    static StepResult success(std::string message = {}) { return {storage::StepState::succeeded, std::move(message)}; }
    static StepResult skipped(std::string message) { return {storage::StepState::skipped, std::move(message)}; }
    static StepResult failure(std::string message) { return {storage::StepState::failed, std::move(message)}; }
};

// Begins a step row, runs `body`, ends the row with its outcome; failures are
// also logged as an "error" line so the log alone tells the story.
StepResult run_step(Reporter& reporter, const std::string& node, StepName step,
                    const std::function<StepResult()>& body);

// Runs a configured command on a node, logging "$ command" and every output
// line (stdout/stderr) under `node` as it arrives.
transport::CommandResult run_logged(transport::SshSession& session, Reporter& reporter, const std::string& node,
                         const std::string& command, std::optional<transport::Duration> timeout = {});

// Describes a failed command: exit status (or timeout), its first error-looking
// and its last stderr line; stdout's when stderr is empty.
std::string describe_failure(const std::string& command, const transport::CommandResult& result);

// Time spent waiting for things lbdeploy cannot speed up, by kind, to tell
// them apart from lbdeploy's own overhead.
struct WaitTimes {
    std::chrono::milliseconds vrrp{0};     // VIP moves
    std::chrono::milliseconds reloads{0};  // reload commands until verified
    std::chrono::milliseconds checks{0};   // node and service checks
    std::chrono::milliseconds validate{0}; // validate commands on the nodes
    std::chrono::milliseconds total() const { return vrrp + reloads + checks + validate; }
};

// Adds the time until it goes out of scope to one of the WaitTimes.
class WaitTimer {
public:
    explicit WaitTimer(std::chrono::milliseconds& sink) : sink_(sink), start_(std::chrono::steady_clock::now()) {}
    ~WaitTimer() {
        sink_ += std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_);
    }
    WaitTimer(const WaitTimer&) = delete;
    WaitTimer& operator=(const WaitTimer&) = delete;

private:
    std::chrono::milliseconds& sink_;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace lbdeploy::rollout
