#pragma once
// "Did you mean" suggestions for misspelt keys.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace lbdeploy::config {

std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a plausible
// typo (at most a third of the word's length, and at most 3 edits).
std::optional<std::string> closest_match(std::string_view word, std::span<const std::string> candidates);

}  // namespace lbdeploy::config
