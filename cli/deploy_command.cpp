#include "cli/commands.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <ostream>

#include "cli/arguments.hpp"
#include "cli/job_here.hpp"
#include "cli/store_location.hpp"
#include "config/config_loader.hpp"
#include "pipeline/jobs/revisions.hpp"
#include "pipeline/rollout/pair_source.hpp"
#include "pipeline/transport/git_mirror.hpp"
#include "pipeline/transport/ssh_session.hpp"
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
    "  --ref       branch or tag of the pair's repository (default: the head of its\n"
    "              branch, never a tag of the same name)\n"
    "  --commit    a commit SHA (full or abbreviated) instead of --ref\n"
    "  --rollback  allow a commit older than what a node of the pair runs (without\n"
    "              it, such a commit is refused: it would take the pair back)\n"
    "  --dry-run   plan and pre-check, then show the diff per node; change nothing\n"
    "  --by        who asks, for the job history (default: $SUDO_USER or $USER)\n"
    "\n"
    "Ctrl-C cancels at the next safe point (between nodes), never half a node.\n";

namespace {

struct Target {
    const config::Pair* pair;
    std::string ref;
    std::string commit;
};

Target resolve_target(const config::Config& config, const Arguments& arguments, rollout::Repositories& repos) {
    const auto* pair = &pair_argument(config, arguments);
    auto commit = arguments.value("commit");
    auto ref = arguments.value("ref");
    if (commit && ref) throw UsageError("give --ref or --commit, not both");
    // Neither: the head of the branch itself, never a tag that shares its name.
    if (!commit && !ref) {
        return {pair, config.find_repository(pair->repository)->branch, repos.branch_head(pair->repository)};
    }
    auto wanted = commit ? *commit : *ref;
    return {pair, wanted, repos.resolve(*pair, wanted)};
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
    bool rollback = false;
    {
        auto db = storage::open_store(config.server.data_dir / store_file_name);
        auto deployed = jobs::deployed_commits(db, *target.pair);
        rollback = jobs::takes_back(repos.fetched(target.pair->repository), deployed, target.commit);
        // A dry run changes nothing, so previewing a rollback needs no --rollback.
        if (rollback && !arguments.flag("rollback") && !arguments.flag("dry-run")) {
            streams.err << "lbdeploy deploy: " << jobs::describe_rollback(*target.pair, target.commit, deployed)
                        << "; to roll back, pass --rollback\n";
            return 1;
        }
    }
    storage::NewJob request;
    request.pair = target.pair->name;
    request.repository = target.pair->repository;
    request.commit = target.commit;
    request.ref = target.ref;
    request.trigger = storage::Trigger::manual;
    request.requested_by = requested_by(arguments);
    request.dry_run = arguments.flag("dry-run");
    request.rollback = rollback;
    return run_job_here(config, repos, request, "deploy", streams);
}

}  // namespace lbdeploy::cli
