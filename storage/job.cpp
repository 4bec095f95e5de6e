#include "storage/job.hpp"

#include <array>
#include <chrono>
#include <utility>

#include "common/process_identity.hpp"

namespace lbdeploy::storage {

namespace {

constexpr std::array job_states{std::pair{JobState::queued, "queued"},       std::pair{JobState::running, "running"},
                                std::pair{JobState::succeeded, "succeeded"}, std::pair{JobState::failed, "failed"},
                                std::pair{JobState::cancelled, "cancelled"}, std::pair{JobState::superseded, "superseded"},
                                std::pair{JobState::interrupted, "interrupted"}};
constexpr std::array triggers{std::pair{Trigger::push, "push"}, std::pair{Trigger::merge, "merge"},
                              std::pair{Trigger::manual, "manual"}, std::pair{Trigger::rerun, "rerun"},
                              std::pair{Trigger::recovery, "recovery"}};
constexpr std::array step_states{std::pair{StepState::running, "running"},
                                 std::pair{StepState::succeeded, "succeeded"}, std::pair{StepState::failed, "failed"},
                                 std::pair{StepState::skipped, "skipped"},
                                 std::pair{StepState::cancelled, "cancelled"}};

template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, const char*>, N>& table, Enum value) {
    for (const auto& [candidate, name] : table) {
        if (candidate == value) return name;
    }
    return "unknown";
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, const char*>, N>& table, std::string_view text) {
    for (const auto& [candidate, name] : table) {
        if (text == name) return candidate;
    }
    return std::nullopt;
}

}  // namespace

std::string_view to_string(JobState state) { return name_of(job_states, state); }
std::string_view to_string(Trigger trigger) { return name_of(triggers, trigger); }
std::string_view to_string(StepState state) { return name_of(step_states, state); }
std::optional<JobState> parse_job_state(std::string_view text) { return value_of(job_states, text); }
std::optional<Trigger> parse_trigger(std::string_view text) { return value_of(triggers, text); }
std::optional<StepState> parse_step_state(std::string_view text) { return value_of(step_states, text); }

bool is_final(JobState state) { return state != JobState::queued && state != JobState::running; }

bool owner_is_gone(const Job& job, TimeMs now) {
    switch (common::liveness_of(job.owner)) {
    case common::Liveness::gone:
        return true;
    case common::Liveness::alive:
        return false;
    case common::Liveness::unknown:
        return job.lease_until && *job.lease_until < now;
    }
    return false;
}

TimeMs now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace lbdeploy::storage
