#pragma once
// What is deployed where: the commit each node of each pair last received,
// and which node held the VIP when last seen.

#include <vector>

#include "storage/job.hpp"
#include "storage/sqlite.hpp"

namespace lbdeploy::storage {

struct NodeState {
    std::string pair;
    std::string node;
    std::string deployed_commit;  // empty = never deployed by lbdeploy
    std::optional<JobId> deployed_job;
    std::optional<TimeMs> deployed_at;
    std::optional<bool> holds_vip;
    std::optional<TimeMs> seen_at;
};

class NodeStateStore {
public:
    explicit NodeStateStore(Database& db) : db_(db) {}

    void record_deployed(const std::string& pair, const std::string& node, const std::string& commit, JobId job);
    void record_vip(const std::string& pair, const std::string& node, bool holds_vip);
    std::vector<NodeState> list(const std::string& pair);  // ordered by node name

private:
    Database& db_;
};

}  // namespace lbdeploy::storage
