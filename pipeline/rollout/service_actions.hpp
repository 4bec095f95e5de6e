#pragma once
// validate and reload of the services whose files changed on a node. A
// service with a `master_socket` (HAProxy master-worker) is reloaded only when
// the master CLI confirms it; see haproxy_master.hpp.

#include <vector>

#include "pipeline/rollout/node_link.hpp"
#include "pipeline/rollout/remote_files.hpp"
#include "pipeline/rollout/reporter.hpp"
#include "pipeline/rollout/step.hpp"

namespace lbdeploy::rollout {

// The pair's services that own at least one changed file, in config order.
std::vector<const config::Service*> affected_services(const config::Pair& pair,
                                                      const std::vector<FileChange>& changes);

std::string service_names(const std::vector<const config::Service*>& services);

// Runs each service's `validate`; stops at the first that fails.
StepResult validate_services(const NodeLink& link, const std::vector<const config::Service*>& services,
                             Reporter& reporter, WaitTimes& waits);

// Runs each service's `reload` (verifying HAProxy through its master CLI
// within `timeout`); stops at the first that fails.
StepResult reload_services(const NodeLink& link, const std::vector<const config::Service*>& services,
                           Reporter& reporter, WaitTimes& waits, transport::Duration timeout);

}  // namespace lbdeploy::rollout
