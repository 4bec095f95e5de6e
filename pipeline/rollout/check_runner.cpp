#include "pipeline/rollout/check_runner.hpp"

#include <fmt/format.h>

#include <thread>

#include "pipeline/transport/http_client.hpp"

namespace lbdeploy::rollout {

namespace {

using Clock = std::chrono::steady_clock;

transport::ProbeOutcome attempt(const config::Check& check, const std::string& target, const CheckContext& context) {
    switch (check.kind) {
    case config::Check::Kind::http:
        return transport::probe_http(target, transport::HttpExpectation{check.expect_status, check.expect_body, check.insecure_tls},
                          check.timeout);
    case config::Check::Kind::tcp:
        return transport::probe_tcp(target, check.timeout);
    case config::Check::Kind::command: {
        if (!context.session) return {false, "command checks need a node to run on"};
        auto result = context.session->run(target, {}, check.timeout);
        if (result.succeeded()) return {true, "exit 0"};
        return {false, describe_failure(target, result)};
    }
    }
    return {false, "unknown check kind"};
}

std::string_view kind_name(config::Check::Kind kind) {
    switch (kind) {
    case config::Check::Kind::http: return "http";
    case config::Check::Kind::tcp: return "tcp";
    case config::Check::Kind::command: return "command";
    }
    return "?";
}

std::optional<std::string> run_one(const config::Check& check, const CheckContext& context) {
    auto target = expand(check.target, context.placeholders);
    auto name = fmt::format("{} {}", kind_name(check.kind), target);
    const int attempts = 1 + std::max(0, check.retries);
    std::string last;
    for (int i = 1; i <= attempts; ++i) {
        auto start = Clock::now();
        auto outcome = attempt(check, target, context);
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
        if (outcome.passed) {
            context.reporter.log(context.log_node, "info", fmt::format("check {}: {} ({} ms)", name, outcome.detail, ms));
            return std::nullopt;
        }
        last = fmt::format("check {}: {} ({} ms, attempt {}/{})", name, outcome.detail, ms, i, attempts);
        context.reporter.log(context.log_node, i < attempts ? "info" : "error", last);
        if (i < attempts) std::this_thread::sleep_for(check.interval);
    }
    return last;
}

}  // namespace

std::string describe(const config::Check& check, const Placeholders& placeholders) {
    return fmt::format("{} {}", kind_name(check.kind), expand(check.target, placeholders));
}

StepResult run_checks(const std::vector<config::Check>& checks, const CheckContext& context) {
    if (checks.empty()) return StepResult::skipped("no checks configured");
    auto start = Clock::now();
    std::optional<std::string> failure;
    for (const auto& check : checks) {
        failure = run_one(check, context);
        if (failure) break;
    }
    if (context.waited) {
        *context.waited += std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    }
    if (failure) return StepResult::failure(*failure);
    return StepResult::success(fmt::format("{} check{} passed", checks.size(), checks.size() == 1 ? "" : "s"));
}

StepResult run_node_checks(const config::Pair& pair, const NodeLink& node, Reporter& reporter, WaitTimes& waits) {
    return run_checks(pair.node_checks, {reporter, node.name(), node.placeholders, node.session, &waits.checks});
}

StepResult run_service_checks(const config::Pair& pair, const NodeLink& holder, Reporter& reporter,
                              WaitTimes& waits) {
    return run_checks(pair.service_checks, {reporter, {}, holder.placeholders, holder.session, &waits.checks});
}

}  // namespace lbdeploy::rollout
