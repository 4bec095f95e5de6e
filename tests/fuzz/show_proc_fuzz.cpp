// parse_show_proc on arbitrary master CLI answers (a node's HAProxy, or
// whatever answers on its socket). Besides not crashing: a status it reads,
// written back as HAProxy 2.6 prints `show proc`, reads back the same; and no
// status is a done or failed reload when compared with itself.

#include <fmt/format.h>

#include <string>

#include "fuzz_support.hpp"
#include "pipeline/rollout/haproxy_master.hpp"

using lbdeploy::fuzz::require;
using namespace lbdeploy::rollout;

namespace {

std::string show_proc(const MasterStatus& status) {
    auto text = fmt::format("#<PID>          <type>          <reloads>       <uptime>        <version>\n"
                            "{}           master          {} [failed: {}]   0d00h01m04s     2.6.12-1+deb12u4\n"
                            "# workers\n",
                            status.master_pid, status.reloads, status.failed_reloads);
    for (int pid : status.workers) text += fmt::format("{}           worker          0               0d00h00m01s     2.6.12\n", pid);
    text += "# old workers\n";
    for (int pid : status.old_workers) text += fmt::format("{}           worker          1               0d00h01m06s     2.6.12\n", pid);
    return text + "# programs\n\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto status = parse_show_proc(lbdeploy::fuzz::as_text(data, size));
    if (!status) return 0;
    auto again = parse_show_proc(show_proc(*status));
    require(again.has_value(), "a status written as show proc output is read back");
    require(again->master_pid == status->master_pid && again->reloads == status->reloads &&
                again->failed_reloads == status->failed_reloads && again->workers == status->workers &&
                again->old_workers == status->old_workers,
            "a status written as show proc output reads back the same");
    require(reload_progress(*status, *status) == ReloadProgress::pending,
            "a status compared with itself is neither a done nor a failed reload");
    return 0;
}
