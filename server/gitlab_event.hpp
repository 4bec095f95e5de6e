#pragma once
// GitLab webhook payloads as plain values (pure: no I/O). Only what a deploy
// needs: which project and branch, which commits, who.

#include <optional>
#include <string>
#include <variant>

#include "config/config.hpp"

namespace lbdeploy::server {

struct GitlabProject {
    std::string path_with_namespace;  // "netops/lb-config"
    std::string http_url;             // git_http_url
    std::string ssh_url;              // git_ssh_url
};

// A push to a branch, or a merge request merged into one.
struct DeployEvent {
    bool merge = false;
    GitlabProject project;
    std::string branch;  // without refs/heads/
    std::string before;  // push only
    std::string after;   // push: new head; merge: merge_commit_sha or last commit (may be empty)
    std::string user;
};

// An event lbdeploy does not act on, with the reason given to GitLab.
struct IgnoredEvent {
    std::string reason;
};

// Malformed JSON or a payload without the fields its event must have (400).
struct MalformedEvent {
    std::string reason;
};

using GitlabEvent = std::variant<DeployEvent, IgnoredEvent, MalformedEvent>;

// `event_header` is X-Gitlab-Event; `body` the raw JSON.
GitlabEvent parse_gitlab_event(const std::string& event_header, const std::string& body);

// The configured repository a project is, by its git URLs or its path (a
// configured URL ending in "<path_with_namespace>.git"); nullptr if none.
const config::Repository* match_repository(const config::Config& config, const GitlabProject& project);

}  // namespace lbdeploy::server
