#pragma once
// Reads both nodes' journals of a pair, outside any job: `lbdeploy serve`
// does it at its start, so that a node left half-done by a deployer that
// died (or by another lbdeploy, or before the job store was lost) is found
// without waiting for the next change. Reads only.

#include <string>
#include <vector>

#include "config/config.hpp"
#include "pipeline/rollout/node_journal.hpp"

namespace lbdeploy::rollout {

struct OpenEntry {
    std::string node;
    JournalEntry entry;
    bool vip = false;  // the entry of a released VIP, not of files
};

struct PairJournals {
    std::vector<OpenEntry> open;
    // Nodes that could not be read (unreachable, unreadable journal), with why.
    std::vector<std::pair<std::string, std::string>> unread;
};

// Connects to both nodes at once. Never throws for a node: its failure is in `unread`.
PairJournals scan_journals(const config::SshSettings& ssh, const config::Pair& pair);

}  // namespace lbdeploy::rollout
