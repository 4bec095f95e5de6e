#include "pipeline/rollout/rollout.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <future>

#include "pipeline/rollout/check_runner.hpp"
#include "pipeline/rollout/failover.hpp"
#include "pipeline/rollout/node_journal.hpp"
#include "pipeline/rollout/node_recovery.hpp"
#include "pipeline/rollout/pair_pre_flight.hpp"
#include "pipeline/rollout/plan.hpp"

namespace lbdeploy::rollout {

namespace {

using Clock = std::chrono::steady_clock;
using storage::JobState;

RolloutOutcome outcome(JobState state, std::string error = {}) {
    RolloutOutcome result;
    result.state = state;
    result.error = std::move(error);
    return result;
}

RolloutOutcome failed(std::string error) {
    return outcome(JobState::failed, std::move(error));
}

const char* const untouched = "; nothing was touched";

struct JournalRead {
    NodeEntries entries;
    std::string unreadable;  // why the journal could not be read; empty = it was
};

JournalRead read_entries(transport::SshSession* session) {
    JournalRead read;
    try {
        read.entries.files = NodeJournal(*session).read();
        read.entries.vip = NodeJournal(*session, NodeJournal::vip_path).read();
    } catch (const std::exception& e) {
        read.unreadable = e.what();
    }
    return read;
}

}  // namespace

struct Rollout::State {
    RolloutRequest request;
    Plan plan;
    std::vector<std::optional<transport::SshSession>> sessions;
    std::vector<NodeLink> links;
    WaitTimes waits;
    std::size_t master = 0;
    std::string tag;  // names backups and temporary files on the nodes
    std::size_t backup() const { return 1 - master; }
    const std::string& name(std::size_t index) const { return links[index].name(); }
    JournalEntry journal(const std::string& pair, std::size_t index) const {
        return {request.job, pair, name(index), request.commit, {}, {}};
    }
};

Rollout::Rollout(const config::Config& config, const config::Pair& pair, Repositories& repositories,
                 Reporter& reporter)
    : config_(config), pair_(pair), repositories_(repositories), reporter_(reporter) {}

RolloutOutcome Rollout::run(const RolloutRequest& request) {
    auto start = Clock::now();
    State state;
    state.request = request;
    // The time keeps backups apart when job ids start again (a new job store).
    state.tag = fmt::format("{:%Y%m%dT%H%M%SZ}-job-{}", std::chrono::floor<std::chrono::seconds>(
                                                          std::chrono::system_clock::now()), request.job);
    auto result = execute(state);
    result.waits = state.waits;
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    const auto& w = result.waits;
    reporter_.log({}, "info",
                  fmt::format("{} in {} ms: waiting {} ms (VIP moves {}, reloads {}, checks {}, validate {}), "
                              "lbdeploy's own work {} ms",
                              storage::to_string(result.state), result.elapsed.count(), w.total().count(),
                              w.vrrp.count(), w.reloads.count(), w.checks.count(), w.validate.count(),
                              (result.elapsed - w.total()).count()));
    return result;
}

// The procedure, as README.md tells it. Each return says what the pair holds then.
RolloutOutcome Rollout::execute(State& state) {
    if (auto planned = plan(state); !planned.passed()) return failed(planned.message);
    if (auto stop = stop_if_cancelled(SafePoint::after_plan)) return *stop;

    // 1. pre-check both nodes and find the one holding the VIP: that one is MASTER.
    if (auto connected = connect(state); !connected.passed()) return failed(connected.message + untouched);
    if (auto recovered = recover(state); !recovered.passed()) {
        return failed(recovered.message + "; the pair needs recovery before it can be deployed");
    }
    if (auto checked = pre_check(state); !checked.passed()) return failed(checked.message + untouched);
    if (auto stop = stop_if_cancelled(SafePoint::after_pre_check)) return *stop;

    // 2. pre-flight, both nodes: stage the changed files beside their
    // targets and validate them there; only when both pass is anything touched.
    auto backup = node_rollout(state, state.backup());
    auto master = node_rollout(state, state.master);
    if (state.request.dry_run) return show_diffs(state, backup, master);
    for (auto index : {state.backup(), state.master}) {
        auto& node = index == state.master ? master : backup;
        if (auto compared = node.compare(); !compared.passed()) {
            return failed(fmt::format("{}: {}{}", state.name(index), compared.message, untouched));
        }
    }
    if (auto flown = pre_flight_pair(reporter_, state.waits, backup, master); !flown.passed()) return failed(flown.message + untouched);
    if (auto stop = stop_if_cancelled(SafePoint::after_pre_flight)) return *stop;  // the staged files go with the NodeRollouts

    // 3.–4. on the BACKUP: back up, install the staged files, reload what changed, post-check.
    backup.hold_journal();  // open until the MASTER is done: see NodeRollout::hold_journal
    if (auto deployed = backup.deploy(); !deployed.passed()) {
        const auto& name = state.name(state.backup());
        if (!backup.verified()) {
            reporter_.needs_recovery(name, "its restore failed: " + deployed.message, state.request.commit);
            return failed(fmt::format("{}: {}; {} NOT restored (see its restore step), {} not touched", name,
                                      deployed.message, name, state.name(state.master)));
        }
        return failed(fmt::format("{}: {}; {} restored, {} not touched", name, deployed.message, name,
                                  state.name(state.master)));
    }
    reporter_.node_deployed(state.name(state.backup()), state.request.commit);

    // 5.–6. the same on the old MASTER, behind a failover when its change touches traffic.
    if (master.has_changes()) {
        if (auto stop = stop_if_cancelled(SafePoint::between_nodes)) {
            backup.close_journal();  // a split the operator asked for, not one to recover from
            return *stop;
        }
        auto deployed = master.disturbs_traffic() ? deploy_behind_failover(state, master, backup)
                                                  : deploy_in_place(state, master, backup);
        if (deployed.state != JobState::succeeded) return deployed;
    } else {
        reporter_.log({}, "info", fmt::format("{} is up to date: the VIP stays where it is", state.name(state.master)));
    }
    backup.close_journal();
    reporter_.node_deployed(state.name(state.master), state.request.commit);

    // 7. check the load-balanced services through the VIP.
    return final_check(state);
}

// Every point where a cancel request is honoured, with what the pair holds there.
std::optional<RolloutOutcome> Rollout::stop_if_cancelled(SafePoint where) {
    if (!reporter_.cancel_requested()) return std::nullopt;
    switch (where) {
    case SafePoint::after_plan:
        reporter_.log({}, "error", "cancelled after planning; nothing was touched");
        return outcome(JobState::cancelled);
    case SafePoint::after_pre_check:
        reporter_.log({}, "error", "cancelled after the pre-check; nothing was touched");
        return outcome(JobState::cancelled);
    case SafePoint::after_pre_flight:
        reporter_.log({}, "error", "cancelled after the pre-flight; nothing was touched, the staged files are removed");
        return outcome(JobState::cancelled);
    case SafePoint::between_nodes:
        reporter_.log({}, "error", "cancelled between the nodes: the BACKUP has the new files, the MASTER the old ones");
        return outcome(JobState::cancelled, "cancelled between the nodes; the nodes now differ");
    }
    return std::nullopt;
}

StepResult Rollout::plan(State& state) {
    return run_step(reporter_, {}, StepName::plan, [&] {
        state.plan = build_plan(pair_, repositories_.read(pair_, state.request.commit));
        for (const auto& error : state.plan.errors) reporter_.log({}, "error", error);
        if (!state.plan.ok()) {
            return StepResult::failure(
                fmt::format("{} planning error(s): {}", state.plan.errors.size(), state.plan.errors[0]));
        }
        return StepResult::success(
            fmt::format("{:.12}: {} file(s) per node", state.request.commit, state.plan.nodes[0].files.size()));
    });
}

StepResult Rollout::connect(State& state) {
    // Both handshakes at once: they are the slowest part of a small rollout.
    std::vector<std::future<transport::SshSession>> connecting;
    for (const auto& node : pair_.nodes) {
        connecting.push_back(std::async(std::launch::async, transport::SshSession::connect,
                                        transport::SshTarget{node.host, config_.ssh}));
    }
    state.sessions.resize(pair_.nodes.size());
    StepResult result = StepResult::success();
    for (std::size_t i = 0; i < pair_.nodes.size(); ++i) {
        const auto& node = pair_.nodes[i];
        auto connected = run_step(reporter_, node.name, StepName::connect, [&] {
            state.sessions[i].emplace(connecting[i].get());
            return StepResult::success(
                fmt::format("{}@{} ({})", config_.ssh.user, node.host, state.sessions[i]->host_key_fingerprint()));
        });
        if (!connected.passed() && result.passed()) result = connected;
        if (connected.passed()) {
            state.links.push_back(NodeLink{&node, &*state.sessions[i], {pair_.name, node.name, node.host, pair_.vip}});
        }
    }
    return result;
}

// A node whose journal holds an unfinished entry is not what its files say:
// it goes back to its verified state before anything else happens. A node
// whose VIP was released goes first: it gets its VIP back before the other
// node, which then carries no traffic, is put back.
StepResult Rollout::recover(State& state) {
    // Both nodes at once: the first SFTP request of a session opens its subsystem.
    std::vector<std::future<JournalRead>> reading;
    for (auto& link : state.links) reading.push_back(std::async(std::launch::async, read_entries, link.session));
    std::vector<JournalRead> found;
    for (auto& read : reading) found.push_back(read.get());
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < found.size(); ++i) {
        if (found[i].entries.files || found[i].entries.vip || !found[i].unreadable.empty()) order.push_back(i);
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return found[a].entries.vip && !found[b].entries.vip; });
    for (auto i : order) {
        // Named, not a structured binding: the lambda below captures them (clang 14 cannot).
        const auto& entries = found[i].entries;
        const auto& unreadable = found[i].unreadable;
        const auto* entry = entries.files ? &*entries.files : entries.vip ? &*entries.vip : nullptr;
        auto recovered = run_step(reporter_, state.name(i), StepName::recover, [&] {
            if (!unreadable.empty()) return StepResult::failure(unreadable);
            auto left = fmt::format("job {} left {} unverified", entry->job, state.name(i));
            if (state.request.dry_run) return StepResult::failure(left + "; a dry run does not recover it");
            if (!state.request.may_recover) {
                return StepResult::failure(fmt::format(
                    "{}; this pair's recovery is manual: POST /api/v1/pairs/{}/recover or lbdeploy recover --pair {}",
                    left, pair_.name, pair_.name));
            }
            RecoveryContext context{pair_, reporter_, state.waits, config_.ssh.command_timeout};
            return recover_node(context, state.links[i], state.links[1 - i], entries);
        });
        if (!recovered.passed()) {
            reporter_.needs_recovery(state.name(i), recovered.message, entry ? entry->commit : std::string());
            return StepResult::failure(fmt::format("{}: {}", state.name(i), recovered.message));
        }
    }
    reporter_.pair_consistent();
    return StepResult::success();
}

