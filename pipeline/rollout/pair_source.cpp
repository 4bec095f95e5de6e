#include "pipeline/rollout/pair_source.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lbdeploy::rollout {

namespace {

bool is_below(const std::string& path, const std::string& directory) {
    if (directory.empty()) return true;
    return path == directory || (path.starts_with(directory) && path[directory.size()] == '/');
}

std::string trim_slashes(std::string path) {
    while (path.ends_with('/')) path.pop_back();
    while (path.starts_with('/')) path.erase(0, 1);
    return path;
}

}  // namespace

Repositories::Repositories(const config::Config& config) : config_(config) {}

transport::Mirror& Repositories::fetched(const std::string& repository) {
    if (auto found = mirrors_.find(repository); found != mirrors_.end()) return found->second;
    const auto* settings = config_.find_repository(repository);
    if (!settings) throw transport::GitError(fmt::format("repository \"{}\" is not configured", repository));
    auto mirror = transport::Mirror::open(transport::mirror_directory(config_.server.data_dir, repository), *settings);
    mirror.fetch();
    return mirrors_.emplace(repository, std::move(mirror)).first->second;
}

std::string Repositories::resolve(const config::Pair& pair, const std::string& ref) {
    return fetched(pair.repository).resolve(ref);
}

std::string Repositories::branch_head(const std::string& repository) {
    auto& mirror = fetched(repository);  // throws when `repository` is not configured
    return mirror.branch_head(config_.find_repository(repository)->branch);
}

PairSource Repositories::read(const config::Pair& pair, const std::string& commit) {
    PairSource source;
    auto root = trim_slashes(pair.root);
    transport::TreeBudget budget{config_.limits};
    source.pair = {pair.repository, commit, root, fetched(pair.repository).read_tree(commit, root, budget)};
    for (const auto& dependency : pair.dependencies) {
        const auto* settings = config_.find_repository(dependency.repository);
        auto& mirror = fetched(dependency.repository);
        auto dependency_commit =
            settings->ref.empty() ? branch_head(dependency.repository) : mirror.resolve(settings->ref);
        auto path = trim_slashes(dependency.path);
        source.dependencies.push_back(
            {dependency.repository, dependency_commit, path, mirror.read_tree(dependency_commit, path, budget)});
    }
    return source;
}

std::vector<std::string> watched_directories(const config::Config& config, const std::string& repository) {
    const auto* settings = config.find_repository(repository);
    bool follows_branch = settings && settings->ref.empty();
    std::vector<std::string> directories;
    auto watch = [&](const std::string& directory) {
        auto trimmed = trim_slashes(directory);
        if (std::find(directories.begin(), directories.end(), trimmed) == directories.end()) directories.push_back(trimmed);
    };
    for (const auto& pair : config.pairs) {
        if (pair.repository == repository) watch(pair.root);
        for (const auto& dependency : pair.dependencies) {
            if (dependency.repository == repository && follows_branch) watch(dependency.path);
        }
    }
    return directories;
}

std::vector<std::string> affected_pairs(const config::Config& config, const std::string& repository,
                                        const std::vector<std::string>& changed_paths) {
    auto any_below = [&](const std::string& directory) {
        return std::any_of(changed_paths.begin(), changed_paths.end(),
                           [&](const std::string& path) { return is_below(path, trim_slashes(directory)); });
    };
    const auto* settings = config.find_repository(repository);
    bool follows_branch = settings && settings->ref.empty();
    std::vector<std::string> pairs;
    for (const auto& pair : config.pairs) {
        bool affected = pair.repository == repository && any_below(pair.root);
        for (const auto& dependency : pair.dependencies) {
            affected = affected || (dependency.repository == repository && follows_branch && any_below(dependency.path));
        }
        if (affected) pairs.push_back(pair.name);
    }
    return pairs;
}

}  // namespace lbdeploy::rollout
