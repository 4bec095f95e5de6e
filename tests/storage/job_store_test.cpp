#include <doctest/doctest.h>

#include "storage/delivery_store.hpp"
#include "storage/log_store.hpp"
#include "storage/node_state_store.hpp"
#include "storage/step_store.hpp"
#include "store_fixture.hpp"

using namespace lbdeploy;
using storage::JobState;
using testing::new_job;

TEST_CASE_FIXTURE(testing::StoreFixture, "enqueue stores every field and starts queued") {
    auto job = new_job("dmz", "aaaa1111");
    job.delivery_id = storage::DeliveryStore(db).record({"key-1", "Push Hook", "netops/lb-config", "main", "aaaa", "lb-config", "0000", "alice"}).id;
    auto result = jobs.enqueue(job);
    CHECK(result.created);
    auto stored = jobs.find(result.job_id);
    REQUIRE(stored);
    CHECK(stored->pair == "dmz");
    CHECK(stored->commit == "aaaa1111");
    CHECK(stored->trigger == storage::Trigger::push);
    CHECK(stored->requested_by == "alice");
    CHECK(stored->state == JobState::queued);
    CHECK(stored->delivery_id == job.delivery_id);
    CHECK_FALSE(stored->started_at);
    CHECK(stored->created_at > 0);
}

TEST_CASE_FIXTURE(testing::StoreFixture, "the same pair+commit is never live twice") {
    auto first = jobs.enqueue(new_job("dmz", "c1"));
    auto again = jobs.enqueue(new_job("dmz", "c1"));
    CHECK_FALSE(again.created);
    CHECK(again.job_id == first.job_id);
    // Still deduplicated while running.
    REQUIRE(jobs.claim(4));
    CHECK(jobs.enqueue(new_job("dmz", "c1")).job_id == first.job_id);
    // A dry run of the same commit is a different request.
    CHECK(jobs.enqueue(new_job("dmz", "c1", true)).created);
    // Other pairs are independent.
    CHECK(jobs.enqueue(new_job("intranet", "c1")).created);
    // Once finished, the same commit may be deployed again (e.g. a rollback).
    jobs.finish(first.job_id, JobState::succeeded);
    CHECK(jobs.enqueue(new_job("dmz", "c1")).created);
}

TEST_CASE_FIXTURE(testing::StoreFixture, "a newer job supersedes older queued jobs of its pair only") {
    auto running = jobs.enqueue(new_job("dmz", "c1")).job_id;
    REQUIRE(jobs.claim(4)->id == running);
    auto queued_a = jobs.enqueue(new_job("dmz", "c2")).job_id;
    auto queued_b = jobs.enqueue(new_job("dmz", "c3")).job_id;
    auto other_pair = jobs.enqueue(new_job("intranet", "c3")).job_id;
    auto dry = jobs.enqueue(new_job("dmz", "c3", true)).job_id;
    auto newest = jobs.enqueue(new_job("dmz", "c4"));
    CHECK(newest.superseded == std::vector<storage::JobId>{queued_b});
    CHECK(jobs.find(queued_a)->state == JobState::superseded);
    CHECK(jobs.find(queued_a)->superseded_by == queued_b);
    CHECK(jobs.find(queued_b)->superseded_by == newest.job_id);
    CHECK(jobs.find(running)->state == JobState::running);
    CHECK(jobs.find(other_pair)->state == JobState::queued);
    CHECK(jobs.find(dry)->state == JobState::queued);
}

TEST_CASE_FIXTURE(testing::StoreFixture, "claim takes the oldest job of an idle pair, within the limit") {
    auto a1 = jobs.enqueue(new_job("a", "1")).job_id;
    auto a2 = jobs.enqueue(new_job("a", "2", true)).job_id;
    auto b1 = jobs.enqueue(new_job("b", "1")).job_id;
    auto c1 = jobs.enqueue(new_job("c", "1")).job_id;
    CHECK(jobs.claim(2)->id == a1);
    CHECK(jobs.claim(2)->id == b1);  // a2 waits: pair a is running
    CHECK_FALSE(jobs.claim(2));      // limit of 2 running reached
    CHECK(jobs.claim(3)->id == c1);
    CHECK(jobs.finish(a1, JobState::succeeded));
    auto next = jobs.claim(3);
    REQUIRE(next);
    CHECK(next->id == a2);
    CHECK(next->state == JobState::running);
    CHECK(next->started_at);
}

