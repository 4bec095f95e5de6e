#pragma once
// Which way a commit moves a pair (DESIGN §4, "Revisions"): the rule that
// keeps a late or forged webhook from taking a pair back to an older commit,
// and that makes an older commit through the API or the CLI an explicit
// rollback. Each node is compared with what node_state says it runs; a node
// that never got a commit, or runs one the mirror does not hold, is ahead of
// nothing, so the rule never stops a first deploy.

#include <string>
#include <vector>

#include "config/config.hpp"
#include "pipeline/transport/git_mirror.hpp"
#include "storage/sqlite.hpp"

namespace lbdeploy::jobs {

// What each configured node of `pair` last deployed, in configuration order;
// "" for a node that never got a commit.
std::vector<std::string> deployed_commits(storage::Database& db, const config::Pair& pair);

// The one commit every node runs, or "" when they differ or one never got any.
std::string common_commit(const std::vector<std::string>& deployed);

// Every node runs `commit` or a descendant of it: deploying `commit` would
// move no node forward (a webhook naming it is stale).
bool runs_descendant_of(const transport::Mirror& mirror, const std::vector<std::string>& deployed,
                        const std::string& commit);

// Some node runs a descendant of `commit` other than `commit` itself:
// deploying it takes that node back, which only an explicit rollback may do.
bool takes_back(const transport::Mirror& mirror, const std::vector<std::string>& deployed, const std::string& commit);

// For people, when a rollback was not asked for: "0123456789ab would take dmz
// back to an older commit (it runs: lb1 at …, lb2 at …)"; each edge adds how
// to ask for one.
std::string describe_rollback(const config::Pair& pair, const std::string& commit,
                              const std::vector<std::string>& deployed);

}  // namespace lbdeploy::jobs
