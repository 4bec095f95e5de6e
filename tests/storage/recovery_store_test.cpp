#include <doctest/doctest.h>

#include "common/process_identity.hpp"
#include "storage/log_store.hpp"
#include "storage/node_state_store.hpp"
#include "storage/recovery_store.hpp"
#include "storage/step_store.hpp"
#include "store_fixture.hpp"

using namespace lbdeploy;
using storage::JobState;
using testing::new_job;

TEST_CASE_FIXTURE(testing::StoreFixture, "an interrupted job marks its pair as needing recovery, a dry run does not") {
    auto killed = jobs.enqueue(new_job("a", "c1")).job_id;
    jobs.enqueue(new_job("b", "c2", true));
    REQUIRE(jobs.claim(2, "host 1 100"));
    REQUIRE(jobs.claim(2, "host 1 100"));
    jobs.recover_interrupted([](const storage::Job&) { return true; });
    storage::RecoveryStore recoveries(db);
    auto mark = recoveries.find("a");
    REQUIRE(mark);
    CHECK(mark->commit == "c1");
    CHECK(mark->job == killed);
    CHECK(mark->reason.find("interrupted") != std::string::npos);
    CHECK_FALSE(recoveries.find("b"));
}

TEST_CASE_FIXTURE(testing::StoreFixture, "a newer mark keeps the first time and a known commit, and clear ends it") {
    storage::RecoveryStore recoveries(db);
    recoveries.mark({"a", "", "job 3 was interrupted", "c1", 3, 0});
    auto since = recoveries.find("a")->since;
    recoveries.mark({"a", "lb2", "lb2 could not be reached", "", std::nullopt, 0});
    auto mark = recoveries.find("a");
    REQUIRE(mark);
    CHECK(mark->since == since);
    CHECK(mark->node == "lb2");
    CHECK(mark->reason == "lb2 could not be reached");
    CHECK(mark->commit == "c1");
    CHECK(mark->job == 3);
    CHECK(recoveries.list().size() == 1);
    recoveries.clear("a");
    CHECK_FALSE(recoveries.find("a"));
}

TEST_CASE_FIXTURE(testing::StoreFixture, "another host's job is dead once its lease ran out, and renewing keeps it alive") {
    auto id = jobs.enqueue(new_job("a", "c1")).job_id;
    auto job = jobs.claim(1, "elsewhere.example 4242 999");
    REQUIRE(job);
    REQUIRE(job->lease_until);
    auto now = storage::now_ms();
    CHECK(*job->lease_until >= now + storage::job_lease_ms - 5'000);
    CHECK_FALSE(storage::owner_is_gone(*job, now));
    CHECK(storage::owner_is_gone(*job, *job->lease_until + 1));
    CHECK(jobs.renew_lease(id));
    CHECK(*jobs.find(id)->lease_until >= *job->lease_until);
    jobs.finish(id, JobState::succeeded);
    CHECK_FALSE(jobs.renew_lease(id));
}

TEST_CASE_FIXTURE(testing::StoreFixture, "this host's job is judged by its process, whatever its lease says") {
    jobs.enqueue(new_job("a", "c1"));
    auto mine = jobs.claim(1, common::this_process_identity());
    REQUIRE(mine);
    CHECK_FALSE(storage::owner_is_gone(*mine, *mine->lease_until + 1));
    mine->owner = "";  // from before owners were recorded
    CHECK(storage::owner_is_gone(*mine, storage::now_ms()));
}

TEST_CASE("a version 4 store migrates to 5 with every row and reference kept, and takes trigger recovery") {
    testing::TempDir dir;
    auto path = dir / "old.db";
    storage::JobId first = 0;
    {
        auto db = storage::Database::open(path);
        storage::migrate(db, 4);
        // Version 4's jobs table, written as that version did (no lease).
        db.execute(
            "INSERT INTO jobs (id, pair, repository, commit_sha, trigger, state, created_at, started_at, finished_at, "
            "owner) VALUES (1, 'a', 'lb-config', 'c1', 'push', 'succeeded', 1, 2, 3, 'host 1 100');"
            "INSERT INTO jobs (id, pair, repository, commit_sha, trigger, state, created_at, rerun_of) "
            "VALUES (2, 'a', 'lb-config', 'c1', 'rerun', 'queued', 4, 1);");
        first = 1;
        auto step = storage::StepStore(db).begin(first, "lb1", "install", "backup");
        storage::StepStore(db).end(step, storage::StepState::succeeded, "ok");
        storage::LogStore(db).append(first, {{"lb1", "info", "hello", std::nullopt}});
        storage::NodeStateStore(db).record_deployed("a", "lb1", "c1", first);
    }
    auto db = storage::open_store(path);
    storage::JobStore jobs(db);
    CHECK(jobs.find(first)->state == JobState::succeeded);
    CHECK(jobs.find(first + 1)->rerun_of == first);
    CHECK(storage::StepStore(db).list(first).size() == 1);
    CHECK(storage::LogStore(db).read(first, 0, 10).size() == 1);
    CHECK(storage::NodeStateStore(db).list("a").at(0).deployed_job == first);
    auto check = db.prepare("PRAGMA foreign_key_check");
    CHECK_FALSE(check.step());
    auto recovery = testing::new_job("b", "c9");
    recovery.trigger = storage::Trigger::recovery;
    auto queued = jobs.enqueue(recovery);
    CHECK(jobs.find(queued.job_id)->trigger == storage::Trigger::recovery);
    // The queue's unique indexes came back with the table.
    CHECK_FALSE(jobs.enqueue(recovery).created);
}
