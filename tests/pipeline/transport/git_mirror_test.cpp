// Mirrors against real repositories made by the test with git(1).
#include "pipeline/transport/git_mirror.hpp"

#include <doctest/doctest.h>

#include "pipeline/rollout/pair_source.hpp"
#include "pipeline_config.hpp"
#include "support/temp_dir.hpp"
#include "test_repos.hpp"

using namespace lbdeploy::transport;
using lbdeploy::rollout::affected_pairs;
using lbdeploy::rollout::watched_directories;
using lbdeploy::rollout::Repositories;
using lbdeploy::testing::git;
using lbdeploy::testing::head_of;
using lbdeploy::testing::Repos;
using lbdeploy::testing::rev_parse;
using lbdeploy::testing::TempDir;
using lbdeploy::testing::write_file;

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
    std::vector<std::string> directories{"dmz/filesystem", "dmz/filesystem/etc/haproxy", "dmz/filesystem/etc/keepalived",
                                         "intranet/filesystem", ""};
    CHECK(reopened.changed_below(first, second, directories) ==
          std::vector<std::string>{"dmz/filesystem", "dmz/filesystem/etc/haproxy", ""});
    // Nothing before: what exists at `to`.
    CHECK(reopened.changed_below("", first, directories).size() == 5);
    CHECK(reopened.changed_below(first, first, directories).empty());
    CHECK(affected_pairs(config, "lb-config",
                         reopened.changed_below(first, second, watched_directories(config, "lb-config"))) ==
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

TEST_CASE("the configured branch's head is never a tag named like the branch, and a named ref keeps git's rules") {
    GitLibrary library;
    Repos repos;
    auto config = lbdeploy::testing::pipeline_test_config(repos.lb_config.string(), repos.lua.string(),
                                                          (repos.dir / "data").string());
    // In both repositories an annotated tag "main" names the older of two commits on main.
    auto first = head_of(repos.lb_config);
    write_file(repos.lb_config / "dmz/filesystem/etc/haproxy/haproxy.cfg", "global # 2\n");
    git(repos.lb_config, "commit -q -am two");
    auto second = head_of(repos.lb_config);
    git(repos.lb_config, "tag -a -m shadow main " + first);
    auto lua_first = head_of(repos.lua);
    write_file(repos.lua / "lua/version.lua", "v2\n");
    git(repos.lua, "commit -q -am v2");
    auto lua_second = head_of(repos.lua);
    git(repos.lua, "tag -a -m shadow main " + lua_first);
    Repositories repositories(config);
    const auto& pair = *config.find_pair("dmz");

    // What a default deploy and the pairs page mean by the branch: refs/heads/main.
    CHECK(repositories.branch_head("lb-config") == second);
    // An unpinned dependency is read at its branch's head.
    auto source = repositories.read(pair, second);
    REQUIRE(source.dependencies.size() == 1);
    CHECK(source.dependencies[0].commit == lua_second);
    CHECK(source.dependencies[0].files[0].content == "v2\n");
    // A ref a person names: git's rules, so a full or abbreviated SHA and a tag
    // work, and a bare name that is both a tag and a branch is the tag.
    CHECK(repositories.resolve(pair, second) == second);
    CHECK(repositories.resolve(pair, first.substr(0, 10)) == first);
    CHECK(repositories.resolve(pair, "refs/tags/main") == first);
    CHECK(repositories.resolve(pair, "refs/heads/main") == second);
    CHECK(repositories.resolve(pair, "main") == first);
    CHECK_THROWS_AS(repositories.branch_head("no-such-repository"), GitError);
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

TEST_CASE("is_ancestor answers for full commit SHAs of the mirror only, and branch_head reads the branch, not a tag") {
    GitLibrary library;
    Repos repos;
    auto config = lbdeploy::testing::pipeline_test_config(repos.lb_config.string(), repos.lua.string(),
                                                          (repos.dir / "data").string());
    auto first = head_of(repos.lb_config);
    write_file(repos.lb_config / "dmz/filesystem/etc/haproxy/haproxy.cfg", "global # 2\n");
    git(repos.lb_config, "commit -q -am two");
    auto second = head_of(repos.lb_config);
    // A branch off the first commit, and an annotated tag on it named like the deploy branch.
    git(repos.lb_config, "checkout -q -b feature " + first);
    write_file(repos.lb_config / "dmz/filesystem/etc/haproxy/haproxy.cfg", "global # feature\n");
    git(repos.lb_config, "commit -q -am feature");
    auto feature = head_of(repos.lb_config);
    git(repos.lb_config, "checkout -q main");
    git(repos.lb_config, "tag -a -m tag main " + feature);
    auto tag_object = rev_parse(repos.lb_config, "refs/tags/main");
    auto mirror = Mirror::open(mirror_directory(config.server.data_dir, "lb-config"),
                               *config.find_repository("lb-config"));
    mirror.fetch();

    CHECK(mirror.branch_head("main") == second);
    CHECK(mirror.resolve("refs/tags/main") == feature);
    CHECK(tag_object != feature);
    CHECK(mirror.is_ancestor(first, second));
    CHECK(mirror.is_ancestor(second, second));
    CHECK_FALSE(mirror.is_ancestor(second, first));
    CHECK(mirror.is_ancestor(first, feature));
    CHECK_FALSE(mirror.is_ancestor(feature, second));  // another branch's head
    CHECK_FALSE(mirror.is_ancestor(second, feature));
    // Outside input that is no full SHA of a commit is on no branch, whatever git would make of it.
    for (const auto& odd : {std::string("main"), std::string("main~1"), first.substr(0, 12), tag_object,
                            std::string(40, '0'), std::string("0123456789abcdef0123456789abcdef01234567"),
                            first + "x", std::string()}) {
        CAPTURE(odd);
        CHECK_FALSE(mirror.is_ancestor(odd, second));
        CHECK_FALSE(mirror.is_ancestor(first, odd));
    }
}
