#pragma once
// The bound on a job's log (server.max_log_lines_per_job). Output lines
// (stdout, stderr, diff: text from outside, as much as a node cares to print)
// are stored up to the limit; then one line says the log was truncated, and
// later output lines are counted, not stored. Lines lbdeploy writes about its
// own procedure (step, info, error) are always stored: they are few, bounded
// by the procedure, and the job page needs every step.
//
// What a failure needs survives the limit: a node's output lines since its
// last other line are held (its last max_held_lines, at most max_held_bytes),
// and an error line of that node stores them first. So a command that prints
// a million lines and fails still shows its last lines above its error.
//
// Pure bookkeeping: it returns the lines to store, the caller stores them.

#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/job.hpp"

namespace lbdeploy::jobs {

class OutputCap {
public:
    static constexpr std::size_t max_held_lines = 200;
    static constexpr std::size_t max_held_bytes = 64 * 1024;

    explicit OutputCap(std::size_t max_output_lines) : max_output_lines_(max_output_lines) {}

    // The lines to store, in order, for one line logged: none (dropped), the
    // line, the truncation notice, or before an error the held output and the error.
    std::vector<storage::NewLogLine> pass(storage::NewLogLine line);
    // The count of output lines not stored, as a line to end the log with;
    // nullopt when every line was stored.
    std::optional<storage::NewLogLine> summary() const;

private:
    struct Held {
        std::deque<storage::NewLogLine> lines;
        std::size_t bytes = 0;
        std::size_t dropped = 0;  // output lines not stored since the node's last other line
    };
    void hold(storage::NewLogLine line);

    std::size_t max_output_lines_;
    std::size_t stored_ = 0;
    std::size_t dropped_ = 0;
    std::map<std::string, Held> held_;  // by node
};

}  // namespace lbdeploy::jobs
