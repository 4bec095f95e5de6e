// /api/v1/steps: the procedure's stages and step names from the rollout's one
// table, so the web UI draws its diagram without names of its own.
#include "pipeline/rollout/step_names.hpp"
#include "server/server_context.hpp"

namespace lbdeploy::server {

namespace {

using boost::asio::awaitable;

nlohmann::json procedure_json() {
    nlohmann::json stages = nlohmann::json::array();
    for (const auto& stage : rollout::procedure_stages()) {
        nlohmann::json steps = nlohmann::json::array();
        for (const auto& step : stage.steps) {
            steps.push_back({{"name", rollout::name_of(step.step)},
                             {"scope", step.scope == rollout::StepScope::node ? "node" : "pair"},
                             {"label", step.label},
                             {"only_when_run", step.only_when_run}});
        }
        stages.push_back({{"title", stage.title},
                          {"role", stage.role ? nlohmann::json(rollout::name_of(*stage.role)) : nlohmann::json(nullptr)},
                          {"steps", steps}});
    }
    return {{"stages", stages}, {"dry_run_step", rollout::name_of(rollout::StepName::diff)}};
}

awaitable<Reply> list_steps(ServerContext& context, const Request& request, const RouteMatch&) {
    if (auto denied = authorize(context, request, Access::read)) co_return std::move(*denied);
    co_return json_reply(request, http::status::ok, procedure_json());
}

}  // namespace

void add_step_routes(Router& router, ServerContext& context) {
    router.add(http::verb::get, "/api/v1/steps", with_context(context, list_steps));
}

}  // namespace lbdeploy::server
