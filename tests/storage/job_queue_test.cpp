// Concurrent claimers, as threads and as processes, each with its own
// connection to the same database file: no job may be claimed twice, and
// none may be lost.

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <latch>
#include <unistd.h>
#include <set>
#include <thread>

#include "process.hpp"
#include "store_fixture.hpp"

using namespace lbdeploy;

namespace {

constexpr int job_count = 300;

void enqueue_jobs(storage::JobStore& jobs) {
    // Distinct pairs, so all jobs are claimable at once and claimers really race.
    for (int i = 0; i < job_count; ++i) jobs.enqueue(testing::new_job("pair-" + std::to_string(i), "c"));
}

// `ready` runs after the connection is open, so that both claimers start
// claiming together instead of one finishing before the other has connected.
std::vector<storage::JobId> claim_until_empty(const std::filesystem::path& db_path,
                                              const std::function<void()>& ready) {
    auto db = storage::open_store(db_path);
    storage::JobStore jobs(db);
    ready();
    std::vector<storage::JobId> claimed;
    while (auto job = jobs.claim(job_count)) {
        claimed.push_back(job->id);
        // A worker holds no lock while it runs the job; this pause is that run,
        // and it gives the other claimer its turn at the write lock.
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        jobs.finish(job->id, storage::JobState::succeeded);
    }
    return claimed;
}

void check_each_claimed_once(const std::vector<std::vector<storage::JobId>>& claims) {
    std::multiset<storage::JobId> all;
    for (const auto& list : claims) {
        CHECK_FALSE(list.empty());  // both claimers got work: they really raced
        all.insert(list.begin(), list.end());
    }
    CHECK(all.size() == job_count);
    CHECK(std::set<storage::JobId>(all.begin(), all.end()).size() == job_count);
}

}  // namespace

TEST_CASE_FIXTURE(testing::StoreFixture, "two threads claiming concurrently never get the same job") {
    enqueue_jobs(jobs);
    std::vector<std::vector<storage::JobId>> claims(2);
    std::latch start(2);
    auto ready = [&] { start.arrive_and_wait(); };
    std::thread first([&] { claims[0] = claim_until_empty(db_path, ready); });
    std::thread second([&] { claims[1] = claim_until_empty(db_path, ready); });
    first.join();
    second.join();
    check_each_claimed_once(claims);
    CHECK(jobs.count(storage::JobState::succeeded) == job_count);
}

TEST_CASE_FIXTURE(testing::StoreFixture, "two processes claiming concurrently never get the same job") {
    enqueue_jobs(jobs);
    int go[2];
    REQUIRE(pipe(go) == 0);
    // Each child blocks on the pipe until the parent has started both.
    auto ready = [&] {
        char byte = 0;
        if (read(go[0], &byte, 1) != 1) throw std::runtime_error("start pipe closed");
    };
    auto run_claimer = [&](const std::filesystem::path& out) {
        return [&, out] {
            auto claimed = claim_until_empty(db_path, ready);
            std::ofstream file(out);
            for (auto id : claimed) file << id << '\n';
            return file ? 0 : 1;
        };
    };
    testing::ChildProcess first(run_claimer(dir / "first.txt"));
    testing::ChildProcess second(run_claimer(dir / "second.txt"));
    REQUIRE(write(go[1], "ab", 2) == 2);
    close(go[0]);
    close(go[1]);
    REQUIRE(first.wait() == 0);
    REQUIRE(second.wait() == 0);
    std::vector<std::vector<storage::JobId>> claims(2);
    for (auto [index, name] : {std::pair{0, "first.txt"}, std::pair{1, "second.txt"}}) {
        std::ifstream in(dir / name);
        for (storage::JobId id = 0; in >> id;) claims[static_cast<std::size_t>(index)].push_back(id);
    }
    check_each_claimed_once(claims);
}

TEST_CASE_FIXTURE(testing::StoreFixture, "concurrent claimers respect one running job per pair and the limit") {
    for (int i = 0; i < 40; ++i) jobs.enqueue(testing::new_job("pair-" + std::to_string(i % 4), std::to_string(i), i % 8 >= 4));
    // 4 pairs x (real, dry run) live jobs: 8 queued, at most 4 may run (one per pair).
    std::vector<std::optional<storage::Job>> claimed(8);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < claimed.size(); ++i) {
        threads.emplace_back([&, i] {
            auto own = storage::open_store(db_path);
            claimed[i] = storage::JobStore(own).claim(3);
        });
    }
    for (auto& thread : threads) thread.join();
    std::set<std::string> pairs;
    int running = 0;
    for (const auto& job : claimed) {
        if (!job) continue;
        ++running;
        CHECK(pairs.insert(job->pair).second);
    }
    CHECK(running == 3);
    CHECK(jobs.count(storage::JobState::running) == 3);
}
