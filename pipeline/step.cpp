#include "pipeline/step.hpp"

#include <fmt/format.h>

#include "storage/sqlite.hpp"

namespace lbdeploy::pipeline {

StepResult run_step(Reporter& reporter, const std::string& node, const std::string& name,
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
        reporter.log(node, "error", fmt::format("{} failed: {}", name, result.message));
    }
    reporter.end_step(step, result.state, result.message);
    return result;
}

CommandResult run_logged(SshSession& session, Reporter& reporter, const std::string& node,
                         const std::string& command, std::optional<Duration> timeout) {
    reporter.log(node, "info", "$ " + command);
    auto result = session.run(
        command, [&](bool is_stderr, std::string_view line) { reporter.log(node, is_stderr ? "stderr" : "stdout", line); },
        timeout);
    if (!result.ok()) reporter.log(node, "error", describe_failure(command, result));
    return result;
}

std::string describe_failure(const std::string& command, const CommandResult& result) {
    std::string what = result.timed_out ? std::string("timed out") : fmt::format("exited with {}", result.exit_status);
    std::string_view err = result.err;
    while (!err.empty() && err.back() == '\n') err.remove_suffix(1);
    auto last_newline = err.rfind('\n');
    auto last_line = last_newline == std::string_view::npos ? err : err.substr(last_newline + 1);
    return last_line.empty() ? fmt::format("`{}` {}", command, what)
                             : fmt::format("`{}` {}: {}", command, what, last_line);
}

}  // namespace lbdeploy::pipeline
