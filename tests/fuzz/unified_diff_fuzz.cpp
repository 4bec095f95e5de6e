// unified_diff(before, after, ...) on two arbitrary texts (the input cut at
// its first NUL byte), through its public function only. Whatever the
// algorithm behind it, a unified diff is empty exactly for equal texts, starts
// with the ---/+++ labels, has hunks whose line counts match their @@ headers,
// and turns the lines of `before` into those of `after` when applied. Lines
// are compared without their newline: a change of the final newline alone
// only has to be said, as a note or a "\ No newline" line.

#include <charconv>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "common/text.hpp"
#include "fuzz_support.hpp"
#include "pipeline/transport/git_mirror.hpp"
#include "pipeline/transport/text_diff.hpp"

using lbdeploy::fuzz::require;

namespace {

struct Hunk {
    std::size_t old_start = 0, old_length = 1, new_start = 0, new_length = 1;
};

// "@@ -A[,B] +C[,D] @@...", or nullopt for another @@ line (a note).
std::optional<Hunk> hunk_header(std::string_view line) {
    Hunk hunk;
    auto number = [&](std::string_view& rest, std::size_t& out) {
        auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), out);
        rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
        return error == std::errc();
    };
    auto range = [&](std::string_view& rest, char sign, std::size_t& start, std::size_t& length) {
        if (!rest.starts_with(sign)) return false;
        rest.remove_prefix(1);
        if (!number(rest, start)) return false;
        if (!rest.starts_with(',')) return true;
        rest.remove_prefix(1);
        return number(rest, length);
    };
    if (!line.starts_with("@@ ")) return std::nullopt;
    line.remove_prefix(3);
    if (!range(line, '-', hunk.old_start, hunk.old_length) || !line.starts_with(' ')) return std::nullopt;
    line.remove_prefix(1);
    if (!range(line, '+', hunk.new_start, hunk.new_length) || !line.starts_with(" @@")) return std::nullopt;
    return hunk;
}

// Applies the diff's hunks to `before`'s lines; checks each hunk's counts.
std::vector<std::string_view> apply_hunks(const std::vector<std::string_view>& before, const std::vector<std::string_view>& diff) {
    std::vector<std::string_view> after;
    std::size_t next = 0;  // the first line of `before` not yet copied
    for (std::size_t at = 2; at < diff.size();) {
        auto hunk = hunk_header(diff[at++]);
        if (!hunk) continue;
        // A range's start is its first line (1-based), or the line before it when it is empty.
        std::size_t first = hunk->old_length == 0 ? hunk->old_start : hunk->old_start - 1;
        require(hunk->old_length == 0 || hunk->old_start >= 1, "a hunk's old range starts at line 1 or later");
        require(first >= next && first <= before.size(), "hunks are in order and inside the old text");
        after.insert(after.end(), before.begin() + static_cast<long>(next), before.begin() + static_cast<long>(first));
        require(hunk->new_start == (hunk->new_length == 0 ? after.size() : after.size() + 1),
                "a hunk's new range starts where the new text is");
        next = first;
        std::size_t old_seen = 0, new_seen = 0;
        for (; at < diff.size() && !diff[at].starts_with("@@"); ++at) {
            auto line = diff[at];
            require(!line.empty(), "a hunk line has a prefix");
            auto text = line.substr(1);
            if (line[0] == '\\') continue;
            require(line[0] == ' ' || line[0] == '-' || line[0] == '+', "a hunk line is context, removal or addition");
            if (line[0] != '+') {
                require(next < before.size() && before[next] == text, "context and removals are the old text's lines");
                ++next;
                ++old_seen;
            }
            if (line[0] != '-') {
                after.push_back(text);
                ++new_seen;
            }
        }
        require(old_seen == hunk->old_length && new_seen == hunk->new_length, "a hunk has the lines its header counts");
    }
    after.insert(after.end(), before.begin() + static_cast<long>(next), before.end());
    return after;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const lbdeploy::transport::GitLibrary library;  // the diff is libgit2's: initialised once, as serve does
    auto [before, after] = lbdeploy::fuzz::split_once(lbdeploy::fuzz::as_text(data, size), '\0');
    // No line cap: the whole diff is checked.
    auto diff = lbdeploy::transport::unified_diff(before, after, "a/haproxy.cfg", "b/haproxy.cfg", 3,
                                                  std::numeric_limits<std::size_t>::max());
    require(diff.empty() == (before == after), "the diff is empty exactly when the texts are equal");
    if (diff.empty()) return 0;
    if (after.find('\0') != std::string_view::npos) {  // `before` has none: the input was cut at its first
        require(diff == "Binary files a/haproxy.cfg and b/haproxy.cfg differ\n", "binary content is one line");
        return 0;
    }
    require(diff.starts_with("--- a/haproxy.cfg\n+++ b/haproxy.cfg\n"), "the diff starts with its labels");
    require(diff.ends_with('\n'), "the diff ends with a newline");
    auto lines = lbdeploy::common::split_lines(diff);
    auto old_lines = lbdeploy::common::split_lines(before);
    require(apply_hunks(old_lines, lines) == lbdeploy::common::split_lines(after), "the diff turns before into after");
    return 0;
}
