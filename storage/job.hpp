#pragma once
// The job store's records as plain values.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lbdeploy::storage {

// queued -> running -> succeeded | failed | cancelled
// queued -> superseded | cancelled;  running -> interrupted (server died)
enum class JobState { queued, running, succeeded, failed, cancelled, superseded, interrupted };
enum class Trigger { push, merge, manual, rerun, recovery };
enum class StepState { running, succeeded, failed, skipped, cancelled };

std::string_view to_string(JobState state);
std::string_view to_string(Trigger trigger);
std::string_view to_string(StepState state);
std::optional<JobState> parse_job_state(std::string_view text);
std::optional<Trigger> parse_trigger(std::string_view text);
std::optional<StepState> parse_step_state(std::string_view text);
bool is_final(JobState state);

using JobId = std::int64_t;
using TimeMs = std::int64_t;  // milliseconds since the Unix epoch, UTC

TimeMs now_ms();

struct NewJob {
    std::string pair;
    std::string repository;
    std::string commit;  // full SHA
    std::string ref;     // branch or ref it came from, for people
    Trigger trigger = Trigger::manual;
    std::string requested_by;
    bool dry_run = false;
    std::optional<JobId> rerun_of;
    std::optional<std::int64_t> delivery_id;
    bool rollback = false;  // takes the pair back to an older commit, as explicitly asked
};

struct Job {
    JobId id = 0;
    std::string pair;
    std::string repository;
    std::string commit;
    std::string ref;
    Trigger trigger = Trigger::manual;
    std::string requested_by;
    bool dry_run = false;
    JobState state = JobState::queued;
    bool cancel_requested = false;
    TimeMs created_at = 0;
    std::optional<TimeMs> started_at;
    std::optional<TimeMs> finished_at;
    std::string error;
    std::optional<JobId> rerun_of;
    std::optional<JobId> superseded_by;
    std::optional<std::int64_t> delivery_id;
    std::string owner;  // while running: "HOST PID STARTTIME" of the process running it
    std::optional<TimeMs> lease_until;  // while running: renewed by the owner (jobs::LeaseKeeper)
    bool rollback = false;
};

// How long a running job's lease lasts, and how often its owner renews it.
constexpr TimeMs job_lease_ms = 60'000;
constexpr TimeMs job_lease_renewal_ms = 10'000;

// Whether the process that runs `job` is gone: on this host, no process with
// its PID and start time; on another host (which this one cannot see), its
// lease ran out. A job without an owner (from before owners were recorded)
// is gone.
bool owner_is_gone(const Job& job, TimeMs now);

struct Step {
    std::int64_t id = 0;
    JobId job_id = 0;
    std::string node;  // empty for pair-wide steps (plan, failover, final check)
    std::string name;
    std::string role;  // "master" | "backup"; empty for pair-wide steps and before the VIP holder is known
    StepState state = StepState::running;
    TimeMs started_at = 0;
    std::optional<TimeMs> finished_at;
    std::string message;
};

struct NewLogLine {
    std::string node;             // empty for pair-wide lines
    std::string stream = "info";  // info | stdout | stderr | error
    std::string text;
    std::optional<TimeMs> time;   // unset = now
};

struct LogLine {
    std::int64_t seq = 0;  // 1, 2, 3 ... per job, no gaps
    TimeMs time = 0;
    std::string node;
    std::string stream;
    std::string text;
};

}  // namespace lbdeploy::storage
