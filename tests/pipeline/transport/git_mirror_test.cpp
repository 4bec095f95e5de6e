// Mirrors against real repositories made by the test with git(1).
#include "pipeline/transport/git_mirror.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fmt/format.h>

#include "pipeline/rollout/pair_source.hpp"
#include "pipeline_config.hpp"
#include "support/temp_dir.hpp"

using namespace lbdeploy::transport;
using lbdeploy::rollout::affected_pairs;
using lbdeploy::rollout::Repositories;
using lbdeploy::testing::TempDir;
using lbdeploy::testing::write_file;

namespace {

void git(const std::filesystem::path& repo, const std::string& args) {
    auto command = fmt::format("git -C '{}' -c user.name=test -c user.email=test@lbdeploy.invalid "
                               "-c init.defaultBranch=main {} >/dev/null 2>&1", repo.string(), args);
    REQUIRE_MESSAGE(std::system(command.c_str()) == 0, command);
}

std::string head_of(const std::filesystem::path& repo) {
    std::string command = fmt::format("git -C '{}' rev-parse HEAD", repo.string());
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe);
    char buffer[64] = {};
    REQUIRE(fgets(buffer, sizeof buffer, pipe));
    pclose(pipe);
    return std::string(buffer, 40);
}

struct Repos {
    TempDir dir;
    std::filesystem::path lb_config = dir / "lb-config";
    std::filesystem::path lua = dir / "lua";

    Repos() {
        for (const auto& repo : {lb_config, lua}) {
            std::filesystem::create_directories(repo);
            git(repo, "init -q");
        }
        write_file(lb_config / "dmz/filesystem/etc/haproxy/haproxy.cfg", "global\n");
        write_file(lb_config / "dmz/filesystem/etc/keepalived/keepalived-lb1.conf", "lb1\n");
        write_file(lb_config / "dmz/filesystem/etc/keepalived/keepalived-lb2.conf", "lb2\n");
        write_file(lb_config / "intranet/filesystem/etc/haproxy/haproxy.cfg", "intranet\n");
        git(lb_config, "add -A");
        git(lb_config, "commit -q -m one");
        write_file(lua / "lua/version.lua", "v1\n");
        git(lua, "add -A");
        git(lua, "commit -q -m lua");
        git(lua, "tag v1");
    }
};

}  // namespace

TEST_CASE("each limit on a pair's sources is a GitError naming it, raised before the blob over it is loaded") {
    GitLibrary library;
    Repos repos;
    // A file past the size limit, a deep tree, and many files.
    write_file(repos.lb_config / "dmz/filesystem/etc/big.bin", std::string(3 * 1024 * 1024, 'x'));
    write_file(repos.lb_config / "deep/a/b/c/d/e/f/file", "deep\n");
    git(repos.lb_config, "add -A");
    git(repos.lb_config, "commit -q -m limits");
    auto config = lbdeploy::testing::pipeline_test_config(repos.lb_config.string(), repos.lua.string(),
                                                          (repos.dir / "data").string());
    auto mirror = Mirror::open(mirror_directory(config.server.data_dir, "lb-config"),
                               *config.find_repository("lb-config"));
    mirror.fetch();
    auto head = head_of(repos.lb_config);
    auto error_of = [&](lbdeploy::config::Limits limits, const std::string& path) -> std::string {
        TreeBudget budget{limits};
        try {
            mirror.read_tree(head, path, budget);
        } catch (const GitError& e) {
            return e.what();
        }
        return "no error";
    };
    lbdeploy::config::Limits limits;
    limits.max_file_size = 1024 * 1024;
    CHECK(error_of(limits, "dmz/filesystem").find("etc/big.bin is 3.0 MiB, over limits.max_file_size (1.0 MiB)") !=
          std::string::npos);
    limits = {};
    limits.max_bytes_per_pair = 2 * 1024 * 1024;
    CHECK(error_of(limits, "dmz/filesystem").find("over limits.max_bytes_per_pair (2.0 MiB)") != std::string::npos);
    limits = {};
    limits.max_files_per_pair = 2;
    CHECK(error_of(limits, "dmz/filesystem").find("more than limits.max_files_per_pair (2) files") != std::string::npos);
    limits = {};
    limits.max_tree_depth = 4;
    CHECK(error_of(limits, "deep").find("nested deeper than limits.max_tree_depth (4)") != std::string::npos);
    CHECK(error_of({}, "deep") == "no error");
    CHECK(error_of({}, "dmz/filesystem") == "no error");
}

