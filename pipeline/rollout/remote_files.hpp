#pragma once
// The files of one node during a rollout: what differs from the plan, the
// backup of what is about to change, the atomic installation of the new
// files and the restore of the old ones. All over one SshSession.
//
// Errors: SSH failures throw SshError (caught by the step that called).

#include <optional>
#include <string>
#include <vector>

#include "pipeline/rollout/plan.hpp"
#include "pipeline/transport/ssh_session.hpp"

namespace lbdeploy::rollout {

struct FileChange {
    const DesiredFile* desired = nullptr;
    std::optional<transport::RemoteFile> before;  // nullopt: the file is new on this node
    std::string before_sha256;         // empty when new
    bool content_changed = true;       // false: only the mode differs
};

// Reads every planned file from the node; returns those that differ (content
// by sha256, or the configured mode).
std::vector<FileChange> find_changes(transport::SshSession& session, const NodePlan& plan);

class RemoteFiles {
public:
    // `tag` names temporary files and the backup directory (the job id).
    RemoteFiles(transport::SshSession& session, std::string tag);

    const std::string& backup_directory() const { return backup_directory_; }

    // Copies each changed file that exists to the backup directory, keeping
    // mode and owner, plus a MANIFEST (sha256, mode, uid:gid, path; "absent"
    // for files that are new), so a person can restore by hand too.
    void back_up(const std::vector<FileChange>& changes);

    // Uploads every new file under a temporary name beside its target (mode
    // and owner set), then renames them all over their targets in one command,
    // after `first` (a command that must succeed before any target is replaced).
    void install(const std::vector<FileChange>& changes, const std::string& first = {});

    // Puts every changed file back as it was (or removes it when it was new),
    // atomically as install() does. Returns the paths whose content on the
    // node does not match the backup afterwards (empty = verified).
    std::vector<std::string> put_back(const std::vector<FileChange>& changes);

private:
    struct Upload {
        std::string dest;
        const std::string* content;
        unsigned mode;
        std::optional<std::pair<unsigned, unsigned>> uid_gid;  // set = chown to these
        std::string owner_spec;                                // "user:group" for chown(1); empty = none
    };
    void upload_and_rename(const std::vector<Upload>& uploads, const std::string& first = {});
    void make_parent_directories(const std::string& path);
    std::string temporary_name(const std::string& dest) const;
    void remove_quietly(const std::vector<std::string>& paths) noexcept;

    transport::SshSession& session_;
    std::string tag_;
    std::string backup_directory_;
};

}  // namespace lbdeploy::rollout
