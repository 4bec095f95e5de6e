#include "pipeline/rollout/haproxy_master.hpp"

#include <algorithm>
#include <sstream>

#include "common/text.hpp"

namespace lbdeploy::rollout {

using common::parse_integer;

std::optional<MasterStatus> parse_show_proc(std::string_view text) {
    MasterStatus status;
    bool have_master = false;
    enum class Section { master, workers, old_workers, other } section = Section::master;
    std::istringstream lines{std::string(text)};
    std::string line;
    while (std::getline(lines, line)) {
        if (line.starts_with("# workers")) {
            section = Section::workers;
            continue;
        }
        if (line.starts_with("# old workers")) {
            section = Section::old_workers;
            continue;
        }
        if (line.starts_with('#')) {
            if (!line.starts_with("#<PID>")) section = Section::other;
            continue;
        }
        std::istringstream fields(line);
        std::string pid_text, type, reloads;
        if (!(fields >> pid_text >> type >> reloads)) continue;
        auto pid = parse_integer<int>(pid_text);
        if (!pid) continue;
        if (type == "master") {
            have_master = true;
            status.master_pid = *pid;
            status.reloads = parse_integer<int>(reloads).value_or(0);
            auto failed = line.find("[failed: ");
            if (failed != std::string::npos) {
                auto start = failed + 9;
                status.failed_reloads = parse_integer<int>(std::string_view(line).substr(start, line.find(']', start) - start))
                                            .value_or(0);
            }
        } else if (type == "worker" && section == Section::workers) {
            status.workers.push_back(*pid);
        } else if (type == "worker" && section == Section::old_workers) {
            status.old_workers.push_back(*pid);
        }
    }
    if (!have_master) return std::nullopt;
    return status;
}

ReloadProgress reload_progress(const MasterStatus& before, const MasterStatus& after) {
    // The counter of failed reloads only grows until a reload succeeds.
    if (after.failed_reloads > before.failed_reloads ||
        (after.failed_reloads > 0 && after.reloads > before.reloads && after.workers == before.workers)) {
        return ReloadProgress::failed;
    }
    bool new_worker = std::any_of(after.workers.begin(), after.workers.end(), [&](int pid) {
        return std::find(before.workers.begin(), before.workers.end(), pid) == before.workers.end();
    });
    return new_worker ? ReloadProgress::done : ReloadProgress::pending;
}

}  // namespace lbdeploy::rollout
