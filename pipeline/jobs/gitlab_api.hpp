#pragma once
// GitLab's REST API as lbdeploy calls it (commit statuses, deployments):
// gitlab.api_url with the token of gitlab.api_token_file, projects named by
// their URL-encoded path_with_namespace, form-encoded bodies.

#include <string>
#include <string_view>

#include "config/config.hpp"
#include "pipeline/transport/http_client.hpp"
#include "storage/job.hpp"

namespace lbdeploy::jobs {

class GitlabApi {
public:
    // Disabled when gitlab.api_url is empty. Throws std::runtime_error when
    // the API token file cannot be read.
    explicit GitlabApi(const config::GitlabSettings& settings);

    bool enabled() const { return !api_url_.empty(); }
    // "<api_url>/projects/<path>" of a configured repository; empty when the
    // repository is not configured (any more).
    std::string project_url(const config::Config& config, const std::string& repository) const;
    // One request with the token and a form body; blocks up to 10 s.
    transport::HttpResult request(const std::string& method, const std::string& url, const std::string& form) const;

private:
    std::string api_url_;
    std::string token_;
};

// Percent-encodes all but RFC 3986's unreserved characters.
std::string url_encode(std::string_view text);

// Why a request did not succeed, for the log: "HTTP 409: <body>" or the error.
std::string failure_of(const transport::HttpResult& result);

// The GitLab state for a job state: pending, running, success, failed, canceled.
std::string gitlab_state(storage::JobState state);

}  // namespace lbdeploy::jobs
