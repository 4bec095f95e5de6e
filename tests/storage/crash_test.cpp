// A process killed with SIGKILL in the middle of a transaction must leave the
// database consistent: nothing of the transaction visible, the lock released,
// the integrity check clean.

#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "process.hpp"
#include "storage/log_store.hpp"
#include "store_fixture.hpp"

using namespace lbdeploy;

namespace {

std::string integrity(storage::Database& db) {
    auto query = db.prepare("PRAGMA integrity_check");
    query.step();
    return query.text(0);
}

}  // namespace

TEST_CASE_FIXTURE(testing::StoreFixture, "a writer killed inside a transaction leaves nothing half-written") {
    auto kept = jobs.enqueue(testing::new_job("kept", "c1")).job_id;
    int ready[2];
    REQUIRE(pipe(ready) == 0);
    testing::ChildProcess child([&] {
        auto own = storage::open_store(db_path);
        storage::Transaction transaction(own);
        for (int i = 0; i < 50; ++i) {
            own.prepare("INSERT INTO jobs (pair, repository, commit_sha, trigger, state, created_at) "
                        "VALUES (?1, 'r', 'c', 'push', 'queued', 0)")
                .bind_all("doomed-" + std::to_string(i))
                .run();
        }
        own.prepare("UPDATE jobs SET state = 'running' WHERE id = ?1").bind_all(kept).run();
        char byte = 1;
        if (write(ready[1], &byte, 1) != 1) return 1;
        pause();  // killed here, mid-transaction
        return 0;
    });
    char byte = 0;
    REQUIRE(read(ready[0], &byte, 1) == 1);
    child.kill_now();
    close(ready[0]);
    close(ready[1]);

    auto reopened = storage::open_store(db_path);
    CHECK(integrity(reopened) == "ok");
    storage::JobStore after(reopened);
    CHECK(after.list({}).size() == 1);
    CHECK(after.find(kept)->state == storage::JobState::queued);
    // The write lock died with the process: the next writer is not blocked.
    CHECK(after.enqueue(testing::new_job("next", "c2")).created);
    CHECK(after.claim(4));
}

TEST_CASE_FIXTURE(testing::StoreFixture, "log batches are all-or-nothing when the writer is killed at any moment") {
    auto id = jobs.enqueue(testing::new_job("dmz", "c1")).job_id;
    constexpr int batch = 50;
    testing::ChildProcess child([&]() -> int {
        auto own = storage::open_store(db_path);
        storage::LogStore log(own);
        std::vector<storage::NewLogLine> lines(batch, {"lb1", "stdout", "a line of haproxy output", std::nullopt});
        for (;;) log.append(id, lines);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    child.kill_now();

    auto reopened = storage::open_store(db_path);
    CHECK(integrity(reopened) == "ok");
    storage::LogStore log(reopened);
    auto last = log.last_seq(id);
    CHECK(last > 0);
    CHECK(last % batch == 0);
    std::int64_t expected = 0;
    for (std::int64_t after = 0;;) {
        auto lines = log.read(id, after, 5000);
        if (lines.empty()) break;
        for (const auto& line : lines) CHECK(line.seq == ++expected);
        after = lines.back().seq;
    }
    CHECK(expected == last);
}
