#include "pipeline/rollout/unified_diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "common/text.hpp"

namespace lbdeploy::rollout {

namespace {

using common::split_lines;

enum class Op { equal, remove, insert };

// Myers' O(ND) shortest edit script. Each round keeps only the diagonals it
// reached (2d+1 of them), so memory is O(D^2), not O(D*(N+M)).
std::vector<Op> edit_script(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
    const long n = static_cast<long>(a.size());
    const long m = static_cast<long>(b.size());
    std::vector<std::vector<long>> rounds;  // rounds[d][k + d] = furthest x on diagonal k after round d
    std::vector<long> previous;
    auto at = [](const std::vector<long>& v, long d, long k) { return v[static_cast<std::size_t>(k + d)]; };
    for (long d = 0; d <= n + m; ++d) {
        std::vector<long> current(static_cast<std::size_t>(2 * d + 1));
        bool done = false;
        for (long k = -d; k <= d; k += 2) {
            long x = 0;
            if (d > 0) {
                bool down = k == -d || (k != d && at(previous, d - 1, k - 1) < at(previous, d - 1, k + 1));
                x = down ? at(previous, d - 1, k + 1) : at(previous, d - 1, k - 1) + 1;
            }
            long y = x - k;
            while (x < n && y < m && a[static_cast<std::size_t>(x)] == b[static_cast<std::size_t>(y)]) ++x, ++y;
            current[static_cast<std::size_t>(k + d)] = x;
            done = done || (x >= n && y >= m);
        }
        rounds.push_back(current);
        previous = std::move(current);
        if (done) break;
    }
    std::vector<Op> ops;
    long x = n;
    long y = m;
    for (long d = static_cast<long>(rounds.size()) - 1; d > 0; --d) {
        const auto& before = rounds[static_cast<std::size_t>(d - 1)];
        long k = x - y;
        bool down = k == -d || (k != d && at(before, d - 1, k - 1) < at(before, d - 1, k + 1));
        long prev_k = down ? k + 1 : k - 1;
        long prev_x = at(before, d - 1, prev_k);
        long prev_y = prev_x - prev_k;
        for (; x > prev_x && y > prev_y; --x, --y) ops.push_back(Op::equal);
        ops.push_back(down ? Op::insert : Op::remove);
        x = prev_x;
        y = prev_y;
    }
    for (; x > 0 && y > 0; --x, --y) ops.push_back(Op::equal);
    std::reverse(ops.begin(), ops.end());
    return ops;
}

std::string range(std::size_t before, std::size_t length) {
    return length == 1 ? fmt::format("{}", before + 1) : fmt::format("{},{}", length == 0 ? before : before + 1, length);
}

}  // namespace

std::string unified_diff(std::string_view old_text, std::string_view new_text, std::string_view old_label,
                         std::string_view new_label, int context, std::size_t max_lines) {
    if (old_text == new_text) return {};
    auto a = split_lines(old_text);
    auto b = split_lines(new_text);
    std::string out = fmt::format("--- {}\n+++ {}\n", old_label, new_label);
    if (a.size() > max_lines || b.size() > max_lines) {
        return out + fmt::format("@@ too large to diff: {} lines before, {} after @@\n", a.size(), b.size());
    }
    auto ops = edit_script(a, b);
    // Lines of a and b before each op, to number the hunks.
    std::vector<std::size_t> a_before(ops.size() + 1), b_before(ops.size() + 1);
    for (std::size_t i = 0; i < ops.size(); ++i) {
        a_before[i + 1] = a_before[i] + (ops[i] != Op::insert ? 1 : 0);
        b_before[i + 1] = b_before[i] + (ops[i] != Op::remove ? 1 : 0);
    }
    const auto ctx = static_cast<std::size_t>(context);
    const auto header_size = out.size();
    std::size_t i = 0;
    while (i < ops.size()) {
        auto change = std::find_if(ops.begin() + static_cast<long>(i), ops.end(), [](Op op) { return op != Op::equal; });
        if (change == ops.end()) break;
        auto first = static_cast<std::size_t>(change - ops.begin());
        std::size_t start = first > i + ctx ? first - ctx : i;
        std::size_t end = first;
        for (;;) {
            while (end < ops.size() && ops[end] != Op::equal) ++end;
            std::size_t run = end;
            while (run < ops.size() && ops[run] == Op::equal) ++run;
            if (run == ops.size() || run - end > 2 * ctx) {
                end = std::min(end + ctx, ops.size());
                break;
            }
            end = run;
        }
        out += fmt::format("@@ -{} +{} @@\n", range(a_before[start], a_before[end] - a_before[start]),
                           range(b_before[start], b_before[end] - b_before[start]));
        for (std::size_t j = start; j < end; ++j) {
            switch (ops[j]) {
            case Op::equal: out += fmt::format(" {}\n", a[a_before[j]]); break;
            case Op::remove: out += fmt::format("-{}\n", a[a_before[j]]); break;
            case Op::insert: out += fmt::format("+{}\n", b[b_before[j]]); break;
            }
        }
        i = end;
    }
    if (out.size() == header_size) out += "@@ only the newline at the end of the file differs @@\n";
    return out;
}

}  // namespace lbdeploy::rollout
