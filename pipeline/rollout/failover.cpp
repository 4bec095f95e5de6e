#include "pipeline/rollout/failover.hpp"

#include <fmt/format.h>

#include <future>
#include <thread>

namespace lbdeploy::rollout {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto poll_interval = std::chrono::milliseconds(20);

long elapsed_ms(Clock::time_point start) {
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
}

}  // namespace

Failover::Failover(const config::Pair& pair, Reporter& reporter, WaitTimes& waits)
    : pair_(pair), reporter_(reporter), waits_(waits) {}

bool Failover::holds_vip(const NodeLink& link) const {
    auto command = expand(pair_.failover.holds_vip, link.placeholders);
    auto result = link.session->run(command);
    if (!result.succeeded()) {
        throw transport::SshError(fmt::format("{}: {}", link.name(), describe_failure(command, result)));
    }
    return result.out.find_first_not_of(" \t\r\n") != std::string::npos;
}

// Asks both nodes at once: each has its own session, and the answers must
// describe the same moment as closely as possible.
std::pair<bool, bool> Failover::holds_vip_both(const NodeLink& first, const NodeLink& second) const {
    auto second_holds = std::async(std::launch::async, [&] { return holds_vip(second); });
    bool first_holds = holds_vip(first);
    return {first_holds, second_holds.get()};
}

common::Result<std::size_t> Failover::find_holder(const NodeLink& first, const NodeLink& second) const {
    auto [a, b] = holds_vip_both(first, second);
    if (a != b) return std::size_t{a ? 0u : 1u};
    return common::fail(a ? fmt::format("both {} and {} hold the VIP {} (split brain)", first.name(),
                                               second.name(), pair_.vip)
                                 : fmt::format("neither {} nor {} holds the VIP {}", first.name(), second.name(),
                                               pair_.vip));
}

bool Failover::wait_for_holder(const NodeLink& holder, const NodeLink& other) const {
    WaitTimer timer(waits_.vrrp);
    auto deadline = Clock::now() + pair_.failover.timeout;
    while (Clock::now() < deadline) {
        auto [holder_has_it, other_has_it] = holds_vip_both(holder, other);
        if (holder_has_it && !other_has_it) return true;
        std::this_thread::sleep_for(poll_interval);
    }
    return false;
}

common::Result<std::optional<long>> Failover::move(const std::string& command, const NodeLink& run_on,
                                                   const NodeLink& holder, const NodeLink& other,
                                                   const std::string& first) const {
    auto start = Clock::now();
    auto expanded = expand(command, run_on.placeholders);
    if (!first.empty()) expanded = first + " && " + expanded;
    auto result = run_logged(*run_on.session, reporter_, run_on.name(), expanded);
    if (!result.succeeded()) return common::fail(describe_failure(expanded, result));
    if (!wait_for_holder(holder, other)) return std::optional<long>();
    return std::optional<long>(elapsed_ms(start));
}

StepResult Failover::logged(StepResult result) const {
    reporter_.log({}, "info", result.message);
    return result;
}

StepResult Failover::release(const NodeLink& from, const NodeLink& to, const std::string& first) const {
    auto moved = move(pair_.failover.release, from, to, from, first);
    if (!moved) return StepResult::failure(moved.error());
    auto took = *moved;
    if (!took) {
        return StepResult::failure(fmt::format("{} did not take the VIP {} from {} within {} ms", to.name(),
                                               pair_.vip, from.name(), pair_.failover.timeout.count()));
    }
    return logged(StepResult::success(
        fmt::format("VIP {} moved from {} to {} in {} ms", pair_.vip, from.name(), to.name(), *took)));
}

StepResult Failover::give_back(const NodeLink& node, const NodeLink& peer) const {
    auto moved = move(pair_.failover.restore, node, node, peer);
    if (!moved) return StepResult::failure(moved.error());
    auto took = *moved;
    if (!took) {
        return logged(StepResult::success(fmt::format("{} did not take the VIP back within {} ms; it stays on {}",
                                                      node.name(), pair_.failover.timeout.count(), peer.name())));
    }
    return logged(StepResult::success(fmt::format("VIP {} back on {} in {} ms", pair_.vip, node.name(), *took)));
}

}  // namespace lbdeploy::rollout
