#include "pipeline/rollout/rollout.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <future>

#include "pipeline/rollout/check_runner.hpp"
#include "pipeline/rollout/failover.hpp"
#include "pipeline/rollout/node_journal.hpp"
#include "pipeline/rollout/node_recovery.hpp"
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
    if (state.request.dry_run) return show_diffs(state);

    // 2.–4. on the BACKUP: back up, install, validate, reload what changed, post-check.
    auto backup = node_rollout(state, state.backup());
    if (auto compared = backup.compare(); !compared.passed()) return failed(compared.message + untouched);
    if (auto deployed = backup.deploy(); !deployed.passed()) {
        return failed(fmt::format("{}: {}; {} restored, {} not touched", state.name(state.backup()),
                                  deployed.message, state.name(state.backup()), state.name(state.master)));
    }
    reporter_.node_deployed(state.name(state.backup()), state.request.commit);

    // 5.–6. the same on the old MASTER, behind a failover when its change touches traffic.
    auto master = node_rollout(state, state.master);
    if (auto compared = master.compare(); !compared.passed()) {
        return failed(fmt::format("{}: {}", state.name(state.master), compared.message));
    }
    if (master.has_changes()) {
        if (auto stop = stop_if_cancelled(SafePoint::between_nodes)) return *stop;
        auto deployed = master.disturbs_traffic() ? deploy_behind_failover(state, master, backup)
                                                  : deploy_in_place(state, master, backup);
        if (deployed.state != JobState::succeeded) return deployed;
    } else {
        reporter_.log({}, "info", fmt::format("{} is up to date: the VIP stays where it is", state.name(state.master)));
    }
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
// it goes back to its verified state before anything else happens.
StepResult Rollout::recover(State& state) {
    // Both nodes at once: the first SFTP request of a session opens its subsystem.
    std::vector<std::future<JournalRead>> reading;
    for (auto& link : state.links) reading.push_back(std::async(std::launch::async, read_entries, link.session));
    for (std::size_t i = 0; i < state.links.size(); ++i) {
        // Named, not a structured binding: the lambda below captures them (clang 14 cannot).
        auto read = reading[i].get();
        const auto& entries = read.entries;
        const auto& unreadable = read.unreadable;
        if (!entries.files && !entries.vip && unreadable.empty()) continue;
        auto recovered = run_step(reporter_, state.name(i), StepName::recover, [&] {
            if (!unreadable.empty()) return StepResult::failure(unreadable);
            if (state.request.dry_run) {
                return StepResult::failure(fmt::format("job {} left {} unverified; a dry run does not recover it",
                                                       (entries.files ? entries.files : entries.vip)->job,
                                                       state.name(i)));
            }
            RecoveryContext context{pair_, reporter_, state.waits, config_.ssh.command_timeout};
            return recover_node(context, state.links[i], state.links[1 - i], entries);
        });
        if (!recovered.passed()) return StepResult::failure(fmt::format("{}: {}", state.name(i), recovered.message));
    }
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

RolloutOutcome Rollout::show_diffs(State& state) {
    for (auto index : {state.backup(), state.master}) {
        auto diff = node_rollout(state, index).show_diff();
        if (!diff.passed()) return failed(diff.message);
    }
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
    if (!moved.passed()) {
        give_back();
        return failed(fmt::format("failover: {}; {} not touched", moved.message, master_link.name()));
    }
    auto deployed = master.deploy();
    auto given_back = give_back();
    if (!deployed.passed()) return master_failed(state, deployed, master, backup);
    if (!given_back.passed()) return failed("give back VIP: " + given_back.message);
    return outcome(JobState::succeeded);
}

// The old MASTER failed and was restored: the BACKUP, verified on the new
// commit but no longer carrying traffic, goes back too, so that the pair
// runs one commit on both nodes again.
RolloutOutcome Rollout::master_failed(State& state, const StepResult& failure, NodeRollout& master,
                                      NodeRollout& backup) {
    const auto& name = state.name(state.master);
    const auto& other = state.name(state.backup());
    if (!master.verified()) {
        return failed(fmt::format("{}: {}; {} NOT restored (see its restore step); {} keeps the new files", name,
                                  failure.message, name, other));
    }
    auto rolled_back = backup.roll_back();
    if (!rolled_back.passed()) {
        return failed(fmt::format("{}: {}; {} restored, but {} could NOT be rolled back: {}", name, failure.message,
                                  name, other, rolled_back.message));
    }
    reporter_.log({}, "info", fmt::format("{} and {} both run what they ran before this job", name, other));
    return failed(fmt::format("{}: {}; {} restored, {} rolled back: both nodes as before", name, failure.message, name,
                              other));
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
