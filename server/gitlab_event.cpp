#include "server/gitlab_event.hpp"

#include "common/clean_text.hpp"
#include "common/text.hpp"
#include "config/values.hpp"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

namespace lbdeploy::server {

namespace {

using nlohmann::json;

// JSON strings are UTF-8 but may hold controls ("\u001b"): every text taken
// from a payload crosses the text boundary here, since branch, user and the
// reasons built from them are stored, logged and shown as they are.
std::string text_at(const json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? common::to_display_text(found->get_ref<const std::string&>())
                                                       : std::string();
}

GitlabProject project_of(const json& payload) {
    GitlabProject project;
    if (auto found = payload.find("project"); found != payload.end() && found->is_object()) {
        project.path_with_namespace = text_at(*found, "path_with_namespace");
        project.http_url = text_at(*found, "git_http_url");
        project.ssh_url = text_at(*found, "git_ssh_url");
    }
    return project;
}

GitlabEvent parse_push(const json& payload) {
    auto ref = text_at(payload, "ref");
    DeployEvent event;
    event.project = project_of(payload);
    event.before = text_at(payload, "before");
    event.after = text_at(payload, "after");
    event.user = text_at(payload, "user_username");
    if (ref.empty() || event.after.empty() || event.project.path_with_namespace.empty()) {
        return MalformedEvent{"a Push Hook needs ref, after and project.path_with_namespace"};
    }
    if (!ref.starts_with("refs/heads/")) return IgnoredEvent{fmt::format("{} is not a branch", ref)};
    event.branch = ref.substr(11);
    if (event.branch.empty()) return MalformedEvent{"a Push Hook's ref names no branch (refs/heads/ alone)"};
    if (common::is_zero_sha(event.after)) return IgnoredEvent{fmt::format("branch {} was deleted", event.branch)};
    return event;
}

GitlabEvent parse_merge(const json& payload) {
    auto attributes = payload.find("object_attributes");
    if (attributes == payload.end() || !attributes->is_object()) {
        return MalformedEvent{"a Merge Request Hook needs object_attributes"};
    }
    auto action = text_at(*attributes, "action");
    if (action != "merge") return IgnoredEvent{fmt::format("merge request action \"{}\" (only merge deploys)", action)};
    DeployEvent event;
    event.merge = true;
    event.project = project_of(payload);
    event.branch = text_at(*attributes, "target_branch");
    event.after = text_at(*attributes, "merge_commit_sha");  // null for fast-forward merges
    if (event.after.empty()) {
        if (auto last = attributes->find("last_commit"); last != attributes->end() && last->is_object()) {
            event.after = text_at(*last, "id");
        }
    }
    if (auto user = payload.find("user"); user != payload.end() && user->is_object()) {
        event.user = text_at(*user, "username");
    }
    if (event.branch.empty() || event.project.path_with_namespace.empty()) {
        return MalformedEvent{"a merge needs object_attributes.target_branch and project.path_with_namespace"};
    }
    return event;
}

}  // namespace

GitlabEvent parse_gitlab_event(const std::string& event_header, const std::string& body) {
    bool push = event_header == "Push Hook";
    bool merge = event_header == "Merge Request Hook";
    if (!push && !merge) {
        return IgnoredEvent{fmt::format("event \"{}\" is not handled (Push Hook and Merge Request Hook are)",
                                        common::to_display_text(event_header))};
    }
    auto payload = json::parse(body, nullptr, false);
    if (payload.is_discarded() || !payload.is_object()) return MalformedEvent{"the body is not a JSON object"};
    return push ? parse_push(payload) : parse_merge(payload);
}

const config::Repository* match_repository(const config::Config& config, const GitlabProject& project) {
    for (const auto& repository : config.repositories) {
        if ((!project.http_url.empty() && repository.url == project.http_url) ||
            (!project.ssh_url.empty() && repository.url == project.ssh_url) ||
            config::repository_path(repository.url) == project.path_with_namespace) {
            return &repository;
        }
    }
    return nullptr;
}

}  // namespace lbdeploy::server
