#include "pipeline/rollout/step_names.hpp"

namespace lbdeploy::rollout {

std::string_view name_of(StepName step) {
    switch (step) {
    case StepName::plan: return "plan";
    case StepName::connect: return "connect";
    case StepName::recover: return "recover";
    case StepName::pre_check: return "pre-check";
    case StepName::vip: return "vip";
    case StepName::compare: return "compare";
    case StepName::pre_flight: return "pre-flight";
    case StepName::backup: return "backup";
    case StepName::install: return "install";
    case StepName::validate: return "validate";
    case StepName::reload: return "reload";
    case StepName::post_check: return "post-check";
    case StepName::restore: return "restore";
    case StepName::failover: return "failover";
    case StepName::give_back_vip: return "give back VIP";
    case StepName::final_check: return "final-check";
    case StepName::diff: return "diff";
    }
    return "?";
}

std::string_view name_of(NodeRole role) {
    return role == NodeRole::master ? "master" : "backup";
}

namespace {

std::vector<StageStep> node_steps() {
    std::vector<StageStep> steps;
    for (auto step : {StepName::backup, StepName::install, StepName::validate, StepName::reload, StepName::post_check,
                      StepName::restore}) {
        // validate runs here only where the pre-flight could not validate (or validate_after_install).
        bool only_when_run = step == StepName::validate || step == StepName::restore;
        steps.push_back({step, StepScope::node, name_of(step), only_when_run});
    }
    return steps;
}

StageStep pair_step(StepName step, std::string_view label = {}) {
    return {step, StepScope::pair, label.empty() ? name_of(step) : label};
}

}  // namespace

const std::vector<Stage>& procedure_stages() {
    static const std::vector<Stage> stages{
        {"Pre-check", std::nullopt,
         {pair_step(StepName::plan), {StepName::connect, StepScope::node, "connect"},
          {StepName::recover, StepScope::node, "recover", true},
          {StepName::pre_check, StepScope::node, "pre-check"}, pair_step(StepName::vip, "VIP holder")}},
        {"Pre-flight", std::nullopt,
         {{StepName::compare, StepScope::node, "compare"}, {StepName::pre_flight, StepScope::node, "pre-flight"}}},
        {"BACKUP", NodeRole::backup, node_steps()},
        {"Failover", std::nullopt, {pair_step(StepName::failover)}},
        {"MASTER", NodeRole::master, node_steps()},
        {"VIP back", std::nullopt, {pair_step(StepName::give_back_vip)}},
        {"Final check", std::nullopt, {pair_step(StepName::final_check)}},
    };
    return stages;
}

}  // namespace lbdeploy::rollout
