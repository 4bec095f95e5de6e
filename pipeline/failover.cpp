#include "pipeline/failover.hpp"

#include <fmt/format.h>

#include <future>
#include <thread>

namespace lbdeploy::pipeline {

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
    if (!result.ok()) {
        throw SshError(fmt::format("{}: {}", link.name(), describe_failure(command, result)));
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

std::variant<std::size_t, StepResult> Failover::find_holder(const NodeLink& first, const NodeLink& second) const {
    auto [a, b] = holds_vip_both(first, second);
    if (a != b) return std::size_t{a ? 0u : 1u};
    return StepResult::failure(a ? fmt::format("both {} and {} hold the VIP {} (split brain)", first.name(),
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

StepResult Failover::release(const NodeLink& from, const NodeLink& to) const {
    auto start = Clock::now();
    auto command = expand(pair_.failover.release, from.placeholders);
    auto result = run_logged(*from.session, reporter_, from.name(), command);
    if (!result.ok()) return StepResult::failure(describe_failure(command, result));
    if (!wait_for_holder(to, from)) {
        return StepResult::failure(fmt::format("{} did not take the VIP {} from {} within {} ms", to.name(),
                                               pair_.vip, from.name(), pair_.failover.timeout.count()));
    }
    auto message = fmt::format("VIP {} moved from {} to {} in {} ms", pair_.vip, from.name(), to.name(),
                               elapsed_ms(start));
    reporter_.log({}, "info", message);
    return StepResult::success(message);
}

StepResult Failover::restore(const NodeLink& node, const NodeLink& peer) const {
    auto start = Clock::now();
    auto command = expand(pair_.failover.restore, node.placeholders);
    auto result = run_logged(*node.session, reporter_, node.name(), command);
    if (!result.ok()) return StepResult::failure(describe_failure(command, result));
    if (!wait_for_holder(node, peer)) {
        auto message = fmt::format("{} did not take the VIP back within {} ms; it stays on {}", node.name(),
                                   pair_.failover.timeout.count(), peer.name());
        reporter_.log({}, "info", message);
        return StepResult::success(message);
    }
    auto message = fmt::format("VIP {} back on {} in {} ms", pair_.vip, node.name(), elapsed_ms(start));
    reporter_.log({}, "info", message);
    return StepResult::success(message);
}

}  // namespace lbdeploy::pipeline
