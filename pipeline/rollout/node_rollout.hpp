#pragma once
// docs/design.md §3 on one node: compare and pre-flight (stage the changed
// files beside their targets, validate them there), then back up, install
// (rename the staged files), reload, post-check; on any failure restore the
// node exactly as it was. Also the dry run's per-node diff. Every step is
// recorded through the Reporter.

#include <string>
#include <vector>

#include "config/config.hpp"
#include "pipeline/rollout/node_journal.hpp"
#include "pipeline/rollout/node_link.hpp"
#include "pipeline/rollout/plan.hpp"
#include "pipeline/rollout/remote_files.hpp"
#include "pipeline/rollout/reporter.hpp"
#include "pipeline/rollout/step.hpp"

namespace lbdeploy::rollout {

class NodeRollout {
public:
    // `tag` names the backup directory and temporary files (the job id).
    // `journal` is what the node's journal records while the node is not
    // verified (job, pair, node, commit); deploy() adds the backup and the
    // services.
    NodeRollout(const config::Pair& pair, const NodeLink& link, const NodePlan& plan, Reporter& reporter,
                WaitTimes& waits, std::string tag, transport::Duration reload_timeout, JournalEntry journal);

    const std::string& name() const { return link_.name(); }

    // Reads the node's current files (step "compare"). Only reads.
    StepResult compare();
    bool has_changes() const { return !changes_.empty(); }
    // Whether a changed file belongs to a service that carries traffic (its
    // reload on the VIP holder calls for a failover first).
    bool disturbs_traffic() const;

    // The pre-flight's work, on any thread (it reports to `log` and adds to
    // `waits` only, not to the rollout's own): removes what a dead job left
    // staged, stages the changed files and validates them in a private mount
    // namespace. On failure nothing stays staged. Touches no live file.
    StepResult pre_flight(Reporter& log, WaitTimes& waits);
    // Removes the staged files (a dry run, or a pair that stops before this node).
    void discard_staged() noexcept { files_.discard_staged(); }

    // Deploys the changed files (staged by pre_flight(), or staged now); on
    // failure the node is restored and the result is the failing step's.
    StepResult deploy();

    // After a failure elsewhere in the pair: this node, deployed and verified,
    // goes back to what it had before (step "restore", with reload and node
    // checks), so both nodes run the same commit again.
    StepResult roll_back();

    // The node ended verified: deployed and post-checked, or restored.
    bool verified() const { return verified_; }

    // The BACKUP's journal entry stays open after its post-check, until the
    // pair is done with it (the old MASTER deployed, or rolled back): a
    // deployer that dies during the MASTER's steps leaves both nodes to be
    // recovered, so the pair comes back on one commit.
    void hold_journal() { hold_journal_ = true; }
    // Closes a held entry: the pair is done with this node's change.
    void close_journal();

    // Dry run (step "diff"): logs the unified diff of every file that would
    // change and the services that would reload. Writes nothing.
    StepResult show_diff();

private:
    StepResult step(StepName name, const std::function<StepResult()>& body);
    // Step "restore": the changed files back as they were, verified; with
    // `reload`, the services reloaded and the node checked again.
    StepResult restore(bool reload);

    const config::Pair& pair_;
    NodeLink link_;
    const NodePlan& plan_;
    Reporter& reporter_;
    WaitTimes& waits_;
    transport::Duration reload_timeout_;
    RemoteFiles files_;
    JournalEntry journal_;
    std::vector<FileChange> changes_;
    bool verified_ = false;
    bool hold_journal_ = false;
    bool validated_in_pre_flight_ = false;
};

}  // namespace lbdeploy::rollout
