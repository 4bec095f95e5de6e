#pragma once
// Rollout steps of a job: one row per (node, step) as it starts and ends.

#include <vector>

#include "storage/job.hpp"
#include "storage/sqlite.hpp"

namespace lbdeploy::storage {

class StepStore {
public:
    explicit StepStore(Database& db) : db_(db) {}

    std::int64_t begin(JobId job, const std::string& node, const std::string& name, const std::string& role = {});
    // Records the outcome of a running step; a step already ended is left alone.
    void end(std::int64_t step, StepState state, const std::string& message = {});
    // Gives the steps of `node` in `job` that have no role yet the role: the
    // pre-check learns the roles after the node's first steps ran.
    void assign_role(JobId job, const std::string& node, const std::string& role);
    std::vector<Step> list(JobId job);

private:
    Database& db_;
};

}  // namespace lbdeploy::storage
