#include "cli/console_reporter.hpp"

#include <fmt/format.h>

#include "common/clean_text.hpp"

namespace lbdeploy::cli {

namespace {

std::string label(const std::string& node, const std::string& name) {
    return node.empty() ? name : fmt::format("{} {}", node, name);
}

std::string_view verdict(storage::StepState state) {
    switch (state) {
    case storage::StepState::succeeded: return "ok";
    case storage::StepState::skipped: return "skip";
    case storage::StepState::failed: return "FAIL";
    case storage::StepState::cancelled: return "cancel";
    case storage::StepState::running: return "...";
    }
    return "?";
}

}  // namespace

ConsoleReporter::ConsoleReporter(std::ostream& out) : out_(out), start_(std::chrono::steady_clock::now()) {}

double ConsoleReporter::seconds_since_start() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

rollout::StepId ConsoleReporter::begin_step(const std::string& node, rollout::StepName name) {
    auto id = next_id_++;
    running_[id] = {label(node, std::string(rollout::name_of(name))), std::chrono::steady_clock::now()};
    out_ << fmt::format("{:7.2f}s ==> {}\n", seconds_since_start(), running_[id].label) << std::flush;
    return id;
}

void ConsoleReporter::end_step(rollout::StepId step, storage::StepState state, const std::string& message) {
    auto found = running_.find(step);
    if (found == running_.end()) return;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                    found->second.start);
    out_ << fmt::format("{:7.2f}s {:<6} {} ({} ms){}{}\n", seconds_since_start(), verdict(state), found->second.label,
                        ms.count(), message.empty() ? "" : ": ", common::to_display_text(message))
         << std::flush;
    running_.erase(found);
}

void ConsoleReporter::log(const std::string& node, std::string_view stream, std::string_view text) {
    std::string_view marker = stream == "stderr" ? "!" : stream == "error" ? "ERROR" : stream == "diff" ? "|" : "";
    out_ << fmt::format("           {}{}{}{}\n", node.empty() ? "" : node + ": ", marker, marker.empty() ? "" : " ",
                        common::to_display_text(text))
         << std::flush;
}

void ConsoleReporter::node_deployed(const std::string& node, const std::string& commit) {
    out_ << fmt::format("           {} now runs {:.12}\n", node, commit) << std::flush;
}

void ConsoleReporter::vip_seen(const std::string&, bool) {}

void ConsoleReporter::roles_found(const std::string&, const std::string&) {}

}  // namespace lbdeploy::cli
