#pragma once
// Where a rollout reports what it does, as it happens: steps and log lines.
// The job recorder (job_recorder.hpp) stores them; the CLI also prints them.

#include <cstdint>
#include <string>
#include <string_view>

#include "pipeline/rollout/step_names.hpp"
#include "storage/job.hpp"

namespace lbdeploy::rollout {

using StepId = std::int64_t;

class Reporter {
public:
    virtual ~Reporter() = default;
    // `node` is empty for pair-wide steps and lines.
    virtual StepId begin_step(const std::string& node, StepName step) = 0;
    virtual void end_step(StepId step, storage::StepState state, const std::string& message) = 0;
    // `stream`: info | stdout | stderr | error | diff
    virtual void log(const std::string& node, std::string_view stream, std::string_view text) = 0;
    // What the rollout learnt about the nodes, for the pair's state.
    virtual void node_deployed(const std::string& node, const std::string& commit) = 0;
    virtual void vip_seen(const std::string& node, bool holds_vip) = 0;
    // The pre-check found the VIP on `master`: every step of each node, those
    // already recorded included, carries its role.
    virtual void roles_found(const std::string& master, const std::string& backup) = 0;
    // True once someone asked to cancel the job; read at safe points only.
    virtual bool cancel_requested() = 0;
    // What the nodes' journals say of the pair: `node` was found half-done
    // (by a journal entry of a job deploying `commit`) and is not recovered,
    // for `reason`; or, after both journals were read and whatever they held
    // was recovered, the pair is consistent. Only the job store keeps this.
    virtual void needs_recovery(const std::string& node, const std::string& reason, const std::string& commit) {
        (void)node, (void)reason, (void)commit;
    }
    virtual void pair_consistent() {}
};

}  // namespace lbdeploy::rollout
