#pragma once
// Who runs a job: "HOST PID STARTTIME" (STARTTIME from /proc/PID/stat, so a
// reused PID is told apart). Written on a job when it starts; read to decide
// whether the job's process is still alive, on this host.

#include <string>

namespace lbdeploy::common {

// This process.
std::string this_process_identity();

enum class Liveness { alive, gone, unknown };

// gone: on this host, and no running process has that PID and start time (a
// zombie counts as gone). unknown: another host's process, which this one
// cannot see. An empty or unreadable identity is gone (a job from before
// owners were recorded).
Liveness liveness_of(const std::string& identity);

}  // namespace lbdeploy::common
