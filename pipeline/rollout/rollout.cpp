#include "pipeline/rollout/rollout.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <future>
#include <optional>
#include <variant>

#include "pipeline/rollout/check_runner.hpp"
#include "pipeline/rollout/failover.hpp"
#include "pipeline/rollout/node_rollout.hpp"
#include "pipeline/rollout/plan.hpp"

namespace lbdeploy::rollout {

namespace {

using Clock = std::chrono::steady_clock;
using storage::JobState;

transport::SshTarget ssh_target(const config::SshSettings& ssh, const config::Node& node) {
    transport::SshTarget target;
    target.host = node.host;
    target.port = ssh.port;
    target.user = ssh.user;
    target.identity_file = ssh.identity_file;
    target.use_agent = ssh.use_agent;
    target.known_hosts = ssh.known_hosts;
    target.trust_unknown_hosts = ssh.trust_unknown_hosts;
    target.connect_timeout = ssh.connect_timeout;
    target.command_timeout = ssh.command_timeout;
    target.keepalive_interval = ssh.keepalive_interval;
    return target;
}

RolloutOutcome outcome(JobState state, std::string error = {}) {
    RolloutOutcome result;
    result.state = state;
    result.error = std::move(error);
    return result;
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
};

Rollout::Rollout(const config::Config& config, const config::Pair& pair, Repositories& repositories,
                 Reporter& reporter)
    : config_(config), pair_(pair), repositories_(repositories), reporter_(reporter) {}

bool Rollout::cancelled(const char* where) {
    if (!reporter_.cancel_requested()) return false;
    reporter_.log({}, "error", fmt::format("cancelled {}", where));
    return true;
}

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

RolloutOutcome Rollout::execute(State& state) {
    auto planned = plan(state);
    if (!planned.ok()) return outcome(JobState::failed, planned.message);
    if (cancelled("after planning; nothing was touched")) return outcome(JobState::cancelled);
    auto connected = connect(state);
    if (!connected.ok()) return outcome(JobState::failed, connected.message + "; nothing was touched");
    auto checked = pre_check(state);
    if (!checked.ok()) return outcome(JobState::failed, checked.message + "; nothing was touched");
    if (cancelled("after the pre-check; nothing was touched")) return outcome(JobState::cancelled);
    return state.request.dry_run ? dry_run(state) : deploy_pair(state);
}

StepResult Rollout::plan(State& state) {
    return run_step(reporter_, {}, "plan", [&] {
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
        connecting.push_back(std::async(std::launch::async, transport::SshSession::connect, ssh_target(config_.ssh, node)));
    }
    state.sessions.resize(pair_.nodes.size());
    StepResult result = StepResult::success();
    for (std::size_t i = 0; i < pair_.nodes.size(); ++i) {
        const auto& node = pair_.nodes[i];
        auto connected = run_step(reporter_, node.name, "connect", [&] {
            state.sessions[i].emplace(connecting[i].get());
            return StepResult::success(
                fmt::format("{}@{} ({})", config_.ssh.user, node.host, state.sessions[i]->host_key_fingerprint()));
        });
        if (!connected.ok() && result.ok()) result = connected;
        if (connected.ok()) {
            state.links.push_back(NodeLink{&node, &*state.sessions[i], {pair_.name, node.name, node.host, pair_.vip}});
        }
    }
    return result;
}

StepResult Rollout::pre_check(State& state) {
    for (const auto& link : state.links) {
        auto checked = run_step(reporter_, link.name(), "pre-check", [&] {
            return run_checks(pair_.node_checks,
                              {reporter_, link.name(), link.placeholders, link.session, &state.waits.checks});
        });
        if (!checked.ok()) return checked;
    }
    Failover failover(pair_, reporter_, state.waits);
    return run_step(reporter_, {}, "vip", [&] {
        auto holder = failover.find_holder(state.links[0], state.links[1]);
        if (auto* failure = std::get_if<StepResult>(&holder)) return *failure;
        state.master = std::get<std::size_t>(holder);
        for (std::size_t i = 0; i < 2; ++i) reporter_.vip_seen(state.links[i].name(), i == state.master);
        return StepResult::success(fmt::format("{} is MASTER (holds {}), {} is BACKUP",
                                               state.links[state.master].name(), pair_.vip,
                                               state.links[state.backup()].name()));
    });
}

RolloutOutcome Rollout::dry_run(State& state) {
    for (auto index : {state.backup(), state.master}) {
        NodeRollout node(pair_, state.links[index], state.plan.nodes[index], reporter_, state.waits, "dry-run",
                         config_.ssh.command_timeout);
        auto diff = node.show_diff();
        if (!diff.ok()) return outcome(JobState::failed, diff.message);
    }
    return outcome(JobState::succeeded);
}

NodeRollout Rollout::node_rollout(State& state, std::size_t index) {
    return NodeRollout(pair_, state.links[index], state.plan.nodes[index], reporter_, state.waits, state.tag,
                       config_.ssh.command_timeout);
}

// BACKUP first; the VIP moves only when the MASTER has something to change.
RolloutOutcome Rollout::deploy_pair(State& state) {
    auto backup = node_rollout(state, state.backup());
    auto& backup_link = state.links[state.backup()];
    auto& master_link = state.links[state.master];
    auto compared = backup.compare();
    if (!compared.ok()) return outcome(JobState::failed, compared.message + "; nothing was touched");
    auto deployed = backup.deploy();
    if (!deployed.ok()) {
        return outcome(JobState::failed, fmt::format("{}: {}; {} restored, {} not touched", backup_link.name(),
                                                     deployed.message, backup_link.name(), master_link.name()));
    }
    reporter_.node_deployed(backup_link.name(), state.request.commit);

    auto master = node_rollout(state, state.master);
    compared = master.compare();
    if (!compared.ok()) return outcome(JobState::failed, fmt::format("{}: {}", master_link.name(), compared.message));
    if (master.has_changes()) {
        auto result = master.disturbs_traffic() ? deploy_master(state, master) : deploy_in_place(state, master);
        if (result.state != JobState::succeeded) return result;
    } else {
        reporter_.log({}, "info", fmt::format("{} is up to date: the VIP stays where it is", master_link.name()));
    }
    reporter_.node_deployed(master_link.name(), state.request.commit);
    return final_check(state);
}

// Only services that carry no traffic change: no reason to move the VIP.
RolloutOutcome Rollout::deploy_in_place(State& state, NodeRollout& master) {
    const auto& name = state.links[state.master].name();
    reporter_.log({}, "info", fmt::format("only services without traffic change on {}: the VIP stays", name));
    auto deployed = master.deploy();
    if (!deployed.ok()) return outcome(JobState::failed, fmt::format("{}: {}; {} restored", name, deployed.message, name));
    return outcome(JobState::succeeded);
}

RolloutOutcome Rollout::deploy_master(State& state, NodeRollout& master) {
    if (cancelled("between the nodes: the BACKUP has the new files, the MASTER the old ones")) {
        return outcome(JobState::cancelled, "cancelled between the nodes; the nodes now differ");
    }
    Failover failover(pair_, reporter_, state.waits);
    auto& master_link = state.links[state.master];
    auto& backup_link = state.links[state.backup()];
    auto moved = run_step(reporter_, {}, "failover", [&] {
        auto released = failover.release(master_link, backup_link);
        if (!released.ok()) return released;
        auto checked = run_checks(pair_.service_checks, {reporter_, {}, backup_link.placeholders, backup_link.session,
                                                         &state.waits.checks});
        return checked.ok() ? released : checked;
    });
    if (!moved.ok()) {
        run_step(reporter_, {}, "give back VIP", [&] { return failover.restore(master_link, backup_link); });
        return outcome(JobState::failed, fmt::format("failover: {}; {} not touched", moved.message, master_link.name()));
    }
    auto deployed = master.deploy();
    auto given_back = run_step(reporter_, {}, "give back VIP", [&] { return failover.restore(master_link, backup_link); });
    if (!deployed.ok()) {
        return outcome(JobState::failed, fmt::format("{}: {}; {} restored; {} keeps the new files",
                                                     master_link.name(), deployed.message, master_link.name(),
                                                     backup_link.name()));
    }
    if (!given_back.ok()) return outcome(JobState::failed, "give back VIP: " + given_back.message);
    return outcome(JobState::succeeded);
}

RolloutOutcome Rollout::final_check(State& state) {
    Failover failover(pair_, reporter_, state.waits);
    auto checked = run_step(reporter_, {}, "final-check", [&] {
        auto holder = failover.find_holder(state.links[0], state.links[1]);
        if (auto* failure = std::get_if<StepResult>(&holder)) return *failure;
        auto index = std::get<std::size_t>(holder);
        for (std::size_t i = 0; i < 2; ++i) reporter_.vip_seen(state.links[i].name(), i == index);
        const auto& link = state.links[index];
        return run_checks(pair_.service_checks, {reporter_, {}, link.placeholders, link.session, &state.waits.checks});
    });
    if (!checked.ok()) return outcome(JobState::failed, "final check: " + checked.message);
    return outcome(JobState::succeeded);
}

}  // namespace lbdeploy::rollout
