#include "storage/job_store.hpp"

#include <fmt/format.h>

#include "storage/log_store.hpp"
#include "storage/recovery_store.hpp"

namespace lbdeploy::storage {

namespace {

constexpr const char* job_columns =
    "id, pair, repository, commit_sha, ref, trigger, requested_by, dry_run, state, cancel_requested, "
    "created_at, started_at, finished_at, error, rerun_of, superseded_by, delivery_id, owner, lease_until, rollback";

Job read_job(const Statement& row) {
    Job job;
    job.id = row.int64(0);
    job.pair = row.text(1);
    job.repository = row.text(2);
    job.commit = row.text(3);
    job.ref = row.text(4);
    job.trigger = parse_trigger(row.text(5)).value_or(Trigger::manual);
    job.requested_by = row.text(6);
    job.dry_run = row.int64(7) != 0;
    job.state = parse_job_state(row.text(8)).value_or(JobState::failed);
    job.cancel_requested = row.int64(9) != 0;
    job.created_at = row.int64(10);
    job.started_at = row.optional_int64(11);
    job.finished_at = row.optional_int64(12);
    job.error = row.text(13);
    job.rerun_of = row.optional_int64(14);
    job.superseded_by = row.optional_int64(15);
    job.delivery_id = row.optional_int64(16);
    job.owner = row.text(17);
    job.lease_until = row.optional_int64(18);
    job.rollback = row.int64(19) != 0;
    return job;
}

std::optional<JobId> live_duplicate(Database& db, const NewJob& job) {
    auto query = db.prepare(
        "SELECT id FROM jobs WHERE pair = ?1 AND commit_sha = ?2 AND dry_run = ?3 "
        "AND state IN ('queued', 'running')");
    query.bind_all(job.pair, job.commit, job.dry_run);
    return query.step() ? std::optional<JobId>(query.int64(0)) : std::nullopt;
}

JobId insert_job(Database& db, const NewJob& job) {
    auto insert = db.prepare(
        "INSERT INTO jobs (pair, repository, commit_sha, ref, trigger, requested_by, dry_run, state, created_at, "
        "rerun_of, delivery_id, rollback) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'queued', ?8, ?9, ?10, ?11)");
    insert.bind_all(job.pair, job.repository, job.commit, job.ref, to_string(job.trigger), job.requested_by,
                    job.dry_run, now_ms(), job.rerun_of, job.delivery_id, job.rollback);
    insert.run();
    return db.last_insert_rowid();
}

std::vector<JobId> supersede_older(Database& db, const NewJob& job, JobId newer) {
    auto update = db.prepare(
        "UPDATE jobs SET state = 'superseded', superseded_by = ?1, finished_at = ?2 "
        "WHERE pair = ?3 AND dry_run = ?4 AND state = 'queued' AND id < ?1 RETURNING id");
    update.bind_all(newer, now_ms(), job.pair, job.dry_run);
    std::vector<JobId> superseded;
    while (update.step()) superseded.push_back(update.int64(0));
    return superseded;
}

}  // namespace

EnqueueResult JobStore::enqueue(const NewJob& job) {
    Transaction transaction(db_);
    EnqueueResult result;
    if (auto existing = live_duplicate(db_, job)) {
        result.job_id = *existing;
        return result;  // nothing written; the rollback is a no-op
    }
    result.job_id = insert_job(db_, job);
    result.created = true;
    result.superseded = supersede_older(db_, job, result.job_id);
    transaction.commit();
    return result;
}

std::optional<Job> JobStore::claim(int max_running, const std::string& owner) {
    Transaction transaction(db_);
    if (count(JobState::running) >= max_running) {
        return std::nullopt;
    }
    auto pick = db_.prepare(
        "SELECT id FROM jobs AS j WHERE state = 'queued' AND NOT EXISTS "
        "(SELECT 1 FROM jobs AS r WHERE r.pair = j.pair AND r.state = 'running') ORDER BY id LIMIT 1");
    if (!pick.step()) {
        return std::nullopt;
    }
    auto id = pick.int64(0);
    auto update = db_.prepare(
        "UPDATE jobs SET state = 'running', started_at = ?1, owner = ?3, lease_until = ?1 + ?4 WHERE id = ?2");
    update.bind_all(now_ms(), id, owner, job_lease_ms).run();
    auto job = find(id);
    transaction.commit();
    return job;
}

std::optional<Job> JobStore::start(JobId id, const std::string& owner) {
    Transaction transaction(db_);
    auto update = db_.prepare(
        "UPDATE jobs SET state = 'running', started_at = ?1, owner = ?3, lease_until = ?1 + ?4 WHERE id = ?2 "
        "AND state = 'queued' AND NOT EXISTS (SELECT 1 FROM jobs AS r WHERE r.pair = jobs.pair AND r.state = 'running')");
    update.bind_all(now_ms(), id, owner, job_lease_ms).run();
    if (db_.changes() != 1) return std::nullopt;
    auto job = find(id);
    transaction.commit();
    return job;
}

bool JobStore::renew_lease(JobId id) {
    auto update = db_.prepare("UPDATE jobs SET lease_until = ?1 WHERE id = ?2 AND state = 'running'");
    update.bind_all(now_ms() + job_lease_ms, id).run();
    return db_.changes() == 1;
}

bool JobStore::finish(JobId id, JobState final_state, const std::string& error) {
    if (final_state != JobState::succeeded && final_state != JobState::failed && final_state != JobState::cancelled) {
        throw StorageError(0, fmt::format("job {}: {} is not a final state for a running job", id,
                                          to_string(final_state)));
    }
    auto update = db_.prepare(
        "UPDATE jobs SET state = ?1, error = ?2, finished_at = ?3 WHERE id = ?4 AND state = 'running'");
    update.bind_all(to_string(final_state), error, now_ms(), id).run();
    return db_.changes() == 1;
}

CancelOutcome JobStore::cancel(JobId id) {
    Transaction transaction(db_);
    auto job = find(id);
    if (!job) return CancelOutcome::not_found;
    if (job->state == JobState::queued) {
        auto update = db_.prepare("UPDATE jobs SET state = 'cancelled', finished_at = ?1 WHERE id = ?2");
        update.bind_all(now_ms(), id).run();
        transaction.commit();
        return CancelOutcome::cancelled;
    }
    if (job->state == JobState::running) {
        db_.prepare("UPDATE jobs SET cancel_requested = 1 WHERE id = ?1").bind_all(id).run();
        transaction.commit();
        return CancelOutcome::requested;
    }
    return CancelOutcome::already_final;
}

bool JobStore::cancel_requested(JobId id) {
    auto query = db_.prepare("SELECT cancel_requested FROM jobs WHERE id = ?1");
    query.bind_all(id);
    return query.step() && query.int64(0) != 0;
}

std::optional<Job> JobStore::find(JobId id) {
    auto query = db_.prepare(fmt::format("SELECT {} FROM jobs WHERE id = ?1", job_columns));
    query.bind_all(id);
    return query.step() ? std::optional<Job>(read_job(query)) : std::nullopt;
}

std::vector<Job> JobStore::list(const JobFilter& filter) {
    auto query = db_.prepare(fmt::format(
        "SELECT {} FROM jobs WHERE (?1 IS NULL OR pair = ?1) AND (?2 IS NULL OR state = ?2) "
        "AND (?3 IS NULL OR id < ?3) ORDER BY id DESC LIMIT ?4",
        job_columns));
    std::optional<std::string> state;
    if (filter.state) state = std::string(to_string(*filter.state));
    query.bind_all(filter.pair, state, filter.before, filter.limit);
    std::vector<Job> jobs;
    while (query.step()) jobs.push_back(read_job(query));
    return jobs;
}

int JobStore::count(JobState state) {
    auto query = db_.prepare("SELECT count(*) FROM jobs WHERE state = ?1");
    query.bind_all(to_string(state));
    query.step();
    return query.integer(0);
}

std::vector<JobId> JobStore::recover_interrupted(const std::function<bool(const Job&)>& owner_gone) {
    Transaction transaction(db_);
    auto running = db_.prepare(fmt::format("SELECT {} FROM jobs WHERE state = 'running' ORDER BY id", job_columns));
    std::vector<Job> gone;
    while (running.step()) {
        auto job = read_job(running);
        if (owner_gone(job)) gone.push_back(std::move(job));
    }
    std::vector<JobId> ids;
    for (const auto& job : gone) {
        auto id = job.id;
        auto update = db_.prepare(
            "UPDATE jobs SET state = 'interrupted', finished_at = ?1, "
            "error = 'the lbdeploy process running this job died' WHERE id = ?2 AND state = 'running'");
        update.bind_all(now_ms(), id).run();
        append_log_lines(db_, id,
                         {{"", "error",
                           "the lbdeploy process running this job died; it is not resumed: the next job of this pair recovers any "
                           "node it left unverified (from the node's journal) before it deploys",
                           std::nullopt}});
        // Its nodes may be half-done: the pair needs recovery until a job
        // has read their journals.
        if (!job.dry_run) {
            RecoveryStore(db_).mark({job.pair, "", fmt::format("job {} was interrupted: its process died", id),
                                     job.commit, id, 0});
        }
        ids.push_back(id);
    }
    transaction.commit();
    return ids;
}

std::vector<JobId> JobStore::recover_interrupted() {
    auto now = now_ms();
    return recover_interrupted([now](const Job& job) { return owner_is_gone(job, now); });
}

std::vector<JobId> JobStore::interrupted_without_successor() {
    auto query = db_.prepare(
        "SELECT id FROM jobs AS j WHERE state = 'interrupted' AND dry_run = 0 AND NOT EXISTS "
        "(SELECT 1 FROM jobs AS l WHERE l.pair = j.pair AND l.id > j.id AND l.dry_run = 0 AND l.started_at IS NOT NULL) "
        "ORDER BY id");
    std::vector<JobId> ids;
    while (query.step()) ids.push_back(query.int64(0));
    return ids;
}

std::vector<std::pair<JobState, std::int64_t>> JobStore::count_by_state() {
    auto query = db_.prepare("SELECT state, count(*) FROM jobs GROUP BY state");
    std::vector<std::pair<JobState, std::int64_t>> counts;
    while (query.step()) {
        if (auto state = parse_job_state(query.text(0))) counts.emplace_back(*state, query.int64(1));
    }
    return counts;
}

std::vector<std::pair<std::string, std::int64_t>> JobStore::queued_by_pair() {
    auto query = db_.prepare("SELECT pair, count(*) FROM jobs WHERE state = 'queued' GROUP BY pair ORDER BY pair");
    std::vector<std::pair<std::string, std::int64_t>> counts;
    while (query.step()) counts.emplace_back(query.text(0), query.int64(1));
    return counts;
}

JobStore::DurationHistogram JobStore::duration_histogram(const std::vector<std::int64_t>& bounds_ms) {
    std::string sql = "SELECT count(*), coalesce(sum(d), 0)";
    for (std::size_t i = 0; i < bounds_ms.size(); ++i) sql += fmt::format(", coalesce(sum(d <= ?{}), 0)", i + 1);
    sql += " FROM (SELECT finished_at - started_at AS d FROM jobs WHERE finished_at IS NOT NULL "
           "AND started_at IS NOT NULL AND dry_run = 0)";
    auto query = db_.prepare(sql);
    for (std::size_t i = 0; i < bounds_ms.size(); ++i) query.bind(static_cast<int>(i + 1), bounds_ms[i]);
    DurationHistogram histogram;
    if (!query.step()) return histogram;
    histogram.count = query.int64(0);
    histogram.total_ms = query.int64(1);
    for (std::size_t i = 0; i < bounds_ms.size(); ++i) histogram.at_most.push_back(query.int64(static_cast<int>(i + 2)));
    return histogram;
}

}  // namespace lbdeploy::storage
