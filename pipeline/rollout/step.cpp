#include "pipeline/rollout/step.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "common/text.hpp"
#include "storage/sqlite.hpp"

namespace lbdeploy::rollout {

StepResult run_step(Reporter& reporter, const std::string& node, StepName name,
                    const std::function<StepResult()>& body) {
    auto step = reporter.begin_step(node, name);
    StepResult result;
    try {
        result = body();
    } catch (const storage::StorageError&) {
        throw;
    } catch (const std::exception& e) {
        result = StepResult::failure(e.what());
    }
    if (result.state == storage::StepState::failed) {
        reporter.log(node, "error", fmt::format("{} failed: {}", name_of(name), result.message));
    }
    reporter.end_step(step, result.state, result.message);
    return result;
}

transport::CommandResult run_logged(transport::SshSession& session, Reporter& reporter, const std::string& node,
                         const std::string& command, std::optional<transport::Duration> timeout) {
    reporter.log(node, "info", "$ " + command);
    auto result = session.run(
        command, [&](bool is_stderr, std::string_view line) { reporter.log(node, is_stderr ? "stderr" : "stdout", line); },
        timeout);
    if (!result.succeeded()) reporter.log(node, "error", describe_failure(command, result));
    return result;
}

// The command, how it ended, and its stderr's first error-looking line (the
// cause, as in HAProxy's "[ALERT] ... unknown keyword") plus its last line
// (the verdict), so the job's error says what went wrong without the log.
std::string describe_failure(const std::string& command, const transport::CommandResult& result) {
    std::string what = result.timed_out ? std::string("timed out") : fmt::format("exited with {}", result.exit_status);
    std::vector<std::string_view> lines;
    // stderr, or stdout when it says nothing: checks in the Nagios style print their verdict there.
    for (const auto* stream : {&result.err, &result.out}) {
        for (auto line : common::split_lines(*stream)) {
            if (line.find_first_not_of(" \t\r") != std::string_view::npos) lines.push_back(line);
        }
        if (!lines.empty()) break;
    }
    if (lines.empty()) return fmt::format("`{}` {}", command, what);
    auto looks_like_error = [](std::string_view line) {
        std::string lower(line);
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return lower.find("alert") != std::string::npos || lower.find("error") != std::string::npos;
    };
    auto cause = std::find_if(lines.begin(), lines.end(), looks_like_error);
    if (cause == lines.end() || *cause == lines.back()) return fmt::format("`{}` {}: {}", command, what, lines.back());
    return fmt::format("`{}` {}: {} | {}", command, what, *cause, lines.back());
}

}  // namespace lbdeploy::rollout
