#pragma once
// HAProxy's master CLI in master-worker mode (`haproxy -W -S socket`).
// `kill -USR2` and `reload` succeed even when HAProxy rejects the new
// configuration, so a reload is verified here: it counts once `show proc`
// lists a worker that was not there before, and fails when the master reports
// a failed reload.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lbdeploy::rollout {

struct MasterStatus {
    int master_pid = 0;
    int reloads = 0;
    int failed_reloads = 0;
    std::vector<int> workers;      // current workers
    std::vector<int> old_workers;  // still finishing connections of an older config
};

// Parses the answer to "show proc"; nullopt when it has no master line.
std::optional<MasterStatus> parse_show_proc(std::string_view text);

enum class ReloadProgress { pending, done, failed };

// Compares the status after a reload with the one before it.
ReloadProgress reload_progress(const MasterStatus& before, const MasterStatus& after);

}  // namespace lbdeploy::rollout
