#pragma once
// The job store's records as the JSON the API returns.

#include <nlohmann/json.hpp>

#include <vector>

#include "storage/job.hpp"
#include "storage/node_state_store.hpp"

namespace lbdeploy::server {

nlohmann::json to_json(const storage::Job& job);
nlohmann::json to_json(const storage::Step& step);
nlohmann::json to_json(const storage::LogLine& line);
nlohmann::json to_json(const storage::NodeState& node);

}  // namespace lbdeploy::server
