#include "pipeline/rollout/pre_flight.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>

#include "common/text.hpp"
#include "pipeline/rollout/service_actions.hpp"

namespace lbdeploy::rollout {

namespace {

// A mount the view needs failed: the node cannot pre-flight, which is not a
// verdict on the files. 125 is what no validate command is expected to use
// for "invalid"; the marker on stderr makes it certain.
constexpr int view_failed_status = 125;
constexpr std::string_view view_failed_marker = "lbdeploy pre-flight:";

std::string quote(const std::string& text) { return common::shell_quote(text); }

// Why the view could not be made, when that is how `result` ended.
std::optional<std::string> view_failure(const transport::CommandResult& result) {
    if (result.exit_status != view_failed_status) return std::nullopt;
    for (auto line : common::split_lines(result.err)) {
        if (auto at = line.find(view_failed_marker); at != std::string_view::npos) {
            return std::string(line.substr(at + view_failed_marker.size() + 1));
        }
    }
    return std::nullopt;
}

}  // namespace

std::string in_staged_view(const std::string& command, const std::vector<StagedFile>& staged) {
    std::string script = fmt::format("fail() {{ echo \"{} $*\" >&2; exit {}; }}\n", view_failed_marker,
                                     view_failed_status);
    // Directories that get a new file: a target must exist to be mounted
    // over, so the directory is shown as a copy of itself (shallow first, so a
    // deeper view is made inside a shallower one).
    std::set<std::string> directories;
    for (const auto& file : staged) {
        if (file.is_new) directories.insert(common::parent_directory(file.dest));
    }
    std::vector<std::string> ordered(directories.begin(), directories.end());
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const std::string& a, const std::string& b) { return a.size() < b.size(); });
    for (const auto& directory : ordered) {
        // The shell's working directory keeps the directory underneath once
        // the tmpfs covers its path: that is where the copy comes from.
        script += fmt::format(
            "cd -- {0} || fail cannot enter {0}\n"
            "mount -t tmpfs -o \"mode=$(stat -c %a .),uid=$(stat -c %u .),gid=$(stat -c %g .)\" lbdeploy-view {0} "
            "|| fail cannot mount a view of {0}\n"
            "cp -a ./. {0}/ || fail cannot copy {0} into its view\n"
            "cd /\n",
            quote(directory));
    }
    for (const auto& file : staged) {
        if (file.is_new) {
            script += fmt::format("cp -p -- {0} {1} || fail cannot place {1} in its view\n", quote(file.temporary),
                                  quote(file.dest));
        } else {
            script += fmt::format("mount --bind -- {0} {1} || fail cannot mount {0} over {1}\n", quote(file.temporary),
                                  quote(file.dest));
        }
    }
    script += "exec sh -c " + quote(command) + "\n";
    // unshare tried alone first: its own failure (not installed, no
    // privilege) is then told apart from the command's, in the same round trip.
    return fmt::format("err=$(unshare --mount --propagation private -- true 2>&1) || {{ echo \"{} no private mount "
                       "namespace on this node (${{err:-unshare failed}})\" >&2; exit {}; }}; "
                       "exec unshare --mount --propagation private -- sh -c {}",
                       view_failed_marker, view_failed_status, quote(script));
}

StagedValidation validate_staged(const NodeLink& link, const std::vector<const config::Service*>& services,
                                 const std::vector<StagedFile>& staged, Reporter& reporter, WaitTimes& waits) {
    auto& session = *link.session;
    WaitTimer timer(waits.validate);
    int validated = 0;
    for (const auto* service : services) {
        if (service->validate.empty()) continue;
        auto command = expand(service->validate, link.placeholders);
        reporter.log(link.name(), "info",
                     fmt::format("$ {}    (pre-flight: {} staged file(s) at their destinations)", command, staged.size()));
        auto result = session.run(in_staged_view(command, staged), [&](bool is_stderr, std::string_view line) {
            reporter.log(link.name(), is_stderr ? "stderr" : "stdout", line);
        });
        if (auto why = view_failure(result)) return {StepResult::skipped(*why), false};
        if (!result.succeeded()) {
            reporter.log(link.name(), "error", describe_failure(command, result));
            return {StepResult::failure(fmt::format("{}: {}", service->name, describe_failure(command, result))), true};
        }
        ++validated;
    }
    if (validated == 0) return {StepResult::skipped("no validate command for " + service_names(services)), true};
    return {StepResult::success(fmt::format("{} valid with the staged files", service_names(services))), true};
}

}  // namespace lbdeploy::rollout
