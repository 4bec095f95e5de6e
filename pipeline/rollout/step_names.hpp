#pragma once
// The one table of rollout step names and node roles. The C++ code names
// steps by StepName only; the job store, the API (`GET /api/v1/steps`) and
// the web UI read the names and the procedure's stages from here, so a step
// renamed or added here is renamed or added everywhere.

#include <optional>
#include <string_view>
#include <vector>

namespace lbdeploy::rollout {

enum class StepName {
    plan, connect, recover, pre_check, vip,                          // both nodes; recover only after a crash
    compare, pre_flight,                                             // each node, before anything is touched
    backup, install, validate, reload, post_check, restore,          // on one node; validate only without pre-flight
    failover, give_back_vip, final_check,                            // the VIP and the pair
    diff,                                                            // a dry run's per-node diff
};

// As recorded: "pre-check", "give back VIP", ...
std::string_view name_of(StepName step);

// The node's part in this rollout, decided by who holds the VIP at the pre-check.
enum class NodeRole { master, backup };
std::string_view name_of(NodeRole role);  // "master" | "backup"

enum class StepScope { pair, node };

struct StageStep {
    StepName step;
    StepScope scope;
    std::string_view label;      // how the UI labels its box
    bool only_when_run = false;  // drawn only when it ran (restore)
};

// One stage of the procedure as people see it: pre-check, pre-flight, the
// BACKUP node, failover, the MASTER node, VIP back, final check. A stage with a role holds
// the steps run on the node that has that role; a node step in a stage
// without a role runs on every node.
struct Stage {
    std::string_view title;
    std::optional<NodeRole> role;
    std::vector<StageStep> steps;
};

const std::vector<Stage>& procedure_stages();

}  // namespace lbdeploy::rollout