StepResult Rollout::pre_check(State& state) {
    for (const auto& link : state.links) {
        auto checked = run_step(reporter_, link.name(), StepName::pre_check, [&] {
            return run_node_checks(pair_, link, reporter_, state.waits);
        });
        if (!checked.passed()) return checked;
    }
    Failover failover(pair_, reporter_, state.waits);
    return run_step(reporter_, {}, StepName::vip, [&] {
        auto holder = failover.find_holder(state.links[0], state.links[1]);
        if (!holder) return StepResult::failure(holder.error());
        state.master = *holder;
        for (std::size_t i = 0; i < 2; ++i) reporter_.vip_seen(state.name(i), i == state.master);
        reporter_.roles_found(state.name(state.master), state.name(state.backup()));
        return StepResult::success(fmt::format("{} is MASTER (holds {}), {} is BACKUP", state.name(state.master),
                                               pair_.vip, state.name(state.backup())));
    });
}

// A dry run: the diffs, then the pre-flight (the validation of the staged
// files), and the staged files removed again. No live file is touched.
RolloutOutcome Rollout::show_diffs(State& state, NodeRollout& backup, NodeRollout& master) {
    for (auto* node : {&backup, &master}) {
        if (auto diff = node->show_diff(); !diff.passed()) return failed(diff.message);
    }
    auto flown = pre_flight_pair(reporter_, state.waits, backup, master);
    backup.discard_staged();
    master.discard_staged();
    if (!flown.passed()) return failed(flown.message + untouched);
    return outcome(JobState::succeeded);
}

