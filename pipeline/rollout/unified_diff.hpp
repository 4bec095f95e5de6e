#pragma once
// A unified diff (as `diff -u` prints it) of two texts, for dry runs.

#include <string>
#include <string_view>

namespace lbdeploy::rollout {

// Empty when the texts are equal. `old_label`/`new_label` go on the ---/+++
// lines; `context` lines surround each change. Texts over `max_lines` lines
// are summarised instead of diffed (the algorithm is O(N*D)).
std::string unified_diff(std::string_view old_text, std::string_view new_text, std::string_view old_label,
                         std::string_view new_label, int context = 3, std::size_t max_lines = 20000);

}  // namespace lbdeploy::rollout
