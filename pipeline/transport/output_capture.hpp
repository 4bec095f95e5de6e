#pragma once
// What a CommandResult keeps of one output stream. Whole while it is short;
// past twice `part` bytes, its first and its last `part` bytes around one line
// saying how much was left out. So memory stays bounded however much a
// command prints, and a failure keeps both its cause (often early, as
// HAProxy's first [ALERT]) and its verdict (the last line).

#include <cstddef>
#include <string>
#include <string_view>

namespace lbdeploy::transport {

class OutputCapture {
public:
    explicit OutputCapture(std::size_t part) : part_(part) {}

    void append(std::string_view data);
    // The kept text. When the middle was left out, the head ends and the
    // tail starts at a line boundary, with "[... N bytes left out ...]" between.
    std::string text() const;
    std::size_t total_bytes() const { return total_; }

private:
    std::size_t part_;
    std::string head_;  // the first part_ bytes
    std::string tail_;  // the latest bytes after the head: trimmed to part_ once it passes 2 * part_
    std::size_t total_ = 0;
};

}  // namespace lbdeploy::transport
