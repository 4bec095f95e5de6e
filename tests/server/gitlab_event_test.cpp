#include "server/gitlab_event.hpp"

#include <doctest/doctest.h>

#include "config/config_loader.hpp"

using namespace lbdeploy::server;

namespace {

const char* const push = R"({
  "object_kind": "push", "ref": "refs/heads/main",
  "before": "95790bf891e76fee5e1747ab589903a6a1f80f22", "after": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
  "user_username": "jsmith",
  "project": {"path_with_namespace": "netops/lb-config",
              "git_http_url": "https://gitlab.example.net/netops/lb-config.git",
              "git_ssh_url": "git@gitlab.example.net:netops/lb-config.git"},
  "commits": []})";

}  // namespace

TEST_CASE("a push to a branch is a deploy event") {
    auto event = parse_gitlab_event("Push Hook", push);
    REQUIRE(std::holds_alternative<DeployEvent>(event));
    const auto& deploy = std::get<DeployEvent>(event);
    CHECK_FALSE(deploy.merge);
    CHECK(deploy.branch == "main");
    CHECK(deploy.before == "95790bf891e76fee5e1747ab589903a6a1f80f22");
    CHECK(deploy.after == "da1560886d4f094c3e6c9ef40349f7d38b5d27d7");
    CHECK(deploy.user == "jsmith");
    CHECK(deploy.project.path_with_namespace == "netops/lb-config");
}

TEST_CASE("tags, deletions and other events are ignored with a reason, and bad JSON is malformed") {
    auto tag = parse_gitlab_event("Push Hook", R"({"ref":"refs/tags/v1","after":"abc","project":{"path_with_namespace":"a/b"}})");
    CHECK(std::get<IgnoredEvent>(tag).reason == "refs/tags/v1 is not a branch");
    auto deleted = parse_gitlab_event(
        "Push Hook", R"({"ref":"refs/heads/x","after":"0000000000000000000000000000000000000000","project":{"path_with_namespace":"a/b"}})");
    CHECK(std::get<IgnoredEvent>(deleted).reason == "branch x was deleted");
    CHECK(std::holds_alternative<IgnoredEvent>(parse_gitlab_event("Note Hook", "{not json")));
    CHECK(std::holds_alternative<MalformedEvent>(parse_gitlab_event("Push Hook", "{not json")));
    CHECK(std::holds_alternative<MalformedEvent>(parse_gitlab_event("Push Hook", "[1,2]")));
    CHECK(std::holds_alternative<MalformedEvent>(parse_gitlab_event("Push Hook", R"({"ref":"refs/heads/main"})")));
    // Found by fuzz.gitlab_event after 8.1 million runs: a branch with no name deployed.
    auto nameless = parse_gitlab_event("Push Hook", R"({"ref":"refs/heads/","after":"15","project":{"path_with_namespace":"ab"}})");
    CHECK(std::get<MalformedEvent>(nameless).reason == "a Push Hook's ref names no branch (refs/heads/ alone)");
}

TEST_CASE("a merged merge request deploys its target branch, and other actions are ignored") {
    auto merged = parse_gitlab_event("Merge Request Hook", R"({
        "user": {"username": "bob"}, "project": {"path_with_namespace": "netops/lb-config"},
        "object_attributes": {"action": "merge", "target_branch": "main", "merge_commit_sha": null,
                              "last_commit": {"id": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7"}}})");
    REQUIRE(std::holds_alternative<DeployEvent>(merged));
    CHECK(std::get<DeployEvent>(merged).merge);
    CHECK(std::get<DeployEvent>(merged).after == "da1560886d4f094c3e6c9ef40349f7d38b5d27d7");
    CHECK(std::get<DeployEvent>(merged).user == "bob");
    auto opened = parse_gitlab_event("Merge Request Hook", R"({"object_attributes": {"action": "open"}})");
    CHECK(std::get<IgnoredEvent>(opened).reason == "merge request action \"open\" (only merge deploys)");
}

TEST_CASE("projects match configured repositories by URL or path") {
    auto parsed = lbdeploy::config::parse_config(R"(
ssh: {use_agent: true, known_hosts: /k}
repositories:
  lb-config: {url: "https://gitlab.example.net/netops/lb-config.git"}
  lua: {url: "git@gitlab.example.net:dev/lua-scripts.git"}
  lab: {url: "git://127.0.0.1:9418/lab-config.git"}
pairs:
  p:
    repository: lb-config
    root: p
    nodes: {a: {host: 10.0.0.1}, b: {host: 10.0.0.2}}
    vip: 10.0.0.3
    services: {haproxy: {files: [etc/haproxy/haproxy.cfg]}}
)", "t.yaml", "");
    REQUIRE(parsed.ok());
    auto name_of = [&](GitlabProject project) {
        const auto* repository = match_repository(parsed.config, project);
        return repository ? repository->name : std::string("-");
    };
    CHECK(name_of({"netops/lb-config", "", ""}) == "lb-config");
    CHECK(name_of({"renamed/x", "", "git@gitlab.example.net:dev/lua-scripts.git"}) == "lua");
    CHECK(name_of({"lab-config", "", ""}) == "lab");
    CHECK(name_of({"netops/other", "", ""}) == "-");
}

TEST_CASE("texts from a payload cross the text boundary: controls in JSON strings are escaped") {
    auto tag = parse_gitlab_event("Push Hook", R"({"ref":"refs/tags/\u001b[2Jv1","after":"abc","project":{"path_with_namespace":"a/b"}})");
    CHECK(std::get<IgnoredEvent>(tag).reason == "refs/tags/\\x1b[2Jv1 is not a branch");
    auto push = parse_gitlab_event("Push Hook", R"({"ref":"refs/heads/main","after":"abc","user_username":"a\u0000b","project":{"path_with_namespace":"a/b"}})");
    CHECK(std::get<DeployEvent>(push).user == "a\\x00b");
    auto other = parse_gitlab_event("Note\x1b Hook", "{}");
    CHECK(std::get<IgnoredEvent>(other).reason.find("Note\\x1b Hook") != std::string::npos);
}
