#include "pipeline/transport/text_diff.hpp"

#include <git2.h>

#include <fmt/format.h>

#include <memory>

#include "pipeline/transport/git_check.hpp"

namespace lbdeploy::transport {

namespace {

struct PatchDeleter {
    void operator()(git_patch* p) const noexcept { git_patch_free(p); }
};
using PatchPtr = std::unique_ptr<git_patch, PatchDeleter>;

// diff -u's hunk range: "start" for one line, "start,count" otherwise.
std::string range(int start, int count) {
    return count == 1 ? fmt::format("{}", start) : fmt::format("{},{}", start, count);
}

void append_line(std::string& out, const git_diff_line& line) {
    switch (line.origin) {
    case GIT_DIFF_LINE_CONTEXT_EOFNL:
    case GIT_DIFF_LINE_ADD_EOFNL:
    case GIT_DIFF_LINE_DEL_EOFNL:
        out += "\\ No newline at end of file\n";
        return;
    default:
        break;
    }
    std::string_view content(line.content, line.content_len);
    if (content.ends_with('\n')) content.remove_suffix(1);
    out += line.origin;
    out += content;
    out += '\n';
}

// Appends the hunks, at most `max_lines` lines of them; false when cut short.
bool append_hunks(std::string& out, git_patch* patch, std::size_t max_lines) {
    std::size_t written = 0;
    for (std::size_t h = 0; h < git_patch_num_hunks(patch); ++h) {
        const git_diff_hunk* hunk = nullptr;
        std::size_t lines = 0;
        detail::check_git(git_patch_get_hunk(&hunk, &lines, patch, h), "diff hunk");
        if (written++ >= max_lines) return false;
        out += fmt::format("@@ -{} +{} @@\n", range(hunk->old_start, hunk->old_lines),
                           range(hunk->new_start, hunk->new_lines));
        for (std::size_t l = 0; l < lines; ++l) {
            if (written++ >= max_lines) return false;
            const git_diff_line* line = nullptr;
            detail::check_git(git_patch_get_line_in_hunk(&line, patch, h, l), "diff line");
            append_line(out, *line);
        }
    }
    return true;
}

}  // namespace

std::string unified_diff(std::string_view old_text, std::string_view new_text, std::string_view old_label,
                         std::string_view new_label, int context, std::size_t max_lines) {
    if (old_text == new_text) return {};
    const std::string old_path(old_label);
    const std::string new_path(new_label);
    git_diff_options options = GIT_DIFF_OPTIONS_INIT;
    options.context_lines = static_cast<std::uint32_t>(context);
    git_patch* raw = nullptr;
    detail::check_git(git_patch_from_buffers(&raw, old_text.data(), old_text.size(), old_path.c_str(),
                                             new_text.data(), new_text.size(), new_path.c_str(), &options),
                      "diff of " + new_path);
    PatchPtr patch(raw);
    if ((git_patch_get_delta(patch.get())->flags & GIT_DIFF_FLAG_BINARY) != 0) {
        return fmt::format("Binary files {} and {} differ\n", old_label, new_label);
    }
    std::string out = fmt::format("--- {}\n+++ {}\n", old_label, new_label);
    if (!append_hunks(out, patch.get(), max_lines)) {
        std::size_t context_lines = 0, added = 0, removed = 0;
        detail::check_git(git_patch_line_stats(&context_lines, &added, &removed, patch.get()), "diff size");
        out += fmt::format("@@ diff truncated after {} lines; in all {} lines removed, {} added @@\n", max_lines,
                           removed, added);
    }
    return out;
}

}  // namespace lbdeploy::transport
