#include "storage/node_state_store.hpp"

namespace lbdeploy::storage {

void NodeStateStore::record_deployed(const std::string& pair, const std::string& node, const std::string& commit,
                                     JobId job) {
    auto upsert = db_.prepare(
        "INSERT INTO node_state (pair, node, deployed_commit, deployed_job, deployed_at) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT (pair, node) DO UPDATE SET deployed_commit = excluded.deployed_commit, "
        "deployed_job = excluded.deployed_job, deployed_at = excluded.deployed_at");
    upsert.bind_all(pair, node, commit, job, now_ms()).run();
}

void NodeStateStore::record_vip(const std::string& pair, const std::string& node, bool holds_vip) {
    auto upsert = db_.prepare(
        "INSERT INTO node_state (pair, node, holds_vip, seen_at) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (pair, node) DO UPDATE SET holds_vip = excluded.holds_vip, seen_at = excluded.seen_at");
    upsert.bind_all(pair, node, holds_vip, now_ms()).run();
}

std::vector<NodeState> NodeStateStore::list(const std::string& pair) {
    auto query = db_.prepare(
        "SELECT pair, node, deployed_commit, deployed_job, deployed_at, holds_vip, seen_at FROM node_state "
        "WHERE pair = ?1 ORDER BY node");
    query.bind_all(pair);
    std::vector<NodeState> states;
    while (query.step()) {
        auto vip = query.optional_int64(5);
        states.push_back({query.text(0), query.text(1), query.text(2), query.optional_int64(3),
                          query.optional_int64(4), vip ? std::optional<bool>(*vip != 0) : std::nullopt,
                          query.optional_int64(6)});
    }
    return states;
}

}  // namespace lbdeploy::storage
