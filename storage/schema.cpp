#include "storage/schema.hpp"

#include <fmt/format.h>

#include <array>

namespace lbdeploy::storage {

namespace {

// Append only: a released migration is never edited, a new one is added.
// Times are milliseconds since the Unix epoch, UTC.
constexpr std::array migrations{
    R"sql(
CREATE TABLE deliveries (
    id          INTEGER PRIMARY KEY,
    dedupe_key  TEXT NOT NULL UNIQUE,
    event       TEXT NOT NULL,
    project     TEXT NOT NULL DEFAULT '',
    ref         TEXT NOT NULL DEFAULT '',
    after_sha   TEXT NOT NULL DEFAULT '',
    received_at INTEGER NOT NULL,
    outcome     TEXT NOT NULL DEFAULT 'received',
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE TABLE jobs (
    id               INTEGER PRIMARY KEY,
    pair             TEXT NOT NULL,
    repository       TEXT NOT NULL,
    commit_sha       TEXT NOT NULL,
    ref              TEXT NOT NULL DEFAULT '',
    trigger          TEXT NOT NULL CHECK (trigger IN ('push', 'merge', 'manual', 'rerun')),
    requested_by     TEXT NOT NULL DEFAULT '',
    dry_run          INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0, 1)),
    state            TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed',
                                                    'cancelled', 'superseded', 'interrupted')),
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    started_at       INTEGER,
    finished_at      INTEGER,
    error            TEXT NOT NULL DEFAULT '',
    rerun_of         INTEGER REFERENCES jobs(id),
    superseded_by    INTEGER REFERENCES jobs(id),
    delivery_id      INTEGER REFERENCES deliveries(id)
);
CREATE INDEX jobs_by_pair_state ON jobs (pair, state, id);
CREATE INDEX jobs_by_state ON jobs (state, id);
-- The same pair+commit is never queued twice: at most one live job per key.
CREATE UNIQUE INDEX jobs_live_commit ON jobs (pair, commit_sha, dry_run)
    WHERE state IN ('queued', 'running');
-- One running job per pair, enforced by the database as well as by claim().
CREATE UNIQUE INDEX jobs_one_running_per_pair ON jobs (pair) WHERE state = 'running';
CREATE TABLE steps (
    id          INTEGER PRIMARY KEY,
    job_id      INTEGER NOT NULL REFERENCES jobs(id),
    node        TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('running', 'succeeded', 'failed', 'skipped', 'cancelled')),
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    message     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX steps_by_job ON steps (job_id, id);
CREATE TABLE log_lines (
    job_id  INTEGER NOT NULL REFERENCES jobs(id),
    seq     INTEGER NOT NULL,
    time    INTEGER NOT NULL,
    node    TEXT NOT NULL DEFAULT '',
    stream  TEXT NOT NULL DEFAULT 'info',
    text    TEXT NOT NULL,
    PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
CREATE TABLE node_state (
    pair            TEXT NOT NULL,
    node            TEXT NOT NULL,
    deployed_commit TEXT NOT NULL DEFAULT '',
    deployed_job    INTEGER REFERENCES jobs(id),
    deployed_at     INTEGER,
    holds_vip       INTEGER,
    seen_at         INTEGER,
    PRIMARY KEY (pair, node)
);
)sql",
    // 2: what the planner needs to work a delivery out again after a restart.
    R"sql(
ALTER TABLE deliveries ADD COLUMN repository TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN before_sha TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN requested_by TEXT NOT NULL DEFAULT '';
CREATE INDEX deliveries_by_outcome ON deliveries (outcome);
)sql",
    // 3: the role (master | backup) of the node a step ran on, as the rollout
    // knew it then, so readers need not work it out from messages.
    R"sql(
ALTER TABLE steps ADD COLUMN role TEXT NOT NULL DEFAULT '';
)sql",
    // 4: the process that runs a job ("HOST PID STARTTIME"), so that a job
    // whose process died is found without waiting for a server start.
    R"sql(
ALTER TABLE jobs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
)sql",
    // 5: a job that takes its pair back to an older commit, explicitly asked
    // for (the API's "rollback": true, `lbdeploy deploy --rollback`).
    R"sql(
ALTER TABLE jobs ADD COLUMN rollback INTEGER NOT NULL DEFAULT 0;
)sql",
};

}  // namespace

int current_schema_version() { return static_cast<int>(migrations.size()); }

void migrate(Database& db) {
    for (;;) {
        Transaction transaction(db, Transaction::Mode::immediate);
        int version = 0;
        {
            auto statement = db.prepare("PRAGMA user_version");
            statement.step();
            version = statement.integer(0);
        }
        if (version > current_schema_version()) {
            throw StorageError(0, fmt::format("{} has schema version {}, newer than this lbdeploy understands ({}); "
                                              "run a newer lbdeploy or restore a backup",
                                              db.path().string(), version, current_schema_version()));
        }
        if (version == current_schema_version()) {
            return;  // the transaction rolls back: nothing was written
        }
        db.execute(migrations[static_cast<std::size_t>(version)]);
        db.execute(fmt::format("PRAGMA user_version = {}", version + 1));
        transaction.commit();
    }
}

}  // namespace lbdeploy::storage

namespace lbdeploy::storage {

Database open_store(const std::filesystem::path& path) {
    if (path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path());
    }
    auto db = Database::open(path);
    migrate(db);
    return db;
}

}  // namespace lbdeploy::storage