TEST_CASE("a mirror is created, fetched, resolved and read without a worktree") {
    GitLibrary library;
    Repos repos;
    auto config = lbdeploy::testing::pipeline_test_config(repos.lb_config.string(), repos.lua.string(),
                                                          (repos.dir / "data").string());
    auto first = head_of(repos.lb_config);
    auto mirror = Mirror::open(mirror_directory(config.server.data_dir, "lb-config"),
                               *config.find_repository("lb-config"));
    mirror.fetch();
    CHECK(mirror.resolve("main") == first);
    CHECK(mirror.resolve(first.substr(0, 8)) == first);
    CHECK_THROWS_AS(mirror.resolve("no-such-branch"), GitError);
    lbdeploy::config::Limits limits;
    TreeBudget budget{limits};
    auto files = mirror.read_tree(first, "dmz/filesystem", budget);
    REQUIRE(files.size() == 3);
    CHECK(files[0].path == "etc/haproxy/haproxy.cfg");
    CHECK(files[0].content == "global\n");
    CHECK(mirror.read_tree(first, "no/such/dir", budget).empty());
    auto single = mirror.read_tree(first, "dmz/filesystem/etc/haproxy/haproxy.cfg", budget);
    REQUIRE(single.size() == 1);
    CHECK(single[0].path == "haproxy.cfg");

    write_file(repos.lb_config / "dmz/filesystem/etc/haproxy/haproxy.cfg", "global\n    maxconn 100\n");
    git(repos.lb_config, "commit -q -am two");
    auto second = head_of(repos.lb_config);
    // Reopening finds the existing mirror and fetches only what is new.
    auto reopened = Mirror::open(mirror_directory(config.server.data_dir, "lb-config"),
                                 *config.find_repository("lb-config"));
    reopened.fetch();
    CHECK(reopened.resolve("main") == second);
    CHECK(reopened.changed_paths(first, second) ==
          std::vector<std::string>{"dmz/filesystem/etc/haproxy/haproxy.cfg"});
    CHECK(reopened.changed_paths("", first).size() == 4);
    CHECK(affected_pairs(config, "lb-config", reopened.changed_paths(first, second)) ==
          std::vector<std::string>{"dmz"});
}

TEST_CASE("a pair's source has its files and each dependency at its ref") {
    GitLibrary library;
    Repos repos;
    auto config = lbdeploy::testing::pipeline_test_config(repos.lb_config.string(), repos.lua.string(),
                                                          (repos.dir / "data").string());
    Repositories repositories(config);
    const auto& pair = *config.find_pair("dmz");
    auto commit = repositories.resolve(pair, "main");
    auto source = repositories.read(pair, commit);
    CHECK(source.pair.files.size() == 3);
    REQUIRE(source.dependencies.size() == 1);
    CHECK(source.dependencies[0].commit == head_of(repos.lua));
    CHECK(source.dependencies[0].files[0].path == "version.lua");
}

TEST_CASE("an unreachable repository is a GitError naming it") {
    GitLibrary library;
    TempDir dir;
    auto config = lbdeploy::testing::pipeline_test_config((dir / "missing.git").string(), "/nonexistent",
                                                          (dir / "data").string());
    auto mirror = Mirror::open(mirror_directory(config.server.data_dir, "lb-config"),
                               *config.find_repository("lb-config"));
    try {
        mirror.fetch();
        FAIL("fetch from a missing repository succeeded");
    } catch (const GitError& e) {
        CHECK(std::string(e.what()).find("fetch lb-config from") != std::string::npos);
    }
}
