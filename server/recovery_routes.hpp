#pragma once
// A pair's recovery state in the API (docs/design.md §3, "Recovery"), the
// refusal of deploys while a `recovery: manual` pair needs recovery, and
// POST /api/v1/pairs/{pair}/recover (add_recovery_routes, server_context.hpp).
// On the I/O thread, like every handler.

#include <optional>

#include "server/server_context.hpp"

namespace lbdeploy::server {

// {"state": "consistent" | "needs_recovery" | "recovering", "mode": "auto" | "manual",
//  and while not consistent: node, reason, commit, job, since}
nlohmann::json recovery_json(ServerContext& context, const config::Pair& pair);

// The 409 reply for a deploy or rerun of a `recovery: manual` pair that needs
// recovery; nullopt when it may be queued. Dry runs are never refused: they
// touch nothing.
std::optional<Response> refuse_while_unrecovered(ServerContext& context, const Request& request,
                                                 const config::Pair& pair, bool dry_run);

}  // namespace lbdeploy::server
