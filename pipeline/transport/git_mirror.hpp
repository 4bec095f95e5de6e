#pragma once
// Git: one bare mirror per configured repository under data_dir, fetched
// before each plan, read without a worktree. libgit2 is included by
// git_mirror.cpp and text_diff.cpp only.
//
// Errors: every libgit2 failure throws GitError with libgit2's message.
// Thread safety: a Mirror belongs to one thread; fetches of the same mirror
// from several threads or processes are serialised by a lock file.

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace lbdeploy::transport {

class GitError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// libgit2's global state; one instance, owned by the composition root.
class GitLibrary {
public:
    GitLibrary();
    ~GitLibrary();
    GitLibrary(const GitLibrary&) = delete;
    GitLibrary& operator=(const GitLibrary&) = delete;
};

struct TreeFile {
    std::string path;  // relative to the directory that was read
    std::string content;
    bool executable = false;
};

// What the trees read for one pair have brought so far, against the limits.
// One budget is shared by the pair's tree and its dependencies.
struct TreeBudget {
    const config::Limits& limits;
    int files = 0;
    std::size_t bytes = 0;
};

class Mirror {
public:
    // Opens the bare mirror at `directory`, creating it when missing. The
    // remote URL and credentials come from `repository` (token_file: https
    // token, as "TOKEN" or "USER:TOKEN"; ssh_key_file: key for ssh URLs).
    static Mirror open(const std::filesystem::path& directory, const config::Repository& repository);

    Mirror(Mirror&&) noexcept;
    Mirror& operator=(Mirror&&) noexcept;
    ~Mirror();

    // Fetches every branch and tag (forced, pruned).
    void fetch();
    // A full SHA for a branch, tag, full or abbreviated SHA; GitError when
    // unknown. git's rules: a tag wins over a branch of the same name, so
    // this is for refs a person names; the configured branch is branch_head's.
    std::string resolve(const std::string& ref) const;
    // The commit refs/heads/<branch> points to: never a tag or another ref
    // that happens to share the branch's name. GitError when there is no such branch.
    std::string branch_head(const std::string& branch) const;
    // Whether `ancestor` is `descendant` or one of its ancestors. Both must be
    // full SHAs of commits the mirror holds: anything else (an abbreviation,
    // a ref name, an unknown SHA, a tag object) answers false, since a
    // payload's SHA is outside input and an unknown commit is on no branch.
    bool is_ancestor(const std::string& ancestor, const std::string& descendant) const;
    // Every file below `path` ("" = the whole tree) at `commit`; a `path` that
    // names a file yields that one file with path = its name. Symlinks and
    // submodules are refused. An absent path yields nothing. Throws GitError
    // naming the limit as soon as `budget` is exceeded, before the blob over
    // it is loaded.
    std::vector<TreeFile> read_tree(const std::string& commit, const std::string& path, TreeBudget& budget) const;
    // Which of `directories` (paths from the repository root, "" = all of it)
    // name something else at `to` than at `from`: another tree or file, or
    // something only on one side. `from` empty: those present at `to`. Tree
    // ids are compared, so the cost is one lookup per directory, whatever
    // the trees hold: a commit naming 10^10 paths (a git bomb) is not walked.
    std::vector<std::string> changed_below(const std::string& from, const std::string& to,
                                           const std::vector<std::string>& directories) const;

private:
    struct Impl;
    explicit Mirror(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Where the mirror of `repository` lives under data_dir.
std::filesystem::path mirror_directory(const std::filesystem::path& data_dir, const std::string& repository);

}  // namespace lbdeploy::transport
