#include "pipeline/jobs/output_cap.hpp"

#include <fmt/format.h>

namespace lbdeploy::jobs {

namespace {

bool is_output(std::string_view stream) { return stream == "stdout" || stream == "stderr" || stream == "diff"; }

}  // namespace

std::vector<storage::NewLogLine> OutputCap::pass(storage::NewLogLine line) {
    std::vector<storage::NewLogLine> lines;
    if (is_output(line.stream)) {
        if (stored_ < max_output_lines_) {
            ++stored_;
            lines.push_back(std::move(line));
            return lines;
        }
        if (dropped_++ == 0) {
            lines.push_back({line.node, "info",
                             fmt::format("log truncated after {} output lines (server.max_log_lines_per_job); later "
                                         "output is counted, not stored, but for the last lines before an error",
                                         max_output_lines_),
                             std::nullopt});
        }
        hold(std::move(line));
        return lines;
    }
    // Any other line of the node ends what its held output belonged to.
    auto held = held_.extract(line.node);
    if (!held.empty() && line.stream == "error" && !held.mapped().lines.empty()) {
        auto& tail = held.mapped();
        lines.push_back({line.node, "info",
                         fmt::format("{} output lines past the log's limit; the last {} of them:", tail.dropped,
                                     tail.lines.size()),
                         std::nullopt});
        for (auto& kept : tail.lines) lines.push_back(std::move(kept));
    }
    lines.push_back(std::move(line));
    return lines;
}

void OutputCap::hold(storage::NewLogLine line) {
    auto& held = held_[line.node];
    ++held.dropped;
    if (!line.time) line.time = storage::now_ms();
    held.bytes += line.text.size();
    held.lines.push_back(std::move(line));
    while (held.lines.size() > max_held_lines || (held.bytes > max_held_bytes && held.lines.size() > 1)) {
        held.bytes -= held.lines.front().text.size();
        held.lines.pop_front();
    }
}

std::optional<storage::NewLogLine> OutputCap::summary() const {
    if (dropped_ == 0) return std::nullopt;
    return storage::NewLogLine{{}, "info",
                               fmt::format("{} output lines were not stored (server.max_log_lines_per_job: {})",
                                           dropped_, max_output_lines_),
                               std::nullopt};
}

}  // namespace lbdeploy::jobs
