#include "cli/commands.hpp"

#include <fmt/format.h>

#include <ostream>

#include "cli/arguments.hpp"
#include "cli/job_here.hpp"
#include "cli/store_location.hpp"
#include "config/config_loader.hpp"
#include "pipeline/jobs/recovery_jobs.hpp"
#include "pipeline/transport/git_mirror.hpp"
#include "pipeline/transport/ssh_session.hpp"
#include "storage/schema.hpp"

namespace lbdeploy::cli {

const char* const recover_usage =
    "usage: lbdeploy recover [-c CONFIG] --pair PAIR [--by NAME]\n"
    "\n"
    "Runs a recovery job of PAIR now, in this process: it reads both nodes'\n"
    "journals, puts back every node a dead job left half-done (files from its\n"
    "backup, checked by sha256, services reloaded and verified, the VIP given\n"
    "back), then deploys the commit that job was deploying, so both nodes end on\n"
    "one commit. The way out of \"needs recovery\" for pairs with `recovery: manual`.\n"
    "Exit 0 when it succeeded, 1 otherwise.\n"
    "\n"
    "  -c, --config  the configuration file (default /etc/lbdeploy/lbdeploy.yaml)\n"
    "  --pair        the pair to recover (required)\n"
    "  --by          who asks, for the job history (default: $SUDO_USER or $USER)\n";

int recover_command(const std::vector<std::string>& args, Streams streams) {
    Arguments arguments(args, {{"config", 'c', true}, {"pair", '\0', true}, {"by", '\0', true}});
    if (!arguments.positionals().empty()) throw UsageError("recover takes no positional arguments");
    auto config = config::load_config_or_throw(arguments.value("config").value_or(default_config_path));
    const auto& pair = pair_argument(config, arguments);
    transport::SshLibrary ssh_library;
    transport::GitLibrary git_library;
    rollout::Repositories repos(config);
    storage::NewJob request;
    {
        auto db = storage::open_store(config.server.data_dir / store_file_name);
        auto job = jobs::recovery_job(config, db, pair, requested_by(arguments));
        if (!job) {
            streams.err << "lbdeploy recover: " << job.error() << '\n';
            return 1;
        }
        request = *job;
    }
    return run_job_here(config, repos, request, "recover", streams);
}

}  // namespace lbdeploy::cli
