#include <doctest/doctest.h>

#include "storage/log_store.hpp"
#include "store_fixture.hpp"

using namespace lbdeploy;

TEST_CASE_FIXTURE(testing::StoreFixture, "log lines get gapless sequence numbers and read back by offset") {
    auto id = jobs.enqueue(testing::new_job("dmz", "c1")).job_id;
    storage::LogStore log(db);
    CHECK(log.last_seq(id) == 0);
    CHECK(log.append(id, {{"", "info", "plan: 3 files", std::nullopt}, {"lb2", "stdout", "Configuration file is valid", 42}}) == 2);
    CHECK(log.append(id, {}) == 2);
    CHECK(log.append(id, {{"lb2", "stderr", "[WARNING] something", std::nullopt}}) == 3);
    auto all = log.read(id, 0);
    REQUIRE(all.size() == 3);
    CHECK(all[0].seq == 1);
    CHECK(all[1].time == 42);
    CHECK(all[1].node == "lb2");
    CHECK(all[2].stream == "stderr");
    auto tail = log.read(id, 1, 1);
    REQUIRE(tail.size() == 1);
    CHECK(tail[0].seq == 2);
    CHECK(log.read(id, 3).empty());
}

TEST_CASE_FIXTURE(testing::StoreFixture, "logs of different jobs are separate and text is kept byte for byte") {
    auto a = jobs.enqueue(testing::new_job("a", "1")).job_id;
    auto b = jobs.enqueue(testing::new_job("b", "1")).job_id;
    storage::LogStore log(db);
    std::string odd_text = "tab\there, quote ' \" and unicode \xe2\x9c\x93";
    log.append(a, {{"", "info", odd_text, std::nullopt}});
    log.append(b, {{"", "info", "b1", std::nullopt}, {"", "info", "b2", std::nullopt}});
    CHECK(log.read(a, 0).at(0).text == odd_text);
    CHECK(log.last_seq(a) == 1);
    CHECK(log.last_seq(b) == 2);
}

TEST_CASE_FIXTURE(testing::StoreFixture, "a log line for an unknown job is refused by the foreign key") {
    storage::LogStore log(db);
    CHECK_THROWS_AS(log.append(424242, {{"", "info", "orphan", std::nullopt}}), storage::StorageError);
    CHECK(log.last_seq(424242) == 0);
}
