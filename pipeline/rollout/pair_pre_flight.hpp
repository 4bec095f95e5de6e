#pragma once
// Both nodes' pre-flight at once (the validations are most of it, and they
// wait on the nodes, not on lbdeploy), recorded as one step per node, the
// BACKUP first, once both are done. A failure on either removes what both
// staged: only when both pass is anything touched.

#include "pipeline/rollout/node_rollout.hpp"

namespace lbdeploy::rollout {

// Both nodes compared. Returns the first failure ("NODE: pre-flight: ...").
StepResult pre_flight_pair(Reporter& reporter, WaitTimes& waits, NodeRollout& backup, NodeRollout& master);

}  // namespace lbdeploy::rollout