NodeRollout Rollout::node_rollout(State& state, std::size_t index) {
    return NodeRollout(pair_, state.links[index], state.plan.nodes[index], reporter_, state.waits, state.tag,
                       config_.ssh.command_timeout, state.journal(pair_.name, index));
}

// Only services that carry no traffic change: no reason to move the VIP.
RolloutOutcome Rollout::deploy_in_place(State& state, NodeRollout& master, NodeRollout& backup) {
    reporter_.log({}, "info", fmt::format("only services without traffic change on {}: the VIP stays",
                                          state.name(state.master)));
    auto deployed = master.deploy();
    if (!deployed.passed()) return master_failed(state, deployed, master, backup);
    return outcome(JobState::succeeded);
}

RolloutOutcome Rollout::deploy_behind_failover(State& state, NodeRollout& master, NodeRollout& backup) {
    Failover failover(pair_, reporter_, state.waits);
    auto& master_link = state.links[state.master];
    auto& backup_link = state.links[state.backup()];
    auto moved = run_step(reporter_, {}, StepName::failover, [&] {
        // Before the VIP leaves: a deployer that dies now leaves a drained
        // node, and the journal is how the next job knows to give it back.
        NodeJournal vip(*master_link.session, NodeJournal::vip_path);
        vip.stage(state.journal(pair_.name, state.master));
        auto released = failover.release(master_link, backup_link, vip.commit_command());
        if (!released.passed()) return released;
        auto checked = run_service_checks(pair_, backup_link, reporter_, state.waits);
        return checked.passed() ? released : checked;
    });
    auto give_back = [&] {
        return run_step(reporter_, {}, StepName::give_back_vip, [&] {
            auto given_back = failover.give_back(master_link, backup_link);
            if (given_back.passed()) NodeJournal(*master_link.session, NodeJournal::vip_path).close();
            return given_back;
        });
    };
    auto not_given_back = [&](const StepResult& given_back) {
        reporter_.needs_recovery(master_link.name(), "its VIP was not given back: " + given_back.message,
                                 state.request.commit);
        return failed(fmt::format("give back VIP: {}; {} holds the VIP", given_back.message, backup_link.name()));
    };
    if (!moved.passed()) {
        if (auto given_back = give_back(); !given_back.passed()) return not_given_back(given_back);
        return second_node_failed(
            state, fmt::format("failover: {}; {} not touched", moved.message, master_link.name()), backup);
    }
    auto deployed = master.deploy();
    if (deployed.passed()) backup.close_journal();  // both nodes verified on the new commit
    auto given_back = give_back();
    if (!deployed.passed()) return master_failed(state, deployed, master, backup);
    if (!given_back.passed()) return not_given_back(given_back);
    return outcome(JobState::succeeded);
}

