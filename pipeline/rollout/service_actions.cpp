#include "pipeline/rollout/service_actions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "pipeline/rollout/haproxy_master.hpp"

namespace lbdeploy::rollout {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto poll_interval = std::chrono::milliseconds(25);
constexpr auto socket_timeout = std::chrono::milliseconds(2000);

std::optional<MasterStatus> query_master(transport::SshSession& session, const std::string& socket) {
    return parse_show_proc(session.unix_socket_exchange(socket, "show proc\n", socket_timeout));
}

// Polls the master CLI until the reload shows up. The socket refuses
// connections while the master re-executes itself: that is "not yet".
StepResult verify_master_reload(const NodeLink& link, const config::Service& service, const MasterStatus& before,
                                Reporter& reporter, transport::Duration timeout) {
    auto deadline = Clock::now() + timeout;
    std::string last_error;
    while (Clock::now() < deadline) {
        std::this_thread::sleep_for(poll_interval);
        std::optional<MasterStatus> after;
        try {
            after = query_master(*link.session, service.master_socket);
        } catch (const transport::SshError& e) {
            if (!link.session->is_connected()) throw;
            last_error = e.what();
            continue;
        }
        if (!after) continue;
        switch (reload_progress(before, *after)) {
        case ReloadProgress::done:
            reporter.log(link.name(), "info",
                         fmt::format("{}: master {} runs new worker {} (reloads: {}, failed: {})", service.name,
                                     after->master_pid, after->workers.empty() ? 0 : after->workers.back(),
                                     after->reloads, after->failed_reloads));
            return StepResult::success();
        case ReloadProgress::failed:
            return StepResult::failure(fmt::format(
                "{} rejected the new configuration: the master CLI reports {} failed reload(s) and the old "
                "worker still serves",
                service.name, after->failed_reloads));
        case ReloadProgress::pending:
            break;
        }
    }
    return StepResult::failure(fmt::format("{}: no new worker within {} ms{}", service.name, timeout.count(),
                                           last_error.empty() ? "" : " (" + last_error + ")"));
}

StepResult reload_one(const NodeLink& link, const config::Service& service, Reporter& reporter, transport::Duration timeout) {
    std::optional<MasterStatus> before;
    if (!service.master_socket.empty()) {
        before = query_master(*link.session, service.master_socket);
        if (!before) return StepResult::failure(fmt::format("{}: no HAProxy master answers on {}", service.name,
                                                            service.master_socket));
    }
    auto command = expand(service.reload, link.placeholders);
    auto result = run_logged(*link.session, reporter, link.name(), command, timeout);
    if (!result.succeeded()) return StepResult::failure(describe_failure(command, result));
    if (before) return verify_master_reload(link, service, *before, reporter, timeout);
    return StepResult::success();
}

}  // namespace

std::vector<const config::Service*> affected_services(const config::Pair& pair,
                                                      const std::vector<FileChange>& changes) {
    std::vector<const config::Service*> services;
    for (const auto& service : pair.services) {
        bool affected = std::any_of(changes.begin(), changes.end(), [&](const FileChange& change) {
            const auto& owners = change.desired->services;
            return std::find(owners.begin(), owners.end(), service.name) != owners.end();
        });
        if (affected) services.push_back(&service);
    }
    return services;
}

std::string service_names(const std::vector<const config::Service*>& services) {
    std::string names;
    for (const auto* service : services) names += (names.empty() ? "" : ", ") + service->name;
    return names.empty() ? "none" : names;
}

StepResult validate_services(const NodeLink& link, const std::vector<const config::Service*>& services,
                             Reporter& reporter, WaitTimes& waits) {
    WaitTimer timer(waits.validate);
    int validated = 0;
    for (const auto* service : services) {
        if (service->validate.empty()) continue;
        auto command = expand(service->validate, link.placeholders);
        auto result = run_logged(*link.session, reporter, link.name(), command);
        if (!result.succeeded()) return StepResult::failure(describe_failure(command, result));
        ++validated;
    }
    if (validated == 0) return StepResult::skipped("no validate command for " + service_names(services));
    return StepResult::success(fmt::format("{} valid", service_names(services)));
}

StepResult reload_services(const NodeLink& link, const std::vector<const config::Service*>& services,
                           Reporter& reporter, WaitTimes& waits, transport::Duration timeout) {
    WaitTimer timer(waits.reloads);
    std::string reloaded;
    for (const auto* service : services) {
        if (service->reload.empty()) continue;
        auto result = reload_one(link, *service, reporter, timeout);
        if (!result.passed()) return result;
        reloaded += (reloaded.empty() ? "" : ", ") + service->name;
    }
    if (reloaded.empty()) return StepResult::skipped("no reload command for " + service_names(services));
    return StepResult::success("reloaded " + reloaded);
}

}  // namespace lbdeploy::rollout
