#pragma once
// One job run now, in this process, recorded in the job store like any other:
// `lbdeploy deploy` and `lbdeploy recover`. Queues it, starts it unless another
// job of its pair runs (a job whose process died is marked interrupted first),
// prints its steps and log, and its verdict. Ctrl-C cancels at a safe point.

#include "cli/commands.hpp"
#include "config/config.hpp"
#include "pipeline/rollout/pair_source.hpp"
#include "storage/job.hpp"

namespace lbdeploy::cli {

class Arguments;

// --by, else $SUDO_USER or $USER: who asks, for the job history.
std::string requested_by(const Arguments& arguments);
// The pair --pair names; a UsageError listing the pairs when there is none.
const config::Pair& pair_argument(const config::Config& config, const Arguments& arguments);

// Returns the exit code: 0 when the job succeeded, 1 otherwise (also when it
// could not start, or a `recovery: manual` pair needs recovery and `request`
// is a deploy: the message says so).
int run_job_here(const config::Config& config, rollout::Repositories& repositories, const storage::NewJob& request,
                 const char* command, Streams streams);

}  // namespace lbdeploy::cli
