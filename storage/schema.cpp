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
    // 5: trigger 'recovery' (a CHECK constraint: the table is rebuilt, with
    // foreign keys off and checked before the commit, see migrate()), the
    // owner's lease (renewed while the job runs, so that a job of another
    // host's dead process is found too), and the pairs that need recovery.
    R"sql(
CREATE TABLE jobs_rebuilt (
    id               INTEGER PRIMARY KEY,
    pair             TEXT NOT NULL,
    repository       TEXT NOT NULL,
    commit_sha       TEXT NOT NULL,
    ref              TEXT NOT NULL DEFAULT '',
    trigger          TEXT NOT NULL CHECK (trigger IN ('push', 'merge', 'manual', 'rerun', 'recovery')),
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
    delivery_id      INTEGER REFERENCES deliveries(id),
    owner            TEXT NOT NULL DEFAULT '',
    lease_until      INTEGER
);
INSERT INTO jobs_rebuilt (id, pair, repository, commit_sha, ref, trigger, requested_by, dry_run, state,
                          cancel_requested, created_at, started_at, finished_at, error, rerun_of, superseded_by,
                          delivery_id, owner)
    SELECT id, pair, repository, commit_sha, ref, trigger, requested_by, dry_run, state, cancel_requested,
           created_at, started_at, finished_at, error, rerun_of, superseded_by, delivery_id, owner FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_rebuilt RENAME TO jobs;
CREATE INDEX jobs_by_pair_state ON jobs (pair, state, id);
CREATE INDEX jobs_by_state ON jobs (state, id);
CREATE UNIQUE INDEX jobs_live_commit ON jobs (pair, commit_sha, dry_run)
    WHERE state IN ('queued', 'running');
CREATE UNIQUE INDEX jobs_one_running_per_pair ON jobs (pair) WHERE state = 'running';
CREATE TABLE pair_recovery (
    pair        TEXT PRIMARY KEY,
    node        TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL,
    commit_sha  TEXT NOT NULL DEFAULT '',
    job_id      INTEGER,
    since       INTEGER NOT NULL
);
)sql",
    // 5: a job that takes its pair back to an older commit, explicitly asked
    // for (the API's "rollback": true, `lbdeploy deploy --rollback`).
    R"sql(
ALTER TABLE jobs ADD COLUMN rollback INTEGER NOT NULL DEFAULT 0;
)sql",
    // 6: the GitLab deployment of a job (gitlab.api_url) and the status last
    // sent to it: a restart finds the deployments its interrupted jobs left
    // running and ends them.
    R"sql(
CREATE TABLE gitlab_deployments (
    job_id         INTEGER PRIMARY KEY REFERENCES jobs(id),
    deployment_id  INTEGER NOT NULL,
    status         TEXT NOT NULL
);
)sql",
};

// Foreign keys off while migrations run: a table rebuilt (create, copy,
// drop, rename) would otherwise cascade or fail on the rows that refer to it.
// PRAGMA foreign_keys is a no-op inside a transaction, hence around them.
class ForeignKeysOff {
public:
    explicit ForeignKeysOff(Database& db) : db_(db) { db_.execute("PRAGMA foreign_keys = OFF"); }
    ForeignKeysOff(const ForeignKeysOff&) = delete;
    ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;
    ~ForeignKeysOff() {
        try {
            db_.execute("PRAGMA foreign_keys = ON");
        } catch (const StorageError&) {
            // The connection is failing anyway; its next statement says so.
        }
    }

private:
    Database& db_;
};

// Every reference still resolves after a migration, or it is not committed.
void check_foreign_keys(Database& db, int version) {
    auto violations = db.prepare("PRAGMA foreign_key_check");
    if (violations.step()) {
        throw StorageError(0, fmt::format("{}: migration {} would leave a row of {} referring to nothing",
                                          db.path().string(), version, violations.text(0)));
    }
}

}  // namespace

int current_schema_version() { return static_cast<int>(migrations.size()); }

void migrate(Database& db, int target) {
    ForeignKeysOff foreign_keys_off(db);
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
        if (version >= target) {
            return;  // the transaction rolls back: nothing was written
        }
        db.execute(migrations[static_cast<std::size_t>(version)]);
        check_foreign_keys(db, version + 1);
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
