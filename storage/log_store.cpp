#include "storage/log_store.hpp"

namespace lbdeploy::storage {

namespace {

std::int64_t last_log_seq(Database& db, JobId job) {
    auto query = db.prepare("SELECT coalesce(max(seq), 0) FROM log_lines WHERE job_id = ?1");
    query.bind_all(job).step();
    return query.int64(0);
}

}  // namespace

std::int64_t append_log_lines(Database& db, JobId job, const std::vector<NewLogLine>& lines) {
    auto seq = last_log_seq(db, job);
    auto now = now_ms();
    for (const auto& line : lines) {
        auto insert = db.prepare(
            "INSERT INTO log_lines (job_id, seq, time, node, stream, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        insert.bind_all(job, ++seq, line.time.value_or(now), line.node, line.stream, line.text).run();
    }
    return seq;
}

std::int64_t LogStore::append(JobId job, const std::vector<NewLogLine>& lines) {
    Transaction transaction(db_);
    auto seq = append_log_lines(db_, job, lines);
    transaction.commit();
    return seq;
}

std::vector<LogLine> LogStore::read(JobId job, std::int64_t after, int limit) {
    auto query = db_.prepare(
        "SELECT seq, time, node, stream, text FROM log_lines WHERE job_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3");
    query.bind_all(job, after, limit);
    std::vector<LogLine> lines;
    while (query.step()) {
        lines.push_back({query.int64(0), query.int64(1), query.text(2), query.text(3), query.text(4)});
    }
    return lines;
}

std::int64_t LogStore::last_seq(JobId job) { return last_log_seq(db_, job); }

}  // namespace lbdeploy::storage
