#include "pipeline/transport/output_capture.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lbdeploy::transport {

void OutputCapture::append(std::string_view data) {
    total_ += data.size();
    auto to_head = std::min(part_ - head_.size(), data.size());
    head_.append(data.substr(0, to_head));
    data.remove_prefix(to_head);
    tail_.append(data);
    // Trimming only at twice the part keeps appends amortised O(1) per byte.
    if (tail_.size() > 2 * part_) tail_.erase(0, tail_.size() - part_);
}

std::string OutputCapture::text() const {
    std::string_view head = head_;
    std::string_view tail = tail_;
    if (tail.size() > part_) tail.remove_prefix(tail.size() - part_);
    if (head.size() + tail.size() == total_) return head_ + tail_;
    // No line cut in two: a half line would read as a whole, wrong one.
    if (auto end = head.rfind('\n'); end != std::string_view::npos) head = head.substr(0, end + 1);
    if (auto start = tail.find('\n'); start != std::string_view::npos && start + 1 < tail.size()) {
        tail.remove_prefix(start + 1);
    }
    auto left_out = total_ - head.size() - tail.size();
    std::string text(head);
    if (!text.empty() && text.back() != '\n') text += '\n';
    text += fmt::format("[... {} bytes left out ...]\n", left_out);
    text += tail;
    return text;
}

}  // namespace lbdeploy::transport
