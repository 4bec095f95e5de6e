#pragma once
// What every fuzz target needs: the input as text, and a property check that
// stops the run with a message libFuzzer saves the input for (abort is a
// crash to it), so a broken property is reported like a crash.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>

namespace lbdeploy::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

inline void require(bool holds, const char* property) {
    if (holds) return;
    std::fprintf(stderr, "fuzz property broken: %s\n", property);
    std::abort();
}

// The input cut at its first `separator` (the whole input and "" without one):
// how targets that take two texts get them from one input.
inline std::pair<std::string_view, std::string_view> split_once(std::string_view text, char separator) {
    auto at = text.find(separator);
    if (at == std::string_view::npos) return {text, {}};
    return {text.substr(0, at), text.substr(at + 1)};
}

}  // namespace lbdeploy::fuzz
