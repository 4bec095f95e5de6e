#pragma once
// A migrated job store in a fresh temp dir, plus a helper to make jobs.

#include "storage/job_store.hpp"
#include "storage/schema.hpp"
#include "support/temp_dir.hpp"

namespace lbdeploy::testing {

struct StoreFixture {
    TempDir dir;
    std::filesystem::path db_path = dir / "lbdeploy.db";
    storage::Database db = storage::open_store(db_path);
    storage::JobStore jobs{db};
};

inline storage::NewJob new_job(const std::string& pair, const std::string& commit, bool dry_run = false) {
    storage::NewJob job;
    job.pair = pair;
    job.repository = "lb-config";
    job.commit = commit;
    job.ref = "main";
    job.trigger = storage::Trigger::push;
    job.requested_by = "alice";
    job.dry_run = dry_run;
    return job;
}

}  // namespace lbdeploy::testing
