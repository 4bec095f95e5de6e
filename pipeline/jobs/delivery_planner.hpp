#pragma once
// Works out a recorded webhook delivery after the reply (fetching can take
// seconds; GitLab waits 10 at most): which pairs it affects, from the git
// diff, and one queued job per affected pair.
//
// Deliveries trigger; the branch decides (DESIGN §4): every job deploys the
// branch head as fetched, never a SHA from the payload, which anyone holding
// the webhook token can write and GitLab may redeliver late.
// Push: `after` must be on the branch (else ignored, "not on branch"); the
// diff before..after (a new branch or an unknown `before`, as after a force
// push that rewrote history we never fetched, counts as every path) names the
// pairs; a pair whose nodes both run `after` or a descendant gets no job
// ("stale"). Merge: the head of the target branch, against what each pair
// last deployed, so a merge whose push hook already queued the same commit
// adds nothing; a pair whose nodes run a descendant of the head is stale.
// Errors (GitError, StorageError) propagate to the caller.

#include <string>
#include <vector>

#include "config/config.hpp"
#include "pipeline/rollout/pair_source.hpp"
#include "storage/delivery_store.hpp"
#include "storage/sqlite.hpp"

namespace lbdeploy::jobs {

struct DeliveryPlan {
    std::string outcome;  // queued | ignored
    std::string reason;   // ignored: "not configured", "not on branch", "no pair changed", "stale"
    std::string detail;   // for people: which jobs, or why none
    std::vector<storage::JobId> jobs;  // created now (not those that already existed)
    std::vector<storage::JobId> superseded;  // queued jobs the new ones replaced
};

DeliveryPlan plan_delivery(const config::Config& config, rollout::Repositories& repositories, storage::Database& db,
                           const storage::Delivery& delivery);

}  // namespace lbdeploy::jobs
