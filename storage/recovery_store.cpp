#include "storage/recovery_store.hpp"

namespace lbdeploy::storage {

namespace {

constexpr const char* columns = "pair, node, reason, commit_sha, job_id, since";

PairRecovery read_recovery(const Statement& row) {
    return {row.text(0), row.text(1), row.text(2), row.text(3), row.optional_int64(4), row.int64(5)};
}

}  // namespace

void RecoveryStore::mark(const PairRecovery& recovery) {
    auto upsert = db_.prepare(
        "INSERT INTO pair_recovery (pair, node, reason, commit_sha, job_id, since) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
        "ON CONFLICT (pair) DO UPDATE SET node = excluded.node, reason = excluded.reason, "
        "commit_sha = CASE WHEN excluded.commit_sha = '' THEN commit_sha ELSE excluded.commit_sha END, "
        "job_id = coalesce(excluded.job_id, job_id)");
    upsert.bind_all(recovery.pair, recovery.node, recovery.reason, recovery.commit, recovery.job, now_ms()).run();
}

void RecoveryStore::clear(const std::string& pair) {
    db_.prepare("DELETE FROM pair_recovery WHERE pair = ?1").bind_all(pair).run();
}

std::optional<PairRecovery> RecoveryStore::find(const std::string& pair) {
    auto query = db_.prepare(std::string("SELECT ") + columns + " FROM pair_recovery WHERE pair = ?1");
    query.bind_all(pair);
    return query.step() ? std::optional<PairRecovery>(read_recovery(query)) : std::nullopt;
}

std::vector<PairRecovery> RecoveryStore::list() {
    auto query = db_.prepare(std::string("SELECT ") + columns + " FROM pair_recovery ORDER BY pair");
    std::vector<PairRecovery> found;
    while (query.step()) found.push_back(read_recovery(query));
    return found;
}

}  // namespace lbdeploy::storage
