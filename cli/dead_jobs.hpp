#pragma once
// Jobs left `running` by an lbdeploy process that died (SIGKILL, OOM, a
// crashed host) must not block the pair: the CLI marks them interrupted as
// soon as it sees them, and the next job of the pair recovers its nodes.

#include <ostream>

#include "storage/job_store.hpp"

namespace lbdeploy::cli {

// Marks every running job whose process is gone from this host interrupted,
// telling `out` about each. Jobs of processes on other hosts are left alone.
void interrupt_dead_jobs(storage::JobStore& jobs, std::ostream& out);

}  // namespace lbdeploy::cli
