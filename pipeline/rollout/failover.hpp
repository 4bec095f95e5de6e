#pragma once
// The VIP between the two nodes of a pair (docs/design.md §3, step 4): who holds it,
// moving it away from a node with the pair's `release` command and taking it
// back with `restore`, waiting until the move is visible on the nodes.

#include <optional>

#include "common/result.hpp"
#include "config/config.hpp"
#include "pipeline/rollout/node_link.hpp"
#include "pipeline/rollout/reporter.hpp"
#include "pipeline/rollout/step.hpp"

namespace lbdeploy::rollout {

class Failover {
public:
    Failover(const config::Pair& pair, Reporter& reporter, WaitTimes& waits);

    // Runs `holds_vip` on the node: non-empty output means it holds the VIP.
    // Throws SshError when the command itself fails.
    bool holds_vip(const NodeLink& link) const;

    // Exactly one of the two nodes holds the VIP: its index (0 or 1);
    // otherwise what was seen (split brain, nobody).
    common::Result<std::size_t> find_holder(const NodeLink& first, const NodeLink& second) const;

    // `release` on `from`, then waits until `to` holds the VIP and `from` no
    // longer does. `first` (may be empty) runs in the same command before it
    // and must succeed (the node journal's VIP entry).
    StepResult release(const NodeLink& from, const NodeLink& to, const std::string& first = {}) const;

    // The pair's `restore` command on `node`, then waits until it holds the
    // VIP again (keepalived with preempt). A node that does not take it back
    // within the timeout is reported, not failed: without preempt the VIP
    // rightly stays where it is.
    StepResult give_back(const NodeLink& node, const NodeLink& peer) const;

private:
    // Runs `command` on `run_on`, then waits until `holder` has the VIP and
    // `other` does not: how long that took, nullopt when it did not happen
    // within the timeout, an error when the command failed.
    common::Result<std::optional<long>> move(const std::string& command, const NodeLink& run_on,
                                             const NodeLink& holder, const NodeLink& other,
                                             const std::string& first = {}) const;
    StepResult logged(StepResult result) const;
    std::pair<bool, bool> holds_vip_both(const NodeLink& first, const NodeLink& second) const;
    // Polls both nodes until `holder` holds the VIP and `other` does not.
    bool wait_for_holder(const NodeLink& holder, const NodeLink& other) const;

    const config::Pair& pair_;
    Reporter& reporter_;
    WaitTimes& waits_;
};

}  // namespace lbdeploy::rollout
