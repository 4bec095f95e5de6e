#include "cli/commands.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ostream>

#include "cli/arguments.hpp"
#include "cli/dead_jobs.hpp"
#include "cli/store_location.hpp"
#include "storage/job_store.hpp"
#include "storage/schema.hpp"

namespace lbdeploy::cli {

const char* const jobs_usage =
    "usage: lbdeploy jobs [-c CONFIG | --db FILE] [--pair PAIR] [--state STATE] [--limit N]\n"
    "\n"
    "Lists jobs from the job store, newest first. The store is data_dir/lbdeploy.db\n"
    "of the configuration (default /etc/lbdeploy/lbdeploy.yaml), or --db.\n"
    "\n"
    "  -c, --config  the configuration file whose job store to read\n"
    "  --db      a job store file instead (lbdeploy.db)\n"
    "  --pair    only this pair's jobs\n"
    "  --state   queued, running, succeeded, failed, cancelled, superseded or interrupted\n"
    "  --limit   how many jobs to show (default 50)\n";

namespace {

std::string format_time(storage::TimeMs ms) {
    auto seconds = std::chrono::sys_seconds(std::chrono::seconds(ms / 1000));
    return fmt::format("{:%Y-%m-%d %H:%M:%S}", seconds);
}

std::string format_duration(const storage::Job& job) {
    if (!job.started_at) return "-";
    auto end = job.finished_at.value_or(storage::now_ms());
    auto total = (end - *job.started_at) / 1000;
    return total >= 60 ? fmt::format("{}m{:02}s", total / 60, total % 60) : fmt::format("{}s", total);
}

storage::JobFilter parse_filter(const Arguments& arguments) {
    storage::JobFilter filter;
    filter.pair = arguments.value("pair");
    if (auto state = arguments.value("state")) {
        filter.state = storage::parse_job_state(*state);
        if (!filter.state) throw UsageError("unknown state \"" + *state + "\"");
    }
    if (auto limit = arguments.value("limit")) {
        try {
            filter.limit = std::stoi(*limit);
        } catch (const std::exception&) {
            throw UsageError("--limit needs a number");
        }
        if (filter.limit < 1) throw UsageError("--limit needs a positive number");
    }
    return filter;
}

}  // namespace

int jobs_command(const std::vector<std::string>& args, Streams streams) {
    Arguments arguments(args, {{"config", 'c', true}, {"db", '\0', true}, {"pair", '\0', true},
                               {"state", '\0', true}, {"limit", '\0', true}});
    if (!arguments.positionals().empty()) throw UsageError("jobs takes no positional arguments");
    auto filter = parse_filter(arguments);
    auto path = store_path(arguments, streams);
    if (!path) return 1;
    auto db = storage::open_store(*path);
    storage::JobStore store(db);
    interrupt_dead_jobs(store, streams.err);
    auto jobs = store.list(filter);
    if (jobs.empty()) {
        streams.out << "no jobs\n";
        return 0;
    }
    streams.out << fmt::format("{:>6}  {:<16} {:<11} {:<7} {:<8} {:<16} {:<19} {:>8}  {}\n", "ID", "PAIR", "STATE",
                               "TRIGGER", "COMMIT", "REF", "CREATED (UTC)", "DURATION", "BY / ERROR");
    for (const auto& job : jobs) {
        auto note = job.error.empty() ? job.requested_by : job.error;
        if (job.dry_run) note = "[dry run] " + note;
        if (job.rollback) note = "[rollback] " + note;
        streams.out << fmt::format("{:>6}  {:<16} {:<11} {:<7} {:<8} {:<16} {:<19} {:>8}  {}\n", job.id, job.pair,
                                   storage::to_string(job.state), storage::to_string(job.trigger),
                                   job.commit.substr(0, 8), job.ref, format_time(job.created_at),
                                   format_duration(job), note);
    }
    return 0;
}

}  // namespace lbdeploy::cli
