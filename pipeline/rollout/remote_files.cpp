#include "pipeline/rollout/remote_files.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <random>

#include "common/sha256.hpp"
#include "common/text.hpp"
#include "pipeline/rollout/step.hpp"

namespace lbdeploy::rollout {

namespace {

std::string owner_spec(const DesiredFile& file) {
    if (file.owner.empty() && file.group.empty()) return {};
    return file.group.empty() ? file.owner : fmt::format("{}:{}", file.owner, file.group);
}

unsigned new_file_mode(const DesiredFile& file) {
    return file.mode.value_or(file.executable ? 0755u : 0644u);
}

}  // namespace

std::vector<FileChange> find_changes(transport::SshSession& session, const NodePlan& plan) {
    std::vector<FileChange> changes;
    for (const auto& desired : plan.files) {
        FileChange change{&desired, session.read_file(desired.dest), {}, true};
        if (change.before) {
            change.before_sha256 = common::sha256_hex(change.before->content);
            change.content_changed = change.before_sha256 != desired.sha256;
            bool mode_differs = desired.mode && *desired.mode != change.before->stat.mode;
            if (!change.content_changed && !mode_differs) continue;
            // Found before anything is backed up or written: a link at a
            // managed path means someone points it elsewhere. rename(2) would
            // replace the link, not follow it, and the other file would
            // silently stop being what the service reads. Say so instead.
            if (auto link = session.link_stat(desired.dest); link && link->is_symlink) {
                throw transport::SshError(fmt::format("{}: {} is a symbolic link; lbdeploy manages regular files only",
                                                      session.host(), desired.dest));
            }
        }
        changes.push_back(std::move(change));
    }
    return changes;
}

RemoteFiles::RemoteFiles(transport::SshSession& session, std::string tag)
    : session_(session), tag_(std::move(tag)), backup_directory_("/var/backups/lbdeploy/" + tag_) {}

std::string RemoteFiles::temporary_name(const std::string& dest) const {
    // Unguessable, so nobody on the node can plant a link under the name
    // first; write_new_file() refuses it even then.
    std::random_device random;
    auto nonce = (static_cast<std::uint64_t>(random()) << 32) | random();
    auto slash = dest.rfind('/');
    return fmt::format("{}/.{}.lbdeploy-{}-{:016x}", common::parent_directory(dest), dest.substr(slash + 1), tag_, nonce);
}

void RemoteFiles::make_parent_directories(const std::string& path, std::vector<std::string>* created) {
    auto parent = common::parent_directory(path);
    if (parent == "/" || session_.stat(parent)) return;
    make_parent_directories(parent, created);
    session_.make_directory(parent, 0755);
    if (created) created->push_back(parent);
}

void RemoteFiles::back_up(const std::vector<FileChange>& changes) {
    std::string manifest = fmt::format("# lbdeploy backup {}: sha256 mode uid:gid path, before the change\n", tag_);
    for (const auto& change : changes) {
        const auto& dest = change.desired->dest;
        if (!change.before) {
            manifest += fmt::format("absent - - {}\n", dest);
            continue;
        }
        const auto& stat = change.before->stat;
        auto copy = backup_directory_ + dest;
        make_parent_directories(copy);
        session_.write_file(copy, change.before->content, stat.mode);
        session_.set_owner(copy, stat.uid, stat.gid);
        manifest += fmt::format("{} {:04o} {}:{} {}\n", change.before_sha256, stat.mode, stat.uid, stat.gid, dest);
    }
    make_parent_directories(backup_directory_ + "/MANIFEST");
    session_.write_file(backup_directory_ + "/MANIFEST", manifest, 0600);
}

bool RemoteFiles::remove_quietly(const std::vector<std::string>& paths) noexcept {
    bool all_gone = true;
    for (const auto& path : paths) {
        try {
            session_.remove_file(path);
        } catch (const std::exception&) {  // the session is gone; the step's own error is what matters
            all_gone = false;
        }
    }
    return all_gone;
}

RemoteFiles::Uploaded RemoteFiles::upload(const std::vector<Upload>& uploads,
                                          const std::vector<std::string>& names) {
    Uploaded uploaded;
    std::string directories;
    try {
        for (std::size_t i = 0; i < uploads.size(); ++i) {
            const auto& upload = uploads[i];
            const auto& temporary = uploaded.temporaries.emplace_back(i < names.size() ? names[i] : temporary_name(upload.dest));
            make_parent_directories(upload.dest, &staged_directories_);
            session_.write_new_file(temporary, *upload.content, upload.mode);
            if (upload.uid_gid) session_.set_owner(temporary, upload.uid_gid->first, upload.uid_gid->second);
            if (!upload.owner_spec.empty()) {
                uploaded.owners += fmt::format("{}chown -- {} {}", uploaded.owners.empty() ? "" : " && ",
                                               common::shell_quote(upload.owner_spec), common::shell_quote(temporary));
            }
            uploaded.renames += fmt::format("mv -f -- {} {} && ", common::shell_quote(temporary),
                                            common::shell_quote(upload.dest));
            directories += " " + common::shell_quote(common::parent_directory(upload.dest));
        }
    } catch (...) {
        remove_quietly(uploaded.temporaries);  // nothing of this step may stay behind on the node
        throw;
    }
    // The contents were fsynced by SFTP; this makes the renames durable too
    // (sync(1) with operands fsyncs just those directories).
    uploaded.renames += "sync --" + directories;
    return uploaded;
}

void RemoteFiles::rename(const Uploaded& uploaded, const std::string& first, const std::string& after) {
    if (uploaded.temporaries.empty()) return;
    auto command = (first.empty() ? std::string() : first + " && ") + uploaded.renames + after;
    auto result = session_.run(command);
    if (!result.succeeded()) {
        remove_quietly(uploaded.temporaries);
        throw transport::SshError(fmt::format("{}: installing the files failed: {}", session_.host(),
                                   describe_failure("mv", result)));
    }
}

RemoteFiles::RemoteFiles(RemoteFiles&& other) noexcept
    : session_(other.session_), tag_(std::move(other.tag_)), backup_directory_(std::move(other.backup_directory_)),
      staged_(std::move(other.staged_)), staged_upload_(std::move(other.staged_upload_)),
      staged_directories_(std::move(other.staged_directories_)) {
    other.staged_.clear();
    other.staged_upload_ = {};
    other.staged_directories_.clear();
    other.moved_from_ = true;
}

RemoteFiles::~RemoteFiles() {
    if (!moved_from_) discard_staged();
}

namespace {

// Removes what the node's staged list names (only names a staging can have
// given: /dir/.name.lbdeploy-...), then writes `names` as the new list, synced
// before it replaces the old one; prints how many were removed.
std::string prepare_staging_command(const std::vector<std::string>& names) {
    const std::string list = common::shell_quote(RemoteFiles::staged_list_path);
    std::string command = fmt::format(
        "n=0; if [ -f {0} ]; then while IFS= read -r p; do case \"$p\" in /*/.*.lbdeploy-*) rm -f -- \"$p\"; "
        "n=$((n+1));; esac; done < {0}; rm -f -- {0}; fi",
        list);
    if (!names.empty()) {
        std::string quoted;
        for (const auto& name : names) quoted += " " + common::shell_quote(name);
        command += fmt::format(" && mkdir -p -- {1} && (umask 077 && printf '%s\\n'{2} > {0}.new) && sync -- {0}.new && "
                               "mv -f -- {0}.new {0} && sync -- {1}",
                               list, common::shell_quote(common::parent_directory(RemoteFiles::staged_list_path)), quoted);
    }
    return command + " && echo \"$n\"";
}

}  // namespace

std::size_t RemoteFiles::stage(const std::vector<FileChange>& changes) {
    std::vector<Upload> uploads;
    std::vector<std::string> names;
    for (const auto& change : changes) {
        const auto& desired = *change.desired;
        Upload upload{desired.dest, &desired.content, new_file_mode(desired), std::nullopt, owner_spec(desired)};
        if (change.before) {
            upload.mode = desired.mode.value_or(change.before->stat.mode);
            if (upload.owner_spec.empty()) upload.uid_gid = {change.before->stat.uid, change.before->stat.gid};
        }
        uploads.push_back(std::move(upload));
        names.push_back(temporary_name(desired.dest));
    }
    // The names first, so that a deployer dying during the uploads leaves a
    // list of what the next job removes.
    auto prepared = session_.run(prepare_staging_command(names));
    if (!prepared.succeeded()) {
        throw transport::SshError(fmt::format("{}: preparing the staging failed: {}", session_.host(),
                                              describe_failure("staged list", prepared)));
    }
    auto lines = common::split_lines(prepared.out);
    auto removed = lines.empty() ? 0 : common::parse_integer<std::size_t>(lines.back()).value_or(0);
    if (uploads.empty()) return removed;
    for (std::size_t i = 0; i < changes.size(); ++i) staged_.push_back({changes[i].desired->dest, names[i], !changes[i].before});
    try {
        staged_upload_ = upload(uploads, names);
        // Owner names now, not at install: the pre-flight validates the files
        // as they will be, and an unknown user fails here, before anything is touched.
        if (!staged_upload_.owners.empty()) {
            auto owned = session_.run(staged_upload_.owners);
            if (!owned.succeeded()) {
                throw transport::SshError(fmt::format("{}: setting the configured owners failed: {}", session_.host(),
                                                      describe_failure("chown", owned)));
            }
        }
    } catch (...) {
        discard_staged();  // upload() removed its temporaries; the list goes too
        throw;
    }
    return removed;
}

void RemoteFiles::install_staged(const std::string& first) {
    rename(staged_upload_, first, " && rm -f -- " + std::string(staged_list_path));
    staged_.clear();
    staged_upload_ = {};
    staged_directories_.clear();  // installed files live in them now
}

void RemoteFiles::discard_staged() noexcept {
    if (staged_.empty()) return;
    bool all_gone = remove_quietly(staged_upload_.temporaries);
    // Innermost first: a directory goes only once it is empty again.
    for (auto directory = staged_directories_.rbegin(); directory != staged_directories_.rend(); ++directory) {
        try {
            session_.run("rmdir -- " + common::shell_quote(*directory));
        } catch (const std::exception&) {
            all_gone = false;
        }
    }
    // The list outlives what could not be removed: the next job removes it.
    if (all_gone) remove_quietly({staged_list_path});
    staged_.clear();
    staged_upload_ = {};
    staged_directories_.clear();
}

std::string RemoteFiles::unchanged_check(const std::vector<FileChange>& changes) {
    std::string command;
    for (const auto& change : changes) {
        const auto path = common::shell_quote(change.desired->dest);
        command += (command.empty() ? "" : " && ");
        command += change.before ? fmt::format("{{ echo '{}  '{} | sha256sum -c --status || "
                                               "{{ echo {} changed since the compare >&2; exit 1; }}; }}",
                                               change.before_sha256, path, path)
                                 : fmt::format("{{ [ ! -e {} ] || {{ echo {} appeared since the compare >&2; exit 1; }}; }}",
                                               path, path);
    }
    return command;
}

std::vector<std::string> RemoteFiles::put_back(const std::vector<FileChange>& changes) {
    std::vector<Upload> uploads;
    for (const auto& change : changes) {
        if (change.before) {
            const auto& stat = change.before->stat;
            uploads.push_back({change.desired->dest, &change.before->content, stat.mode,
                               std::pair{stat.uid, stat.gid}, {}});
        } else {
            session_.remove_file(change.desired->dest);
        }
    }
    rename(upload(uploads), {});
    std::vector<std::string> mismatched;
    for (const auto& change : changes) {
        auto now = session_.read_file(change.desired->dest);
        bool restored = change.before ? now && common::sha256_hex(now->content) == change.before_sha256 &&
                                            now->stat.mode == change.before->stat.mode
                                      : !now.has_value();
        if (!restored) mismatched.push_back(change.desired->dest);
    }
    return mismatched;
}

}  // namespace lbdeploy::rollout
