#pragma once
// Repositories made by a test with git(1): lb-config (the pairs dmz and
// intranet of pipeline_test_config) and lua (the dependency), one commit each.

#include <doctest/doctest.h>

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "support/temp_dir.hpp"

namespace lbdeploy::testing {

inline void git(const std::filesystem::path& repo, const std::string& args) {
    auto command = fmt::format("git -C '{}' -c user.name=test -c user.email=test@lbdeploy.invalid "
                               "-c init.defaultBranch=main {} >/dev/null 2>&1", repo.string(), args);
    REQUIRE_MESSAGE(std::system(command.c_str()) == 0, command);
}

inline std::string rev_parse(const std::filesystem::path& repo, const std::string& revision) {
    std::string command = fmt::format("git -C '{}' rev-parse '{}'", repo.string(), revision);
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe);
    char buffer[64] = {};
    REQUIRE(fgets(buffer, sizeof buffer, pipe));
    pclose(pipe);
    return std::string(buffer, 40);
}

inline std::string head_of(const std::filesystem::path& repo) { return rev_parse(repo, "HEAD"); }

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

}  // namespace lbdeploy::testing
