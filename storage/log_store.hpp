#pragma once
// Job log lines: appended in batches, read by offset. Sequence numbers start
// at 1 per job and have no gaps, so a reader that asks for `after = last seen`
// never misses or repeats a line (the SSE stream relies on this).

#include <vector>

#include "storage/job.hpp"
#include "storage/sqlite.hpp"

namespace lbdeploy::storage {

class LogStore {
public:
    explicit LogStore(Database& db) : db_(db) {}

    // Appends in one transaction; returns the sequence number of the last line
    // (the previous last when `lines` is empty).
    std::int64_t append(JobId job, const std::vector<NewLogLine>& lines);
    // Lines with seq > after, oldest first, at most `limit`.
    std::vector<LogLine> read(JobId job, std::int64_t after, int limit = 1000);
    std::int64_t last_seq(JobId job);

private:
    Database& db_;
};

// The same append, inside a transaction the caller holds.
std::int64_t append_log_lines(Database& db, JobId job, const std::vector<NewLogLine>& lines);

}  // namespace lbdeploy::storage
