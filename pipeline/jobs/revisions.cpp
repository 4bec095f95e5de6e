#include "pipeline/jobs/revisions.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "storage/node_state_store.hpp"

namespace lbdeploy::jobs {

std::vector<std::string> deployed_commits(storage::Database& db, const config::Pair& pair) {
    auto states = storage::NodeStateStore(db).list(pair.name);
    std::vector<std::string> commits;
    for (const auto& node : pair.nodes) {
        auto state = std::find_if(states.begin(), states.end(),
                                  [&](const storage::NodeState& candidate) { return candidate.node == node.name; });
        commits.push_back(state == states.end() ? std::string() : state->deployed_commit);
    }
    return commits;
}

std::string common_commit(const std::vector<std::string>& deployed) {
    if (deployed.empty() || std::any_of(deployed.begin(), deployed.end(),
                                        [&](const std::string& commit) { return commit != deployed.front(); })) {
        return {};
    }
    return deployed.front();
}

bool runs_descendant_of(const transport::Mirror& mirror, const std::vector<std::string>& deployed,
                        const std::string& commit) {
    return !deployed.empty() && std::all_of(deployed.begin(), deployed.end(), [&](const std::string& running) {
        return mirror.is_ancestor(commit, running);
    });
}

bool takes_back(const transport::Mirror& mirror, const std::vector<std::string>& deployed, const std::string& commit) {
    return std::any_of(deployed.begin(), deployed.end(), [&](const std::string& running) {
        return running != commit && mirror.is_ancestor(commit, running);
    });
}

std::string describe_rollback(const config::Pair& pair, const std::string& commit,
                              const std::vector<std::string>& deployed) {
    std::string running;
    for (std::size_t i = 0; i < deployed.size() && i < pair.nodes.size(); ++i) {
        running += fmt::format("{}{} at {:.12}", running.empty() ? "" : ", ", pair.nodes[i].name,
                               deployed[i].empty() ? "-" : deployed[i]);
    }
    return fmt::format("{:.12} would take {} back to an older commit (it runs: {})", commit, pair.name, running);
}

}  // namespace lbdeploy::jobs