// The old MASTER failed. Restored, it runs the old commit again: so does the
// BACKUP (verified on the new commit, no longer carrying traffic) unless the
// pair says keep_backup. Not restored, it needs recovery, and the BACKUP's
// entry stays open for that recovery too.
RolloutOutcome Rollout::master_failed(State& state, const StepResult& failure, NodeRollout& master,
                                      NodeRollout& backup) {
    const auto& name = state.name(state.master);
    if (!master.verified()) {
        reporter_.needs_recovery(name, "its restore failed: " + failure.message, state.request.commit);
        return failed(fmt::format("{}: {}; {} NOT restored (see its restore step); {} keeps the new files", name,
                                  failure.message, name, state.name(state.backup())));
    }
    return second_node_failed(state, fmt::format("{}: {}; {} restored", name, failure.message, name), backup);
}

// The second node did not take the change (`failure` says why and what it
// holds): the pair goes back to one commit by rolling the BACKUP back.
RolloutOutcome Rollout::second_node_failed(State& state, const std::string& failure, NodeRollout& backup) {
    const auto& other = state.name(state.backup());
    if (pair_.on_failure == config::OnFailure::keep_backup) {
        backup.close_journal();
        reporter_.log({}, "error", fmt::format("on_failure: keep_backup: {} keeps the new commit", other));
        return failed(fmt::format("{}; {} keeps the new files (on_failure: keep_backup)", failure, other));
    }
    auto rolled_back = backup.roll_back();
    if (!rolled_back.passed()) {
        reporter_.needs_recovery(other, "its roll back failed: " + rolled_back.message, state.request.commit);
        return failed(fmt::format("{}, but {} could NOT be rolled back: {}", failure, other, rolled_back.message));
    }
    reporter_.log({}, "info", fmt::format("{} and {} both run what they ran before this job", state.name(state.master), other));
    return failed(fmt::format("{}, {} rolled back: both nodes as before", failure, other));
}

RolloutOutcome Rollout::final_check(State& state) {
    Failover failover(pair_, reporter_, state.waits);
    auto checked = run_step(reporter_, {}, StepName::final_check, [&] {
        auto holder = failover.find_holder(state.links[0], state.links[1]);
        if (!holder) return StepResult::failure(holder.error());
        for (std::size_t i = 0; i < 2; ++i) reporter_.vip_seen(state.name(i), i == *holder);
        return run_service_checks(pair_, state.links[*holder], reporter_, state.waits);
    });
    if (!checked.passed()) return failed("final check: " + checked.message);
    return outcome(JobState::succeeded);
}

}  // namespace lbdeploy::rollout
