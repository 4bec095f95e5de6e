#pragma once
// Step "recover": a node that a journal entry says was left half-done (the
// deployer died, or lost the node, between install and verification) is
// brought back to the entry's verified "before" state: the files of its
// backup put back and checked by sha256, the entry's services reloaded and
// verified (what runs is not what the disk says), the node checks run, and
// the VIP given back if the job had moved it away. Only then is the entry
// closed. A failure leaves the entry open: the pair still needs recovery.

#include "config/config.hpp"
#include "pipeline/rollout/node_journal.hpp"
#include "pipeline/rollout/node_link.hpp"
#include "pipeline/rollout/reporter.hpp"
#include "pipeline/rollout/step.hpp"

namespace lbdeploy::rollout {

struct RecoveryContext {
    const config::Pair& pair;
    Reporter& reporter;
    WaitTimes& waits;
    transport::Duration reload_timeout;
};

// A node's open entries: its files (NodeJournal::default_path) and its
// released VIP (NodeJournal::vip_path). Either may be absent.
struct NodeEntries {
    std::optional<JournalEntry> files;
    std::optional<JournalEntry> vip;
};

// `peer` is the pair's other node (the VIP's other end). Each entry is closed
// once what it names is undone and verified.
StepResult recover_node(const RecoveryContext& context, const NodeLink& node, const NodeLink& peer,
                        const NodeEntries& entries);

}  // namespace lbdeploy::rollout
