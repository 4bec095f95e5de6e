#pragma once
// The node's own record of a change lbdeploy has begun on it and not yet
// verified (docs/design.md §3, "The node journal"). Written on the node,
// atomically, before lbdeploy touches its files or moves its VIP away; closed
// (removed) once the node is verified again. It outlives the deployer: any
// later job, from any lbdeploy, reads it in the pre-check and recovers the
// node to the entry's "before" state first.
//
// Errors: SSH failures throw SshError; an entry that cannot be parsed
// throws JournalError (the node needs a person: nothing is guessed).

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "pipeline/transport/ssh_session.hpp"

namespace lbdeploy::rollout {

class JournalError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct JournalEntry {
    std::int64_t job = 0;
    std::string pair;
    std::string node;
    std::string commit;                 // what the job was deploying
    std::string backup_directory;       // its MANIFEST names the files and their "before" state; empty = none yet
    std::vector<std::string> services;  // to reload (and verify) once the files are back
};

std::string to_text(const JournalEntry& entry);
JournalEntry parse_journal(const std::string& text, const std::string& where);  // throws JournalError

class NodeJournal {
public:
    // The node's files: open from install until the node is verified.
    static constexpr const char* default_path = "/var/lib/lbdeploy/journal.json";
    // The node's VIP: open from `release` until `restore` ran; apart from the
    // files' entry, so that a verified node is never put back for its drain.
    static constexpr const char* vip_path = "/var/lib/lbdeploy/vip-released.json";

    explicit NodeJournal(transport::SshSession& session, std::string path = default_path);

    // The open entry, if any.
    std::optional<JournalEntry> read();
    // Records `entry` (replacing any open one): temporary file, fsync, rename, fsync of the directory.
    void write(const JournalEntry& entry);
    // write() in two halves, so that the rename can lead the command that
    // installs the files (one round trip, the journal durable before any
    // target is replaced): stage() uploads the temporary file over SFTP;
    // commit_command() is the shell command that makes it the entry.
    void stage(const JournalEntry& entry);
    std::string commit_command() const;
    // Closes the entry: the node is verified. Not synced: an entry that
    // outlives a crash here only makes the next job recover a verified node.
    void close();

    const std::string& path() const { return path_; }

private:
    transport::SshSession& session_;
    std::string path_;
};

}  // namespace lbdeploy::rollout
