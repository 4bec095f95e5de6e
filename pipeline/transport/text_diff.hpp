#pragma once
// A unified diff of two texts, as `diff -u` prints it, for dry runs. The
// edit script is libgit2's xdiff: time and memory stay near linear in the
// texts whatever they are (a file whose line endings all changed is the
// worst case of a plain Myers diff). libgit2 is included by text_diff.cpp and
// git_mirror.cpp only; a GitLibrary must be alive while this runs.
//
// Errors: a libgit2 failure (out of memory, a text over 1 GiB) throws GitError.

#include <cstddef>
#include <string>
#include <string_view>

namespace lbdeploy::transport {

// Empty when the texts are equal. `old_label`/`new_label` go on the ---/+++
// lines as given; `context` lines surround each change. Binary content (a
// NUL byte in the first 8000 bytes, git's rule) is the one line "Binary
// files OLD and NEW differ". After `max_lines` lines of hunks one
// "@@ diff truncated ... @@" line ends the diff, so its size is bounded.
std::string unified_diff(std::string_view old_text, std::string_view new_text, std::string_view old_label,
                         std::string_view new_label, int context = 3, std::size_t max_lines = 5000);

}  // namespace lbdeploy::transport
