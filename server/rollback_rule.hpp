#pragma once
// The API's side of the rollback rule (DESIGN §4): a deploy or a re-run whose
// commit takes a node of the pair back to an older commit is refused (409,
// "rollback_required": true) unless the request says "rollback": true, and
// the job it makes is recorded as a rollback.

#include <utility>  // before Boost: 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>

#include <nlohmann/json.hpp>

#include <string>

#include "common/result.hpp"
#include "server/server_context.hpp"

namespace lbdeploy::server {

// A request's body as a JSON object (an empty body is {}); else the 400 reply.
common::Result<nlohmann::json, Response> json_object_body(const Request& request);

// "rollback" of a request body: false when absent; the 400 reply when it is
// not a boolean. Checked before any git work.
common::Result<bool, Response> rollback_requested(const Request& request, const nlohmann::json& body);

// The job's rollback flag for deploying `commit` to `pair`: whether it takes a
// node back, asked on the blocking pool of the mirror as last fetched (every
// commit a node runs was fetched before it was deployed). The 409 reply when
// it does and the request did not ask for a rollback, except for a dry run,
// which changes nothing.
boost::asio::awaitable<common::Result<bool, Response>> rollback_of(ServerContext& context, const Request& request,
                                                                   const config::Pair& pair, std::string commit,
                                                                   bool requested, bool dry_run);

}  // namespace lbdeploy::server
