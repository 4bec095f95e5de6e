#pragma once
// A Reporter that writes every step and log line of one job to the job store
// at once (readers follow the job live), and passes them on to an optional
// second reporter, such as the CLI's console. The stored log is bounded
// (output_cap.hpp); the echo gets every line.
// Throws storage::StorageError when the database fails.

#include <map>

#include "pipeline/jobs/output_cap.hpp"
#include "pipeline/rollout/reporter.hpp"
#include "storage/job_store.hpp"
#include "storage/log_store.hpp"
#include "storage/node_state_store.hpp"
#include "storage/recovery_store.hpp"
#include "storage/step_store.hpp"

namespace lbdeploy::jobs {

class JobRecorder : public rollout::Reporter {
public:
    // `kill_at` ("NODE:STEP", ":STEP" for a pair-wide step; empty = never) is
    // the fault tests' way to die like an OOM kill: SIGKILL of this process
    // the moment that step has been recorded as started.
    // `max_output_lines`: server.max_log_lines_per_job.
    JobRecorder(storage::Database& db, const storage::Job& job, std::size_t max_output_lines,
                rollout::Reporter* echo = nullptr, std::string kill_at = {});

    rollout::StepId begin_step(const std::string& node, rollout::StepName name) override;
    void end_step(rollout::StepId step, storage::StepState state, const std::string& message) override;
    void log(const std::string& node, std::string_view stream, std::string_view text) override;
    void node_deployed(const std::string& node, const std::string& commit) override;
    void vip_seen(const std::string& node, bool holds_vip) override;
    void roles_found(const std::string& master, const std::string& backup) override;
    bool cancel_requested() override;
    void needs_recovery(const std::string& node, const std::string& reason, const std::string& commit) override;
    void pair_consistent() override;
    // Once the rollout is over: a last line with the count of output lines
    // not stored, if there were any.
    void finish();

private:
    struct RunningStep {
        std::string node;
        std::string name;
        std::string role;
    };
    void log_step(rollout::StepId step, const RunningStep& running, storage::StepState state,
                  const std::string& message);
    void store(storage::NewLogLine line);

    storage::JobId job_;
    std::string pair_;
    storage::NodeStateStore nodes_;
    storage::JobStore jobs_;
    storage::RecoveryStore recoveries_;
    storage::StepStore steps_;
    storage::LogStore logs_;
    OutputCap cap_;
    rollout::Reporter* echo_;
    std::map<rollout::StepId, rollout::StepId> echo_steps_;  // stored step id -> the echo's id
    std::map<rollout::StepId, RunningStep> running_;
    std::map<std::string, std::string> roles_;
    std::string kill_at_;  // node -> "master" | "backup", once the VIP holder is known
};

}  // namespace lbdeploy::jobs
