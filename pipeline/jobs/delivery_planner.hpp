#pragma once
// Works out a recorded webhook delivery after the reply (fetching can take
// seconds; GitLab waits 10 at most): which pairs it affects, from the git
// diff, and one queued job per affected pair.
//
// Push: the diff before..after (a new branch or an unknown `before`, as after
// a force push that rewrote history we never fetched, counts as every path).
// Merge: the head of the target branch after fetching, against what each pair
// last deployed, so a merge whose push hook already queued the same commit
// adds nothing. Errors (GitError, StorageError) propagate to the caller.

#include <string>
#include <vector>

#include "config/config.hpp"
#include "pipeline/rollout/pair_source.hpp"
#include "storage/delivery_store.hpp"
#include "storage/sqlite.hpp"

namespace lbdeploy::jobs {

struct DeliveryPlan {
    std::string outcome;  // queued | ignored
    std::string detail;   // for people: which jobs, or why none
    std::vector<storage::JobId> jobs;  // created now (not those that already existed)
    std::vector<storage::JobId> superseded;  // queued jobs the new ones replaced
};

DeliveryPlan plan_delivery(const config::Config& config, rollout::Repositories& repositories, storage::Database& db,
                           const storage::Delivery& delivery);

}  // namespace lbdeploy::jobs