TEST_CASE_FIXTURE(testing::StoreFixture, "finish only ends running jobs, with a final state") {
    auto id = jobs.enqueue(new_job("dmz", "c1")).job_id;
    CHECK_FALSE(jobs.finish(id, JobState::succeeded));  // still queued
    REQUIRE(jobs.claim(1));
    CHECK_THROWS_AS(jobs.finish(id, JobState::queued), storage::StorageError);
    CHECK(jobs.finish(id, JobState::failed, "validate failed on lb2"));
    CHECK_FALSE(jobs.finish(id, JobState::succeeded));
    auto job = jobs.find(id);
    CHECK(job->state == JobState::failed);
    CHECK(job->error == "validate failed on lb2");
    CHECK(job->finished_at);
}

TEST_CASE_FIXTURE(testing::StoreFixture, "cancel: queued at once, running by flag, final untouched") {
    auto queued = jobs.enqueue(new_job("a", "1")).job_id;
    CHECK(jobs.cancel(queued) == storage::CancelOutcome::cancelled);
    CHECK(jobs.find(queued)->state == JobState::cancelled);
    CHECK_FALSE(jobs.claim(1));

    auto running = jobs.enqueue(new_job("a", "2")).job_id;
    REQUIRE(jobs.claim(1));
    CHECK_FALSE(jobs.cancel_requested(running));
    CHECK(jobs.cancel(running) == storage::CancelOutcome::requested);
    CHECK(jobs.cancel_requested(running));
    CHECK(jobs.find(running)->state == JobState::running);
    CHECK(jobs.finish(running, JobState::cancelled));
    CHECK(jobs.cancel(running) == storage::CancelOutcome::already_final);
    CHECK(jobs.cancel(9999) == storage::CancelOutcome::not_found);
}

TEST_CASE_FIXTURE(testing::StoreFixture, "jobs left running become interrupted, with a log line, and are not resumed") {
    auto running = jobs.enqueue(new_job("a", "1")).job_id;
    auto queued = jobs.enqueue(new_job("b", "1")).job_id;
    REQUIRE(jobs.claim(1)->id == running);
    storage::Database reopened = storage::open_store(db_path);
    storage::JobStore after_restart(reopened);
    CHECK(after_restart.recover_interrupted([](const storage::Job&) { return true; }) ==
          std::vector<storage::JobId>{running});
    CHECK(after_restart.find(running)->state == JobState::interrupted);
    CHECK(after_restart.find(queued)->state == JobState::queued);
    auto log = storage::LogStore(reopened).read(running, 0);
    REQUIRE(log.size() == 1);
    CHECK(log[0].stream == "error");
    CHECK(log[0].text.find("not resumed") != std::string::npos);
    // The queued job survives the restart and is claimed next.
    CHECK(after_restart.claim(1)->id == queued);
    CHECK_FALSE(after_restart.finish(running, JobState::succeeded));
}

TEST_CASE_FIXTURE(testing::StoreFixture, "list filters by pair and state and pages by id") {
    for (int i = 0; i < 5; ++i) jobs.enqueue(new_job(i % 2 ? "odd" : "even", std::to_string(i)));
    CHECK(jobs.list({}).size() == 5);
    storage::JobFilter by_pair;
    by_pair.pair = "odd";
    auto odd = jobs.list(by_pair);
    REQUIRE(odd.size() == 2);
    CHECK(odd[0].id > odd[1].id);  // newest first
    storage::JobFilter by_state;
    by_state.state = JobState::superseded;
    CHECK(jobs.list(by_state).size() == 3);  // all but the newest of each pair
    storage::JobFilter paged;
    paged.limit = 2;
    auto page = jobs.list(paged);
    REQUIRE(page.size() == 2);
    paged.before = page.back().id;
    auto next = jobs.list(paged);
    REQUIRE(next.size() == 2);
    CHECK(next[0].id < page.back().id);
}

TEST_CASE_FIXTURE(testing::StoreFixture, "steps record node, name, state and message") {
    auto id = jobs.enqueue(new_job("dmz", "c1")).job_id;
    storage::StepStore steps(db);
    auto pre = steps.begin(id, "", "pre-check");
    steps.end(pre, storage::StepState::succeeded);
    auto validate = steps.begin(id, "lb2", "validate");
    steps.end(validate, storage::StepState::failed, "haproxy -c: line 12: unknown keyword");
    steps.end(validate, storage::StepState::succeeded);  // already ended: ignored
    auto list = steps.list(id);
    REQUIRE(list.size() == 2);
    CHECK(list[0].name == "pre-check");
    CHECK(list[1].node == "lb2");
    CHECK(list[1].state == storage::StepState::failed);
    CHECK(list[1].message == "haproxy -c: line 12: unknown keyword");
    CHECK(list[1].finished_at);
}

