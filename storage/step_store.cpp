#include "storage/step_store.hpp"

namespace lbdeploy::storage {

std::int64_t StepStore::begin(JobId job, const std::string& node, const std::string& name, const std::string& role) {
    auto insert = db_.prepare(
        "INSERT INTO steps (job_id, node, name, role, state, started_at) VALUES (?1, ?2, ?3, ?4, 'running', ?5)");
    insert.bind_all(job, node, name, role, now_ms()).run();
    return db_.last_insert_rowid();
}

void StepStore::end(std::int64_t step, StepState state, const std::string& message) {
    auto update = db_.prepare(
        "UPDATE steps SET state = ?1, message = ?2, finished_at = ?3 WHERE id = ?4 AND state = 'running'");
    update.bind_all(to_string(state), message, now_ms(), step).run();
}

void StepStore::assign_role(JobId job, const std::string& node, const std::string& role) {
    auto update = db_.prepare("UPDATE steps SET role = ?1 WHERE job_id = ?2 AND node = ?3 AND role = ''");
    update.bind_all(role, job, node).run();
}

std::vector<Step> StepStore::list(JobId job) {
    auto query = db_.prepare(
        "SELECT id, job_id, node, name, role, state, started_at, finished_at, message FROM steps "
        "WHERE job_id = ?1 ORDER BY id");
    query.bind_all(job);
    std::vector<Step> steps;
    while (query.step()) {
        steps.push_back({query.int64(0), query.int64(1), query.text(2), query.text(3), query.text(4),
                         parse_step_state(query.text(5)).value_or(StepState::failed), query.int64(6),
                         query.optional_int64(7), query.text(8)});
    }
    return steps;
}

}  // namespace lbdeploy::storage
