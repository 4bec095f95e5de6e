// The GitLab webhook parser on arbitrary payloads: the input's first line is
// the X-Gitlab-Event header, the rest the body. Whatever the bytes, the
// outcome is a value (never an exception) that says what the route needs:
// a deploy with its branch, project and commit, or a reason for GitLab. Every
// text in it is display text, since it is stored and shown as it is.

#include <string>

#include "common/clean_text.hpp"
#include "common/text.hpp"
#include "fuzz_support.hpp"
#include "server/gitlab_event.hpp"

using lbdeploy::common::is_display_text;
using lbdeploy::fuzz::require;
using namespace lbdeploy::server;

namespace {

const lbdeploy::config::Config& configured() {
    static const auto config = [] {
        lbdeploy::config::Config config;
        config.repositories.push_back({.name = "lb-config", .url = "https://gitlab.example.com/netops/lb-config.git"});
        config.repositories.push_back({.name = "certs", .url = "git@gitlab.example.com:netops/certs.git"});
        config.repositories.push_back({.name = "local", .url = "/srv/git/lb-local"});
        return config;
    }();
    return config;
}

void check_deploy(const DeployEvent& event, bool push) {
    require(event.merge == !push, "a Push Hook is a push, a Merge Request Hook a merge");
    require(!event.branch.empty() && !event.project.path_with_namespace.empty(), "a deploy names its branch and project");
    if (push) require(!event.after.empty() && !lbdeploy::common::is_zero_sha(event.after), "a push deploys a commit");
    for (const auto* text : {&event.branch, &event.before, &event.after, &event.user, &event.project.path_with_namespace,
                             &event.project.http_url, &event.project.ssh_url}) {
        require(is_display_text(*text), "every text of a deploy event is display text");
    }
    const auto& repositories = configured().repositories;
    const auto* repository = match_repository(configured(), event.project);
    require(repository == nullptr || (repository >= repositories.data() && repository < repositories.data() + repositories.size()),
            "match_repository answers a configured repository or none");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto [header, body] = lbdeploy::fuzz::split_once(lbdeploy::fuzz::as_text(data, size), '\n');
    bool push = header == "Push Hook";
    bool handled = push || header == "Merge Request Hook";
    auto event = parse_gitlab_event(std::string(header), std::string(body));
    if (const auto* deploy = std::get_if<DeployEvent>(&event)) {
        require(handled, "only push and merge request events deploy");
        check_deploy(*deploy, push);
    } else if (const auto* ignored = std::get_if<IgnoredEvent>(&event)) {
        require(!ignored->reason.empty() && is_display_text(ignored->reason), "an ignored event has a displayable reason");
    } else {
        const auto& reason = std::get<MalformedEvent>(event).reason;
        require(handled, "an event lbdeploy does not handle is ignored, never malformed");
        require(!reason.empty() && is_display_text(reason), "a malformed event has a displayable reason");
    }
    return 0;
}