TEST_CASE_FIXTURE(testing::StoreFixture, "deliveries are deduplicated by key") {
    storage::DeliveryStore deliveries(db);
    storage::NewDelivery push{"idem-1", "Push Hook", "netops/lb-config", "refs/heads/main", "abc", "lb-config", "9f",
                              "alice"};
    auto first = deliveries.record(push);
    CHECK(first.is_new);
    CHECK(deliveries.unplanned().size() == 1);
    CHECK(deliveries.find(first.id)->before == "9f");
    auto again = deliveries.record(push);
    CHECK_FALSE(again.is_new);
    CHECK(again.id == first.id);
    deliveries.set_outcome(first.id, "queued", "jobs 1, 2");
    CHECK(deliveries.find(first.id)->outcome == "queued");
    CHECK(deliveries.recent(10).size() == 1);
    CHECK(deliveries.unplanned().empty());
    CHECK(deliveries.count_by_outcome() == std::vector<std::pair<std::string, std::int64_t>>{{"queued", 1}});
    CHECK(deliveries.last_received_by_project().at(0).first == "netops/lb-config");
}

TEST_CASE_FIXTURE(testing::StoreFixture, "node state keeps the deployed commit and the VIP holder") {
    auto id = jobs.enqueue(new_job("dmz", "c1")).job_id;
    storage::NodeStateStore nodes(db);
    nodes.record_deployed("dmz", "lb2", "c1", id);
    nodes.record_vip("dmz", "lb1", true);
    nodes.record_deployed("dmz", "lb1", "c1", id);
    auto states = nodes.list("dmz");
    REQUIRE(states.size() == 2);
    CHECK(states[0].node == "lb1");
    CHECK(states[0].deployed_commit == "c1");
    CHECK(states[0].holds_vip == true);
    CHECK_FALSE(states[1].holds_vip);
    CHECK(states[1].deployed_job == id);
}

TEST_CASE_FIXTURE(testing::StoreFixture, "a running job is interrupted only when its owner is gone") {
    auto alive = jobs.enqueue(new_job("a", "1")).job_id;
    auto dead = jobs.enqueue(new_job("b", "1")).job_id;
    REQUIRE(jobs.claim(2, "host 1 100")->id == alive);
    REQUIRE(jobs.claim(2, "host 2 200")->id == dead);
    CHECK(jobs.find(alive)->owner == "host 1 100");
    auto gone = [](const storage::Job& job) { return job.owner == "host 2 200"; };
    CHECK(jobs.recover_interrupted(gone) == std::vector<storage::JobId>{dead});
    CHECK(jobs.find(alive)->state == JobState::running);
    CHECK(jobs.find(dead)->state == JobState::interrupted);
}

TEST_CASE_FIXTURE(testing::StoreFixture, "an interrupted job awaits recovery until a later job of its pair starts") {
    auto killed = jobs.enqueue(new_job("a", "1")).job_id;
    REQUIRE(jobs.claim(1, "host 1 100"));
    jobs.recover_interrupted([](const storage::Job&) { return true; });
    CHECK(jobs.interrupted_without_successor() == std::vector<storage::JobId>{killed});
    auto next = jobs.enqueue(new_job("a", "2")).job_id;
    CHECK(jobs.interrupted_without_successor() == std::vector<storage::JobId>{killed});  // queued, not started
    REQUIRE(jobs.claim(1)->id == next);
    CHECK(jobs.interrupted_without_successor().empty());
}

TEST_CASE_FIXTURE(testing::StoreFixture, "the duration histogram counts finished rollouts per bound, dry runs excluded") {
    auto finish_with = [&](const std::string& commit, bool dry_run, std::int64_t duration_ms) {
        auto id = jobs.enqueue(new_job("dmz", commit, dry_run)).job_id;
        REQUIRE(jobs.claim(4));
        jobs.finish(id, JobState::succeeded);
        db.prepare("UPDATE jobs SET started_at = 1000, finished_at = ?1 WHERE id = ?2").bind_all(1000 + duration_ms, id).run();
    };
    finish_with("c1", false, 800);
    finish_with("c2", false, 1500);
    finish_with("c3", false, 7000);
    finish_with("c4", true, 100);  // a dry run is no rollout
    jobs.enqueue(new_job("dmz", "c5"));  // queued: no duration yet
    auto histogram = jobs.duration_histogram({1000, 2000, 5000});
    CHECK(histogram.count == 3);
    CHECK(histogram.total_ms == 9300);
    CHECK(histogram.at_most == std::vector<std::int64_t>{1, 2, 2});
    CHECK(storage::JobStore(db).duration_histogram({}).count == 3);
}
