#include "pipeline/rollout/plan.hpp"

#include <doctest/doctest.h>

#include "common/sha256.hpp"
#include "pipeline/rollout/pair_source.hpp"
#include "pipeline_config.hpp"

using namespace lbdeploy::rollout;
using lbdeploy::common::sha256_hex;

namespace {

PairSource dmz_source() {
    PairSource source;
    source.pair = {"lb-config", "0123456789abcdef", "dmz/filesystem",
                   {{"etc/haproxy/haproxy.cfg", "global\n", false},
                    {"etc/haproxy/errors/503.http", "HTTP/1.0 503\n", false},
                    {"etc/haproxy/errors/README", "not a page\n", false},
                    {"etc/keepalived/keepalived-lb1.conf", "state MASTER\n", false},
                    {"etc/keepalived/keepalived-lb2.conf", "state BACKUP\n", false}}};
    source.dependencies = {{"lua", "fedcba9876543210", "lua", {{"version.lua", "v1\n", false}}}};
    return source;
}

const DesiredFile* find(const NodePlan& plan, const std::string& dest) {
    for (const auto& file : plan.files) {
        if (file.dest == dest) return &file;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("the plan gives each node its files, per-node variants and dependency files") {
    auto config = lbdeploy::testing::pipeline_test_config();
    auto plan = build_plan(*config.find_pair("dmz"), dmz_source());
    REQUIRE(plan.ok());
    REQUIRE(plan.nodes.size() == 2);
    for (const auto& node : plan.nodes) {
        CHECK(node.files.size() == 4);
        auto* cfg = find(node, "/etc/haproxy/haproxy.cfg");
        REQUIRE(cfg);
        CHECK(cfg->sha256 == sha256_hex("global\n"));
        CHECK(cfg->services == std::vector<std::string>{"haproxy"});
        CHECK(find(node, "/etc/haproxy/errors/503.http"));
        CHECK_FALSE(find(node, "/etc/haproxy/errors/README"));
        auto* lua = find(node, "/etc/haproxy/lua/version.lua");
        REQUIRE(lua);
        CHECK(lua->services == std::vector<std::string>{"haproxy"});
        CHECK(lua->source == "lua:lua/version.lua@fedcba98");
    }
    auto* ka1 = find(plan.nodes[0], "/etc/keepalived/keepalived.conf");
    auto* ka2 = find(plan.nodes[1], "/etc/keepalived/keepalived.conf");
    REQUIRE(ka1);
    REQUIRE(ka2);
    CHECK(ka1->content == "state MASTER\n");
    CHECK(ka2->content == "state BACKUP\n");
    CHECK(ka1->mode == 0600u);
    CHECK(ka1->source == "lb-config:dmz/filesystem/etc/keepalived/keepalived-lb1.conf@01234567");
}

TEST_CASE("a file missing from the repository is a planning error naming it") {
    auto config = lbdeploy::testing::pipeline_test_config();
    auto source = dmz_source();
    source.pair.files.erase(source.pair.files.begin() + 4);  // keepalived-lb2.conf
    auto plan = build_plan(*config.find_pair("dmz"), source);
    REQUIRE(plan.errors.size() == 1);
    CHECK(plan.errors[0] ==
          "dmz: dmz/filesystem/etc/keepalived/keepalived-lb2.conf is missing from lb-config at 01234567 "
          "(service keepalived, node lb2)");
}

TEST_CASE("an empty dependency and a directory into a file destination are errors") {
    auto config = lbdeploy::testing::pipeline_test_config();
    auto source = dmz_source();
    source.dependencies[0].files.clear();
    CHECK(build_plan(*config.find_pair("dmz"), source).errors.size() == 2);

    auto intranet = *config.find_pair("intranet");
    PairSource two;
    two.pair = {"lb-config", "0123456789abcdef", "intranet/filesystem", {{"etc/haproxy/haproxy.cfg", "x", false}}};
    two.dependencies = {{"pinned", "abc", "tools", {{"a.sh", "a", true}, {"b.sh", "b", true}}}};
    auto plan = build_plan(intranet, two);
    REQUIRE_FALSE(plan.ok());
    CHECK(plan.errors[0].find("holds 2 files but dest /usr/local/bin/check.sh is a file") != std::string::npos);
    two.dependencies[0].files.pop_back();
    plan = build_plan(intranet, two);
    REQUIRE(plan.ok());
    auto* tool = find(plan.nodes[0], "/usr/local/bin/check.sh");
    REQUIRE(tool);
    CHECK(tool->executable);
}

TEST_CASE("changed paths map to the pairs they affect") {
    auto config = lbdeploy::testing::pipeline_test_config();
    CHECK(affected_pairs(config, "lb-config", {"dmz/filesystem/etc/haproxy/haproxy.cfg"}) ==
          std::vector<std::string>{"dmz"});
    CHECK(affected_pairs(config, "lb-config", {"README.md", "intranet/filesystem/etc/x"}) ==
          std::vector<std::string>{"intranet"});
    CHECK(affected_pairs(config, "lb-config", {"dmz/filesystem-old/x"}).empty());
    CHECK(affected_pairs(config, "lua", {"lua/version.lua"}) == std::vector<std::string>{"dmz"});
    CHECK(affected_pairs(config, "lua", {"docs/x.md"}).empty());
    // A pinned dependency does not follow pushes to its branch.
    CHECK(affected_pairs(config, "pinned", {"tools/check.sh"}).empty());
    CHECK(affected_pairs(config, "unknown", {"dmz/filesystem/x"}).empty());
}

TEST_CASE("a tree entry that climbs out of the dependency's destination is a planning error, per node") {
    // git accepts such trees when they are made by hand (git hash-object
    // --literally, mktree); the configuration's own dest was allowed.
    auto config = lbdeploy::testing::pipeline_test_config();
    auto source = dmz_source();
    source.dependencies[0].files.push_back({"../../../root/.ssh/authorized_keys", "ssh-ed25519 AAAA\n", false});
    auto plan = build_plan(*config.find_pair("dmz"), source);
    REQUIRE(plan.errors.size() == 2);  // lb1 and lb2
    CHECK(plan.errors[0].find("root/.ssh/authorized_keys, which is not a clean path below the pair's allowed_paths") !=
          std::string::npos);
    for (const auto& node : plan.nodes) {
        for (const auto& file : node.files) CHECK(file.dest.find("..") == std::string::npos);
    }
}
