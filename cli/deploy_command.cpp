#include "cli/commands.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <cstdlib>
#include <ostream>

#include "cli/arguments.hpp"
#include "cli/cancel_on_signal.hpp"
#include "cli/console_reporter.hpp"
#include "cli/dead_jobs.hpp"
#include "cli/store_location.hpp"
#include "common/process_identity.hpp"
#include "config/config_loader.hpp"
#include "pipeline/jobs/job_runner.hpp"
#include "pipeline/jobs/revisions.hpp"
#include "pipeline/rollout/pair_source.hpp"
#include "pipeline/rollout/rollout.hpp"
#include "pipeline/transport/git_mirror.hpp"
#include "pipeline/transport/ssh_session.hpp"
#include "storage/job_store.hpp"
#include "storage/schema.hpp"

namespace lbdeploy::cli {

const char* const deploy_usage =
    "usage: lbdeploy deploy [-c CONFIG] --pair PAIR [--ref REF | --commit SHA] [--rollback] [--dry-run] [--by NAME]\n"
    "\n"
    "Runs one deployment of PAIR now, in this process, recorded in the job store\n"
    "like any other job, and prints its progress. Exit 0 when it succeeded, 1 when\n"
    "it failed or was cancelled, 2 for a usage error.\n"
    "\n"
    "  -c, --config  the configuration file (default /etc/lbdeploy/lbdeploy.yaml)\n"
    "  --pair      the pair to deploy, as named under `pairs:` (required)\n"
    "  --ref       branch or tag of the pair's repository (default: its branch)\n"
    "  --commit    a commit SHA (full or abbreviated) instead of --ref\n"
    "  --rollback  allow a commit older than what a node of the pair runs (without\n"
    "              it, such a commit is refused: it would take the pair back)\n"
    "  --dry-run   plan and pre-check, then show the diff per node; change nothing\n"
    "  --by        who asks, for the job history (default: $SUDO_USER or $USER)\n"
    "\n"
    "Ctrl-C cancels at the next safe point (between nodes), never half a node.\n";

namespace {

std::string requested_by(const Arguments& arguments) {
    if (auto by = arguments.value("by")) return *by;
    for (const char* name : {"SUDO_USER", "USER"}) {
        if (const char* value = std::getenv(name); value && *value) return value;
    }
    return "cli";
}

struct Target {
    const config::Pair* pair;
    std::string ref;
    std::string commit;
};

Target resolve_target(const config::Config& config, const Arguments& arguments, rollout::Repositories& repos) {
    auto pair_name = arguments.value("pair");
    if (!pair_name) throw UsageError("--pair is required");
    const auto* pair = config.find_pair(*pair_name);
    if (!pair) {
        std::string known;
        for (const auto& p : config.pairs) known += (known.empty() ? "" : ", ") + p.name;
        throw UsageError(fmt::format("no pair \"{}\" in the configuration (pairs: {})", *pair_name, known));
    }
    auto commit = arguments.value("commit");
    auto ref = arguments.value("ref");
    if (commit && ref) throw UsageError("give --ref or --commit, not both");
    std::string wanted = commit ? *commit : ref ? *ref : config.find_repository(pair->repository)->branch;
    return {pair, commit ? *commit : wanted, repos.resolve(*pair, wanted)};
}

int run_job(const config::Config& config, const Target& target, rollout::Repositories& repos,
            storage::Database& db, const storage::Job& job, const std::filesystem::path& store, Streams streams) {
    CancelOnSignal cancel_on_signal(store, job.id);
    ConsoleReporter console(streams.out);
    auto outcome = jobs::run_job(config, db, job, repos, &console);
    auto what = job.dry_run ? "dry run of" : "deployment of";
    streams.out << fmt::format("\n{}: {} {} at {:.12} (job {}) in {:.1f} s{}{}\n",
                               outcome.state == storage::JobState::succeeded ? "SUCCEEDED"
                               : outcome.state == storage::JobState::cancelled ? "CANCELLED"
                                                                                : "FAILED",
                               what, target.pair->name, job.commit, job.id, console.seconds_since_start(),
                               outcome.error.empty() ? "" : ": ", outcome.error);
    return outcome.state == storage::JobState::succeeded ? 0 : 1;
}

}  // namespace

int deploy_command(const std::vector<std::string>& args, Streams streams) {
    Arguments arguments(args, {{"config", 'c', true}, {"pair", '\0', true}, {"ref", '\0', true},
                               {"commit", '\0', true}, {"dry-run", '\0', false}, {"rollback", '\0', false},
                               {"by", '\0', true}});
    if (!arguments.positionals().empty()) throw UsageError("deploy takes no positional arguments");
    auto config = config::load_config_or_throw(arguments.value("config").value_or(default_config_path));
    transport::SshLibrary ssh_library;
    transport::GitLibrary git_library;
    rollout::Repositories repos(config);
    Target target;
    try {
        target = resolve_target(config, arguments, repos);
    } catch (const transport::GitError& error) {
        streams.err << "lbdeploy deploy: " << error.what() << '\n';
        return 1;
    }
    auto store = config.server.data_dir / store_file_name;
    auto db = storage::open_store(store);
    auto deployed = jobs::deployed_commits(db, *target.pair);
    bool rollback = jobs::takes_back(repos.fetched(target.pair->repository), deployed, target.commit);
    // A dry run changes nothing, so previewing a rollback needs no --rollback.
    if (rollback && !arguments.flag("rollback") && !arguments.flag("dry-run")) {
        streams.err << "lbdeploy deploy: " << jobs::describe_rollback(*target.pair, target.commit, deployed)
                    << "; to roll back, pass --rollback\n";
        return 1;
    }
    storage::JobStore jobs(db);
    interrupt_dead_jobs(jobs, streams.err);
    storage::NewJob request;
    request.pair = target.pair->name;
    request.repository = target.pair->repository;
    request.commit = target.commit;
    request.ref = target.ref;
    request.trigger = storage::Trigger::manual;
    request.requested_by = requested_by(arguments);
    request.dry_run = arguments.flag("dry-run");
    request.rollback = rollback;
    auto queued = jobs.enqueue(request);
    if (!queued.created) {
        streams.err << fmt::format("lbdeploy deploy: job {} for {} at {:.12} is already queued or running\n",
                                   queued.job_id, request.pair, request.commit);
        return 1;
    }
    auto job = jobs.start(queued.job_id, common::this_process_identity());
    if (!job) {
        auto now = jobs.find(queued.job_id);
        if (now && now->state == storage::JobState::queued) {
            jobs.cancel(queued.job_id);
            streams.err << fmt::format("lbdeploy deploy: another job of {} is running; job {} was not started\n",
                                       request.pair, queued.job_id);
        } else {
            streams.err << fmt::format("lbdeploy deploy: job {} was taken by a running lbdeploy server; follow "
                                       "it there\n", queued.job_id);
        }
        return 1;
    }
    return run_job(config, target, repos, db, *job, store, streams);
}

}  // namespace lbdeploy::cli
