#include "pipeline/rollout/pre_flight.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <map>

#include "common/text.hpp"
#include "pipeline/rollout/service_actions.hpp"

namespace lbdeploy::rollout {

namespace {

// A mount the view needs failed: the node cannot pre-flight, which is not a
// verdict on the files. 125 is what no validate command is expected to use
// for "invalid"; the marker on stderr makes it certain.
constexpr int view_failed_status = 125;
constexpr std::string_view view_failed_marker = "lbdeploy pre-flight:";
// Where the namespace mounts its scratch tmpfs (an empty directory on the
// node; the tmpfs is seen by the namespace only).
constexpr std::string_view scratch = "/run/lbdeploy-pre-flight";

std::string quote(const std::string& text) { return common::shell_quote(text); }

// Why the view could not be made, when that is how `result` ended.
std::optional<std::string> view_failure(const transport::CommandResult& result) {
    if (result.exit_status != view_failed_status) return std::nullopt;
    for (auto line : common::split_lines(result.err)) {
        if (auto at = line.find(view_failed_marker); at != std::string_view::npos) {
            auto why = line.substr(std::min(line.size(), at + view_failed_marker.size() + 1));
            return std::string(why);
        }
    }
    return std::nullopt;
}

}  // namespace

std::string in_staged_view(const std::string& command, const std::vector<StagedFile>& staged) {
    std::string script = fmt::format("fail() {{ echo \"{} $*\" >&2; exit {}; }}\n", view_failed_marker,
                                     view_failed_status);
    // Directories that get a new file: a target must exist to be mounted
    // over, so the directory becomes an overlay of itself with the new files
    // in an upper layer on a private tmpfs (only the new files are copied).
    // Shallow first: a deeper overlay then stacks on a shallower one.
    std::map<std::string, std::vector<const StagedFile*>> new_files;
    for (const auto& file : staged) {
        if (file.is_new) new_files[common::parent_directory(file.dest)].push_back(&file);
    }
    std::vector<std::string> directories;
    for (const auto& [directory, files] : new_files) directories.push_back(directory);
    std::stable_sort(directories.begin(), directories.end(),
                     [](const std::string& a, const std::string& b) { return a.size() < b.size(); });
    if (!directories.empty()) {
        script += fmt::format("mkdir -p {0} && mount -t tmpfs -o mode=0700 lbdeploy-pre-flight {0} || "
                              "fail cannot mount a scratch tmpfs on {0}\n",
                              scratch);
    }
    for (std::size_t i = 0; i < directories.size(); ++i) {
        const auto& directory = directories[i];
        auto upper = fmt::format("{}/upper{}", scratch, i);
        auto work = fmt::format("{}/work{}", scratch, i);
        script += fmt::format("mkdir {} {} || fail cannot make the layers of {}\n", upper, work, quote(directory));
        for (const auto* file : new_files[directory]) {
            auto name = file->dest.substr(file->dest.rfind('/') + 1);
            script += fmt::format("cp -p -- {} {} || fail cannot stage {}\n", quote(file->temporary),
                                  quote(upper + "/" + name), quote(file->dest));
        }
        // Read-only: lowerdir is the directory itself, its new files above it.
        script += fmt::format("mount -t overlay lbdeploy-view -o {} {} || fail cannot mount a view of {}\n",
                              quote(fmt::format("lowerdir={},upperdir={},workdir={}", directory, upper, work)),
                              quote(directory), quote(directory));
    }
    for (const auto& file : staged) {
        if (file.is_new) continue;
        // Read-only, so a validate that writes cannot change what is installed.
        script += fmt::format("mount --bind -- {0} {1} && mount -o remount,bind,ro -- {1} || "
                              "fail cannot mount {0} over {1}\n",
                              quote(file.temporary), quote(file.dest));
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
