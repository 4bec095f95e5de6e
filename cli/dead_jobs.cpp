#include "cli/dead_jobs.hpp"

#include <fmt/format.h>

namespace lbdeploy::cli {

void interrupt_dead_jobs(storage::JobStore& jobs, std::ostream& out) {
    for (auto id : jobs.recover_interrupted()) {
        out << fmt::format("lbdeploy: job {} was left running by a process that died; marked interrupted\n", id);
    }
}

}  // namespace lbdeploy::cli
