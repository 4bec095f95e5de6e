#include "cli/dead_jobs.hpp"

#include <fmt/format.h>

#include "common/process_identity.hpp"

namespace lbdeploy::cli {

void interrupt_dead_jobs(storage::JobStore& jobs, std::ostream& out) {
    auto gone = [](const storage::Job& job) { return common::liveness_of(job.owner) == common::Liveness::gone; };
    for (auto id : jobs.recover_interrupted(gone)) {
        out << fmt::format("lbdeploy: job {} was left running by a process that died; marked interrupted\n", id);
    }
}

}  // namespace lbdeploy::cli
