// The job log's limit (server.max_log_lines_per_job) through the JobRecorder,
// against a real store: bounded rows, gapless sequence numbers, and the end
// of a failing command's output kept above its error.

#include "pipeline/jobs/job_recorder.hpp"

#include <doctest/doctest.h>

#include <string>

#include "storage/store_fixture.hpp"

using namespace lbdeploy;

namespace {

constexpr std::size_t limit = 1000;

std::vector<storage::LogLine> whole_log(storage::Database& db, storage::JobId job) {
    return storage::LogStore(db).read(job, 0, 1'000'000);
}

void check_gapless(const std::vector<storage::LogLine>& log) {
    for (std::size_t i = 0; i < log.size(); ++i) REQUIRE(log[i].seq == static_cast<std::int64_t>(i + 1));
}

}  // namespace

TEST_CASE_FIXTURE(testing::StoreFixture, "a million output lines store the limit and one notice, and an error brings back the last ones") {
    auto id = jobs.enqueue(testing::new_job("dmz", "c1")).job_id;
    jobs::JobRecorder recorder(db, jobs.find(id).value(), limit);
    for (int i = 1; i <= 1'000'000; ++i) {
        recorder.log("lb2", i % 2 == 0 ? "stderr" : "stdout", "line " + std::to_string(i));
    }
    CHECK(storage::LogStore(db).last_seq(id) == static_cast<std::int64_t>(limit + 1));

    recorder.log("lb2", "error", "`haproxy -c` exited with 1: line 1000000");
    recorder.finish();
    auto log = whole_log(db, id);
    check_gapless(log);
    const auto held = jobs::OutputCap::max_held_lines;
    REQUIRE(log.size() == limit + 1 + 1 + held + 1 + 1);
    CHECK(log[limit - 1].text == "line 1000");
    CHECK(log[limit].stream == "info");
    CHECK(log[limit].text.starts_with("log truncated after 1000 output lines"));
    CHECK(log[limit + 1].text == "999000 output lines past the log's limit; the last 200 of them:");
    CHECK(log[limit + 2].text == "line 999801");
    CHECK(log[limit + 2].stream == "stdout");
    CHECK(log[limit + 1 + held].text == "line 1000000");
    CHECK(log[limit + 1 + held].stream == "stderr");
    CHECK(log[limit + 2 + held].stream == "error");
    CHECK(log.back().text == "999000 output lines were not stored (server.max_log_lines_per_job: 1000)");
}

TEST_CASE_FIXTURE(testing::StoreFixture, "past the limit, steps are still stored and only the failing command's output comes back") {
    auto id = jobs.enqueue(testing::new_job("dmz", "c1")).job_id;
    jobs::JobRecorder recorder(db, jobs.find(id).value(), limit);
    auto validate = recorder.begin_step("lb2", rollout::StepName::validate);
    recorder.log("lb2", "info", "$ first-command");
    for (std::size_t i = 0; i < 2 * limit; ++i) recorder.log("lb2", "stdout", "chatter");
    recorder.log("lb2", "info", "$ second-command");  // the first one's output is no failure's
    recorder.log("lb2", "stderr", "[ALERT] parsing [/etc/haproxy/haproxy.cfg:3]: unknown keyword 'frontendd'");
    recorder.log("lb2", "stderr", "Fatal errors found in configuration.");
    recorder.log("lb2", "error", "`second-command` exited with 1: Fatal errors found in configuration.");
    recorder.end_step(validate, storage::StepState::failed, "`second-command` exited with 1");
    auto restore = recorder.begin_step("lb2", rollout::StepName::restore);
    recorder.log("lb2", "error", "restore failed: no output held any more");
    recorder.end_step(restore, storage::StepState::failed, "restore NOT verified");

    auto log = whole_log(db, id);
    check_gapless(log);
    // step, "$", the limit, the notice, "$", held header + 2 lines, error, step, step, error, step
    REQUIRE(log.size() == 1 + 1 + limit + 1 + 1 + 3 + 1 + 1 + 1 + 1 + 1);
    auto at = [&](std::size_t from_end) { return log[log.size() - 1 - from_end]; };
    CHECK(at(8).text == "$ second-command");
    CHECK(at(7).text == "2 output lines past the log's limit; the last 2 of them:");
    CHECK(at(6).text.starts_with("[ALERT]"));
    CHECK(at(5).text == "Fatal errors found in configuration.");
    CHECK(at(4).stream == "error");
    CHECK(at(3).stream == "step");
    CHECK(at(3).text.find("\"failed\"") != std::string::npos);
    CHECK(at(2).stream == "step");
    CHECK(at(1).text == "restore failed: no output held any more");
    CHECK(at(0).stream == "step");
}

TEST_CASE_FIXTURE(testing::StoreFixture, "a log under the limit is stored whole, without a summary") {
    auto id = jobs.enqueue(testing::new_job("dmz", "c1")).job_id;
    jobs::JobRecorder recorder(db, jobs.find(id).value(), limit);
    for (std::size_t i = 0; i < limit; ++i) recorder.log("lb1", "diff", "+line");
    recorder.log("lb1", "error", "failed");
    recorder.finish();
    auto log = whole_log(db, id);
    CHECK(log.size() == limit + 1);
    CHECK(log.back().stream == "error");
}
