#pragma once
// The job store's records as the JSON the API returns.

#include <nlohmann/json.hpp>

#include <vector>

#include "config/config.hpp"
#include "storage/job.hpp"
#include "storage/node_state_store.hpp"

namespace lbdeploy::server {

nlohmann::json to_json(const storage::Job& job);
// With "commit_url": the commit's page on GitLab when the repository's URL
// names a web host (https, or an ssh URL whose host serves https); else null.
nlohmann::json to_json(const storage::Job& job, const config::Config& config);
nlohmann::json to_json(const storage::Step& step);
nlohmann::json to_json(const storage::LogLine& line);
nlohmann::json to_json(const storage::NodeState& node);

}  // namespace lbdeploy::server
