#include "config/suggest.hpp"

#include <algorithm>
#include <vector>

namespace lbdeploy::config {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Damerau-free Levenshtein over two rows; transpositions cost 2, which is
    // fine for ranking typos in short key names.
    std::vector<std::size_t> previous(b.size() + 1);
    std::vector<std::size_t> current(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
        }
        std::swap(previous, current);
    }
    return previous[b.size()];
}

std::optional<std::string> closest_match(std::string_view word, std::span<const std::string> candidates) {
    std::optional<std::string> best;
    std::size_t best_distance = std::min<std::size_t>(3, std::max<std::size_t>(1, word.size() / 3));
    for (const auto& candidate : candidates) {
        auto distance = edit_distance(word, candidate);
        if (distance <= best_distance && (!best || distance < edit_distance(word, *best))) {
            best = candidate;
            best_distance = distance;
        }
    }
    return best;
}

}  // namespace lbdeploy::config
