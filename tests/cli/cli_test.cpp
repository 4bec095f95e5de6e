// The real `lbdeploy` binary, run as a person would run it.

#include <doctest/doctest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "storage/job_store.hpp"
#include "storage/schema.hpp"
#include "support/temp_dir.hpp"

using namespace lbdeploy;

namespace {

struct Run {
    int exit_code = -1;
    std::string output;  // stdout and stderr together
};

Run run(const std::string& arguments) {
    std::string command = std::string(LBDEPLOY_BINARY) + " " + arguments + " 2>&1";
    Run result;
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::array<char, 4096> buffer{};
    while (auto n = fread(buffer.data(), 1, buffer.size(), pipe)) result.output.append(buffer.data(), n);
    int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

const std::string data_dir = LBDEPLOY_TEST_DATA_DIR;

}  // namespace

TEST_CASE("check-config prints ok and one line per pair for a valid file") {
    auto result = run("check-config " + std::string(LBDEPLOY_SOURCE_DIR) + "/examples/lbdeploy.yaml");
    CHECK(result.exit_code == 0);
    CHECK(result.output.starts_with("ok\n"));
    CHECK(result.output.find("\ndmz-prod: lb1 10.0.0.11, lb2 10.0.0.12, vip 10.0.0.10; 4 services") !=
          std::string::npos);
    CHECK(result.output.find("\nintranet-prod: ") != std::string::npos);
}

TEST_CASE("check-config prints every error with its location and exits 1") {
    auto file = data_dir + "/config/invalid/several-errors.yaml";
    auto result = run("check-config " + file);
    CHECK(result.exit_code == 1);
    CHECK(result.output.find(file + ":36:25: pairs.dmz-prod.failover.timeout: \"15\" is not a duration") !=
          std::string::npos);
    CHECK(result.output.find("(did you mean \"release\"?)") != std::string::npos);
    CHECK(result.output.find("2 errors in " + file) != std::string::npos);
}

TEST_CASE("check-config --print shows the effective configuration") {
    auto result = run("check-config --print " + data_dir + "/config/valid/minimal.yaml");
    CHECK(result.exit_code == 0);
    CHECK(result.output.find("max_parallel_pairs: 4") != std::string::npos);
}

TEST_CASE("usage errors exit 2 and show the usage") {
    CHECK(run("").exit_code == 2);
    auto unknown = run("frobnicate");
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.output.find("unknown command \"frobnicate\"") != std::string::npos);
    auto bad_option = run("check-config --frob x.yaml");
    CHECK(bad_option.exit_code == 2);
    CHECK(bad_option.output.find("usage: lbdeploy check-config") != std::string::npos);
    CHECK(run("jobs --help").output.find("usage: lbdeploy jobs") != std::string::npos);
    CHECK(run("--version").output.starts_with("lbdeploy "));
}

TEST_CASE("each command's help names every option it accepts") {
    // Kept by hand next to the option tables in cli/*_command.cpp: an option
    // added there without a line in the help fails here.
    const std::vector<std::pair<std::string, std::vector<std::string>>> commands = {
        {"check-config", {"--print"}},
        {"deploy", {"-c, --config", "--pair", "--ref", "--commit", "--dry-run", "--by"}},
        {"jobs", {"-c, --config", "--db", "--pair", "--state", "--limit"}},
        {"serve", {"-c, --config", "--listen", "--log-format"}},
    };
    auto overview = run("--help");
    CHECK(overview.exit_code == 0);
    for (const auto& [command, options] : commands) {
        CAPTURE(command);
        CHECK(overview.output.find("  " + command) != std::string::npos);
        auto help = run(command + " --help");
        CHECK(help.exit_code == 0);
        for (const auto& option : options) {
            CAPTURE(option);
            CHECK(help.output.find("  " + option + " ") != std::string::npos);
        }
    }
}

TEST_CASE("jobs lists the store's jobs, filtered") {
    testing::TempDir dir;
    auto db_path = dir / "lbdeploy.db";
    {
        auto db = storage::open_store(db_path);
        storage::JobStore jobs(db);
        storage::NewJob job;
        job.pair = "dmz-prod";
        job.repository = "lb-config";
        job.commit = "0123456789abcdef";
        job.ref = "main";
        job.trigger = storage::Trigger::push;
        job.requested_by = "alice";
        auto first = jobs.enqueue(job).job_id;
        jobs.claim(4);
        jobs.finish(first, storage::JobState::failed, "validate failed on lb2");
        job.pair = "intranet-prod";
        jobs.enqueue(job);
    }
    auto all = run("jobs --db " + db_path.string());
    CHECK(all.exit_code == 0);
    CHECK(all.output.find("dmz-prod") != std::string::npos);
    CHECK(all.output.find("01234567") != std::string::npos);
    CHECK(all.output.find("validate failed on lb2") != std::string::npos);
    auto failed = run("jobs --db " + db_path.string() + " --state failed");
    CHECK(failed.output.find("intranet-prod") == std::string::npos);
    auto by_pair = run("jobs --db " + db_path.string() + " --pair intranet-prod");
    CHECK(by_pair.output.find("dmz-prod") == std::string::npos);
    CHECK(by_pair.output.find("queued") != std::string::npos);
    CHECK(run("jobs --db " + db_path.string() + " --state exploded").exit_code == 2);
}

TEST_CASE("jobs with an invalid config shows the config errors") {
    auto result = run("jobs -c " + data_dir + "/config/invalid/missing-vip.yaml");
    CHECK(result.exit_code == 1);
    CHECK(result.output.find("missing required key \"vip\"") != std::string::npos);
}
