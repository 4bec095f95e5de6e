#pragma once
// The files of one node during a rollout: what differs from the plan, the
// new files staged beside their targets, the backup of what is about to
// change, the atomic installation of the staged files and the restore of the
// old ones. All over one SshSession.
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

// A new file uploaded under its temporary name beside `dest`, with its final
// mode and owner, not yet renamed over it.
struct StagedFile {
    std::string dest;
    std::string temporary;
    bool is_new = false;  // nothing is at `dest` yet
};

class RemoteFiles {
public:
    // The node's list of the temporaries a job has staged and not yet
    // installed or removed: what a deployer that died leaves is found there.
    static constexpr const char* staged_list_path = "/var/lib/lbdeploy/staged";

    // `tag` names temporary files and the backup directory (the job id).
    RemoteFiles(transport::SshSession& session, std::string tag);
    RemoteFiles(RemoteFiles&& other) noexcept;
    RemoteFiles& operator=(RemoteFiles&&) = delete;
    // Removes what is still staged (best effort: the staged list names what
    // this cannot remove, for the next job).
    ~RemoteFiles();

    // First removes the temporaries the node's staged list names (a deployer
    // died between staging and install), then records the new names in the
    // list (synced) and uploads every changed file under its temporary name
    // beside its target (mode and owner set). The removal and the list are one
    // command. Returns how many leftovers were removed. With no changes, only
    // the leftovers go.
    std::size_t stage(const std::vector<FileChange>& changes);
    const std::vector<StagedFile>& staged() const { return staged_; }
    // Renames the staged files over their targets in one command, after
    // `first` (a command that must succeed before any target is replaced).
    void install_staged(const std::string& first = {});
    // Removes the staged files, the directories made for them and the list
    // (the list only when the files are gone): the change is not installed.
    void discard_staged() noexcept;
    // The shell command that fails, naming the file, unless every changed file
    // is still as compare() read it (sha256, or still absent).
    static std::string unchanged_check(const std::vector<FileChange>& changes);

    const std::string& backup_directory() const { return backup_directory_; }

    // Copies each changed file that exists to the backup directory, keeping
    // mode and owner, plus a MANIFEST (sha256, mode, uid:gid, path; "absent"
    // for files that are new), so a person can restore by hand too.
    void back_up(const std::vector<FileChange>& changes);

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
    struct Uploaded {
        std::vector<std::string> temporaries;
        std::string owners;   // chown(1) of the temporaries with configured owner names; empty = none
        std::string renames;  // the renames, then a sync of their directories
    };
    // `names`: the temporaries' names, chosen before (empty = chosen here).
    Uploaded upload(const std::vector<Upload>& uploads, const std::vector<std::string>& names = {});
    void rename(const Uploaded& uploaded, const std::string& first, const std::string& after = {});
    // Creates the missing directories above `path`; with `created`, records them (outermost first).
    void make_parent_directories(const std::string& path, std::vector<std::string>* created = nullptr);
    std::string temporary_name(const std::string& dest) const;
    // Removes each path that exists; true when none is left.
    bool remove_quietly(const std::vector<std::string>& paths) noexcept;

    transport::SshSession& session_;
    std::string tag_;
    std::string backup_directory_;
    std::vector<StagedFile> staged_;
    Uploaded staged_upload_;
    std::vector<std::string> staged_directories_;  // made for staged files; removed again on discard
    bool moved_from_ = false;
};

}  // namespace lbdeploy::rollout
