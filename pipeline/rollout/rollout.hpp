#pragma once
// The rollout of one pair (docs/design.md §3): plan, pre-check both nodes,
// pre-flight both nodes (the changed files staged and validated, nothing
// touched), deploy the BACKUP, fail the VIP over, deploy the old MASTER, give
// the VIP back, final check through the VIP. Never both nodes at once; after a
// failure the other node is not touched. Cancellation is honoured at safe
// points only: after the plan, after the pre-check, after the pre-flight and between the two nodes
// (whether or not the VIP has to move for the second one).
//
// run() never throws for a failed step (the outcome says what failed); only a
// storage::StorageError escapes, when the job store itself fails.

#include <chrono>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "pipeline/rollout/node_rollout.hpp"
#include "pipeline/rollout/pair_source.hpp"
#include "pipeline/rollout/reporter.hpp"
#include "pipeline/rollout/step.hpp"
#include "storage/job.hpp"

namespace lbdeploy::rollout {

struct RolloutOutcome {
    storage::JobState state = storage::JobState::failed;  // succeeded | failed | cancelled
    std::string error;                                    // what failed, for the job row
    WaitTimes waits;
    std::chrono::milliseconds elapsed{0};
};

struct RolloutRequest {
    storage::JobId job = 0;
    std::string commit;  // full SHA in the pair's repository
    bool dry_run = false;
    // Whether a node found half-done may be recovered by this job: always
    // under `recovery: auto`, only by a recovery job under `recovery: manual`.
    bool may_recover = true;
};

class Rollout {
public:
    Rollout(const config::Config& config, const config::Pair& pair, Repositories& repositories, Reporter& reporter);

    RolloutOutcome run(const RolloutRequest& request);

private:
    struct State;
    enum class SafePoint { after_plan, after_pre_check, after_pre_flight, between_nodes };

    RolloutOutcome execute(State& state);
    std::optional<RolloutOutcome> stop_if_cancelled(SafePoint where);
    StepResult plan(State& state);
    StepResult connect(State& state);
    StepResult recover(State& state);
    StepResult pre_check(State& state);
    RolloutOutcome show_diffs(State& state, NodeRollout& backup, NodeRollout& master);
    RolloutOutcome deploy_behind_failover(State& state, NodeRollout& master, NodeRollout& backup);
    RolloutOutcome deploy_in_place(State& state, NodeRollout& master, NodeRollout& backup);
    RolloutOutcome master_failed(State& state, const StepResult& failed, NodeRollout& master, NodeRollout& backup);
    RolloutOutcome second_node_failed(State& state, const std::string& failure, NodeRollout& backup);
    RolloutOutcome final_check(State& state);
    NodeRollout node_rollout(State& state, std::size_t index);

    const config::Config& config_;
    const config::Pair& pair_;
    Repositories& repositories_;
    Reporter& reporter_;
};

}  // namespace lbdeploy::rollout
