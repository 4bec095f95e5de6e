#pragma once
// The pre-flight validation of one node (docs/design.md §3, "Pre-flight"):
// each affected service's `validate` runs against the staged files while the
// live ones stay as they are, inside a private mount namespace (`unshare
// --mount`) that shows every staged file at its destination: a changed file
// bind-mounted (read-only) over its target, a directory that gets new files
// overlaid (in the namespace only) with an upper layer holding them. So
// `haproxy -c -f /etc/haproxy/haproxy.cfg` reads the new haproxy.cfg, the new
// Lua files and everything else the change brings, at their real paths.

#include <string>
#include <vector>

#include "pipeline/rollout/node_link.hpp"
#include "pipeline/rollout/remote_files.hpp"
#include "pipeline/rollout/reporter.hpp"
#include "pipeline/rollout/step.hpp"

namespace lbdeploy::rollout {

struct StagedValidation {
    StepResult result;
    // false: the node cannot make the namespace (no unshare, no privilege, a
    // mount refused); nothing was validated and `result` says why.
    bool in_namespace = false;
};

// Runs the `validate` of each service (stopping at the first that fails)
// against `staged`.
StagedValidation validate_staged(const NodeLink& link, const std::vector<const config::Service*>& services,
                                 const std::vector<StagedFile>& staged, Reporter& reporter, WaitTimes& waits);

// The shell command that runs `command` in that namespace (for the tests).
std::string in_staged_view(const std::string& command, const std::vector<StagedFile>& staged);

}  // namespace lbdeploy::rollout
