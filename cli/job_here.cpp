#include "cli/job_here.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <ostream>

#include "cli/arguments.hpp"
#include "cli/cancel_on_signal.hpp"
#include "cli/console_reporter.hpp"
#include "cli/dead_jobs.hpp"
#include "cli/store_location.hpp"
#include "common/process_identity.hpp"
#include "pipeline/jobs/job_runner.hpp"
#include "storage/job_store.hpp"
#include "storage/recovery_store.hpp"
#include "storage/schema.hpp"

namespace lbdeploy::cli {

namespace {

const char* verdict(storage::JobState state) {
    switch (state) {
    case storage::JobState::succeeded:
        return "SUCCEEDED";
    case storage::JobState::cancelled:
        return "CANCELLED";
    default:
        return "FAILED";
    }
}

const char* what_it_was(const storage::Job& job) {
    if (job.dry_run) return "dry run of";
    return job.trigger == storage::Trigger::recovery ? "recovery of" : "deployment of";
}

int run_started(const config::Config& config, rollout::Repositories& repositories, storage::Database& db,
                const storage::Job& job, Streams streams) {
    CancelOnSignal cancel_on_signal(db.path(), job.id);
    ConsoleReporter console(streams.out);
    auto outcome = jobs::run_job(config, db, job, repositories, &console);
    streams.out << fmt::format("\n{}: {} {} at {:.12} (job {}) in {:.1f} s{}{}\n", verdict(outcome.state),
                               what_it_was(job), job.pair, job.commit, job.id, console.seconds_since_start(),
                               outcome.error.empty() ? "" : ": ", outcome.error);
    return outcome.state == storage::JobState::succeeded ? 0 : 1;
}

// A deploy of a `recovery: manual` pair that needs recovery waits for it.
bool refused_while_unrecovered(const config::Config& config, storage::Database& db, const storage::NewJob& request,
                               const char* command, std::ostream& err) {
    const auto* pair = config.find_pair(request.pair);
    if (request.dry_run || request.trigger == storage::Trigger::recovery || !pair ||
        pair->recovery != config::Recovery::manual) {
        return false;
    }
    auto mark = storage::RecoveryStore(db).find(request.pair);
    if (!mark) return false;
    err << fmt::format("lbdeploy {}: pair {} needs recovery ({}); its recovery is manual: run `lbdeploy recover "
                       "--pair {}` first\n", command, request.pair, mark->reason, request.pair);
    return true;
}

}  // namespace

std::string requested_by(const Arguments& arguments) {
    if (auto by = arguments.value("by")) return *by;
    for (const char* name : {"SUDO_USER", "USER"}) {
        if (const char* value = std::getenv(name); value && *value) return value;
    }
    return "cli";
}

const config::Pair& pair_argument(const config::Config& config, const Arguments& arguments) {
    auto name = arguments.value("pair");
    if (!name) throw UsageError("--pair is required");
    const auto* pair = config.find_pair(*name);
    if (!pair) {
        std::string known;
        for (const auto& p : config.pairs) known += (known.empty() ? "" : ", ") + p.name;
        throw UsageError(fmt::format("no pair \"{}\" in the configuration (pairs: {})", *name, known));
    }
    return *pair;
}

int run_job_here(const config::Config& config, rollout::Repositories& repositories, const storage::NewJob& request,
                 const char* command, Streams streams) {
    auto db = storage::open_store(config.server.data_dir / store_file_name);
    storage::JobStore jobs(db);
    interrupt_dead_jobs(jobs, streams.err);
    if (refused_while_unrecovered(config, db, request, command, streams.err)) return 1;
    auto queued = jobs.enqueue(request);
    if (!queued.created) {
        streams.err << fmt::format("lbdeploy {}: job {} for {} at {:.12} is already queued or running\n", command,
                                   queued.job_id, request.pair, request.commit);
        return 1;
    }
    auto job = jobs.start(queued.job_id, common::this_process_identity());
    if (!job) {
        auto now = jobs.find(queued.job_id);
        if (now && now->state == storage::JobState::queued) {
            jobs.cancel(queued.job_id);
            streams.err << fmt::format("lbdeploy {}: another job of {} is running; job {} was not started\n", command,
                                       request.pair, queued.job_id);
        } else {
            streams.err << fmt::format("lbdeploy {}: job {} was taken by a running lbdeploy server; follow it there\n",
                                       command, queued.job_id);
        }
        return 1;
    }
    return run_started(config, repositories, db, *job, streams);
}

}  // namespace lbdeploy::cli
