#include "pipeline/rollout/node_recovery.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "common/sha256.hpp"
#include "common/text.hpp"
#include "pipeline/rollout/check_runner.hpp"
#include "pipeline/rollout/failover.hpp"
#include "pipeline/rollout/remote_files.hpp"
#include "pipeline/rollout/service_actions.hpp"

namespace lbdeploy::rollout {

namespace {

// What a backup's MANIFEST says one file was before the change.
struct BackedUpFile {
    std::string path;
    std::optional<transport::RemoteFile> before;  // nullopt: the file was new
    std::string sha256;
};

std::vector<BackedUpFile> read_backup(transport::SshSession& session, const std::string& directory) {
    auto manifest = session.read_file(directory + "/MANIFEST");
    if (!manifest) throw JournalError(fmt::format("{}: the backup {} has no MANIFEST", session.host(), directory));
    std::vector<BackedUpFile> files;
    for (auto line : common::split_lines(manifest->content)) {
        if (line.empty() || line.starts_with('#')) continue;
        std::istringstream fields{std::string(line)};
        std::string sha, mode, owner, path;
        // The path is the rest of the line: it may hold spaces.
        if (!(fields >> sha >> mode >> owner) || !std::getline(fields >> std::ws, path) || path.empty()) {
            throw JournalError(fmt::format("{}: {}/MANIFEST: unreadable line \"{}\"", session.host(), directory, line));
        }
        if (sha == "absent") {
            files.push_back({path, std::nullopt, {}});
            continue;
        }
        auto copy = session.read_file(directory + path);
        if (!copy || common::sha256_hex(copy->content) != sha) {
            throw JournalError(fmt::format("{}: the backup of {} in {} is missing or does not match its MANIFEST",
                                           session.host(), path, directory));
        }
        auto colon = owner.find(':');
        copy->stat.mode = static_cast<unsigned>(std::stoul(mode, nullptr, 8));
        copy->stat.uid = common::parse_integer<unsigned>(owner.substr(0, colon)).value_or(copy->stat.uid);
        copy->stat.gid = common::parse_integer<unsigned>(owner.substr(colon + 1)).value_or(copy->stat.gid);
        files.push_back({path, std::move(copy), sha});
    }
    return files;
}

StepResult put_back_files(const RecoveryContext& context, const NodeLink& node, const JournalEntry& entry) {
    auto backed_up = read_backup(*node.session, entry.backup_directory);
    std::vector<DesiredFile> targets(backed_up.size());
    std::vector<FileChange> changes;
    for (std::size_t i = 0; i < backed_up.size(); ++i) {
        targets[i].dest = backed_up[i].path;
        changes.push_back({&targets[i], backed_up[i].before, backed_up[i].sha256, true});
    }
    RemoteFiles files(*node.session, fmt::format("recover-job-{}", entry.job));
    auto mismatched = files.put_back(changes);
    if (!mismatched.empty()) {
        return StepResult::failure(fmt::format("files NOT restored: {} (backup in {})", fmt::join(mismatched, ", "),
                                               entry.backup_directory));
    }
    context.reporter.log(node.name(), "info",
                         fmt::format("{} file(s) put back from {} and verified by sha256", changes.size(),
                                     entry.backup_directory));
    return StepResult::success();
}

std::vector<const config::Service*> services_of(const RecoveryContext& context, const NodeLink& node,
                                                const JournalEntry& entry) {
    std::vector<const config::Service*> services;
    for (const auto& name : entry.services) {
        auto found = std::find_if(context.pair.services.begin(), context.pair.services.end(),
                                  [&](const config::Service& service) { return service.name == name; });
        if (found == context.pair.services.end()) {
            // Its daemon may still run the files of the dead job: a person decides.
            throw JournalError(fmt::format("{}: service {} of job {} is no longer configured, so it cannot be "
                                           "reloaded and verified", node.name(), name, entry.job));
        }
        services.push_back(&*found);
    }
    return services;
}

// The files back as they were before the entry's job, reloaded, checked.
StepResult recover_files(const RecoveryContext& context, const NodeLink& node, const JournalEntry& entry) {
    auto& reporter = context.reporter;
    reporter.log(node.name(), "error",
                 fmt::format("job {} left {} unverified (deploying {:.12}, backup in {}): putting it back first",
                             entry.job, node.name(), entry.commit, entry.backup_directory));
    if (auto put_back = put_back_files(context, node, entry); !put_back.passed()) return put_back;
    auto reloaded = reload_services(node, services_of(context, node, entry), reporter, context.waits,
                                    context.reload_timeout);
    if (!reloaded.passed()) return StepResult::failure("files put back, but the reload failed: " + reloaded.message);
    auto checked = run_node_checks(context.pair, node, reporter, context.waits);
    if (!checked.passed()) return StepResult::failure("put back, but " + checked.message);
    NodeJournal(*node.session).close();
    return StepResult::success(fmt::format("files as before job {}", entry.job));
}

}  // namespace

StepResult recover_node(const RecoveryContext& context, const NodeLink& node, const NodeLink& peer,
                        const NodeEntries& entries) {
    for (const auto* entry : {&entries.files, &entries.vip}) {
        if (*entry && (*entry)->pair != context.pair.name) {
            return StepResult::failure(
                fmt::format("the journal is pair {}'s, not {}'s", (*entry)->pair, context.pair.name));
        }
    }
    std::string done;
    if (entries.files) {
        auto files = recover_files(context, node, *entries.files);
        if (!files.passed()) return files;
        done = files.message;
    }
    if (entries.vip) {
        context.reporter.log(node.name(), "error",
                             fmt::format("job {} released {}'s VIP and did not give it back: giving it back",
                                         entries.vip->job, node.name()));
        auto given_back = Failover(context.pair, context.reporter, context.waits).give_back(node, peer);
        if (!given_back.passed()) return StepResult::failure("the VIP was not given back: " + given_back.message);
        NodeJournal(*node.session, NodeJournal::vip_path).close();
        done += (done.empty() ? "" : "; ") + std::string("VIP given back");
    }
    return StepResult::success(done);
}

}  // namespace lbdeploy::rollout
