#pragma once
// Runs the configured checks (HTTP/HTTPS, TCP, remote command) with their
// timeout, retries and interval, logging each attempt with its timing.

#include <string>
#include <vector>

#include "config/config.hpp"
#include "pipeline/rollout/node_link.hpp"
#include "pipeline/rollout/placeholders.hpp"
#include "pipeline/rollout/reporter.hpp"
#include "pipeline/rollout/step.hpp"
#include "pipeline/transport/ssh_session.hpp"

namespace lbdeploy::rollout {

struct CheckContext {
    Reporter& reporter;
    std::string log_node;            // node the log lines belong to; empty = pair-wide
    Placeholders placeholders;
    transport::SshSession* session = nullptr;   // where command checks run; null = they fail
    std::chrono::milliseconds* waited = nullptr;  // time spent is added here
};

// One-line description such as "http https://198.18.0.11:1936/".
std::string describe(const config::Check& check, const Placeholders& placeholders);

// Runs each check in order and stops at the first that fails all its
// attempts. Success: the step result lists what passed.
StepResult run_checks(const std::vector<config::Check>& checks, const CheckContext& context);

// The pair's node checks on `node`, logged under it.
StepResult run_node_checks(const config::Pair& pair, const NodeLink& node, Reporter& reporter, WaitTimes& waits);
// The pair's service checks, through the VIP (command checks on `holder`), logged pair-wide.
StepResult run_service_checks(const config::Pair& pair, const NodeLink& holder, Reporter& reporter,
                              WaitTimes& waits);

}  // namespace lbdeploy::rollout
