#include "pipeline/jobs/gitlab_api.hpp"

#include <fmt/format.h>

#include <cctype>

#include "config/secret_file.hpp"
#include "config/values.hpp"

namespace lbdeploy::jobs {

GitlabApi::GitlabApi(const config::GitlabSettings& settings) : api_url_(settings.api_url) {
    if (api_url_.empty()) return;
    token_ = config::read_secret_lines(settings.api_token_file).front();
    while (api_url_.ends_with('/')) api_url_.pop_back();
}

std::string GitlabApi::project_url(const config::Config& config, const std::string& repository) const {
    const auto* found = config.find_repository(repository);
    if (!found) return {};
    return fmt::format("{}/projects/{}", api_url_, url_encode(config::repository_path(found->url)));
}

transport::HttpResult GitlabApi::request(const std::string& method, const std::string& url,
                                         const std::string& form) const {
    return transport::http_request(
        method, url, {{"PRIVATE-TOKEN", token_}, {"Content-Type", "application/x-www-form-urlencoded"}}, form,
        std::chrono::seconds(10));
}

std::string url_encode(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
            out += c;
        } else {
            out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
        }
    }
    return out;
}

std::string failure_of(const transport::HttpResult& result) {
    return result.responded ? fmt::format("HTTP {}: {:.200}", result.status, result.body) : result.error;
}

std::string gitlab_state(storage::JobState state) {
    switch (state) {
    case storage::JobState::queued: return "pending";
    case storage::JobState::running: return "running";
    case storage::JobState::succeeded: return "success";
    case storage::JobState::failed:
    case storage::JobState::interrupted: return "failed";
    case storage::JobState::cancelled:
    case storage::JobState::superseded: return "canceled";
    }
    return "failed";
}

}  // namespace lbdeploy::jobs
