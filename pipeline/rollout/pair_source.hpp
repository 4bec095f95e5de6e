#pragma once
// Fetches the mirrors a pair needs and reads its files at a commit: the
// input of build_plan(). Also maps the paths a push changed to the pairs it
// affects.
// Errors: GitError (fetch, unknown commit or ref).

#include <map>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "pipeline/rollout/plan.hpp"
#include "pipeline/transport/git_mirror.hpp"

namespace lbdeploy::rollout {

class Repositories {
public:
    explicit Repositories(const config::Config& config);

    // The mirror of a configured repository, fetched once per Repositories.
    transport::Mirror& fetched(const std::string& repository);

    // A commit SHA for a ref a person named (a branch, tag, full or
    // abbreviated SHA, by git's rules) in the pair's repository.
    std::string resolve(const config::Pair& pair, const std::string& ref);

    // The head of the configured branch of `repository`: refs/heads/<branch>,
    // never a tag or other ref that shares the branch's name.
    std::string branch_head(const std::string& repository);

    // The pair's files at `commit` and each dependency's files at its pinned
    // ref (or the head of its branch).
    PairSource read(const config::Pair& pair, const std::string& commit);

private:
    const config::Config& config_;
    std::map<std::string, transport::Mirror> mirrors_;
};

// The directories of `repository` that pairs deploy from on its tracked
// branch: pair roots in their own repository and unpinned dependencies'
// paths, without slashes at either end ("" = the whole repository).
std::vector<std::string> watched_directories(const config::Config& config, const std::string& repository);

// Pairs whose deployed files may differ after `changed_paths` (paths or
// directories, such as Mirror::changed_below's answer for
// watched_directories) changed in `repository` on its tracked branch: the
// pair's root in its own repository, or an unpinned dependency's path. In
// config order.
std::vector<std::string> affected_pairs(const config::Config& config, const std::string& repository,
                                        const std::vector<std::string>& changed_paths);

}  // namespace lbdeploy::rollout
