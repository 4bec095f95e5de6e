#pragma once
// Planning a rollout (docs/design.md §3, step 1), a pure function: from the files of
// the pair's repository at the job's commit and of its dependency
// repositories, the set of files each node must end up with.

#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "pipeline/transport/git_mirror.hpp"

namespace lbdeploy::rollout {

// Files read from one repository at one commit, below `base`.
struct SourceFiles {
    std::string repository;
    std::string commit;
    std::string base;  // the pair's root, or the dependency's path
    std::vector<transport::TreeFile> files;  // paths relative to base
};

struct PairSource {
    SourceFiles pair;
    std::vector<SourceFiles> dependencies;  // in the order of Pair::dependencies
};

struct DesiredFile {
    std::string dest;
    std::string content;
    std::string sha256;
    std::optional<unsigned> mode;  // unset: keep the node's, 0644 (0755 if executable in git) for new files
    std::string owner;             // empty: keep the node's
    std::string group;
    bool executable = false;
    std::string source;            // "repository:path@commit", for people
    std::vector<std::string> services;  // validated and reloaded when this file changes
};

struct NodePlan {
    config::Node node;
    std::vector<DesiredFile> files;  // ordered by dest
};

struct Plan {
    std::vector<NodePlan> nodes;  // in the pair's node order
    std::vector<std::string> errors;  // non-empty: the plan must not be deployed
    bool ok() const { return errors.empty(); }
};

Plan build_plan(const config::Pair& pair, const PairSource& source);

}  // namespace lbdeploy::rollout
