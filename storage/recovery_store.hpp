#pragma once
// Which pairs need recovery (docs/design.md §3, "Recovery"): a pair is marked
// when a job of it was interrupted, when a job found a node's journal entry it
// could not (or was not allowed to) recover, when a restore failed, or when
// `lbdeploy serve` found an entry at its start; the mark goes once a job has
// read both nodes' journals and found nothing open, or recovered what it
// found. No row: consistent, as far as the nodes' own records tell.
// Throws StorageError on database faults.

#include <optional>
#include <string>
#include <vector>

#include "storage/job.hpp"
#include "storage/sqlite.hpp"

namespace lbdeploy::storage {

struct PairRecovery {
    std::string pair;
    std::string node;    // the node found half-done; empty when not known (an interrupted job)
    std::string reason;  // what was found, for people
    std::string commit;  // what the half-done job was deploying: a recovery job deploys it again
    std::optional<JobId> job;  // the job that left it so, if known
    TimeMs since = 0;
};

class RecoveryStore {
public:
    explicit RecoveryStore(Database& db) : db_(db) {}

    // Marks the pair (a newer reason replaces an older one; `since` is kept).
    void mark(const PairRecovery& recovery);
    void clear(const std::string& pair);
    std::optional<PairRecovery> find(const std::string& pair);
    std::vector<PairRecovery> list();

private:
    Database& db_;
};

}  // namespace lbdeploy::storage
