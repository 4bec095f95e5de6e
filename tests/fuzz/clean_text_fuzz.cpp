// The text boundary (common::to_display_text) on arbitrary bytes. Its output
// is checked with a UTF-8 decoder written here from the Unicode definition,
// independent of the one in clean_text.cpp: it must be well-formed UTF-8
// whose only control characters are tab and newline, be left alone by a
// second pass, and equal the input exactly when the input already was such text.

#include <optional>
#include <string>
#include <vector>

#include "common/clean_text.hpp"
#include "fuzz_support.hpp"

using lbdeploy::fuzz::require;

namespace {

// The code points of `text`, or nullopt when it is not well-formed UTF-8
// (overlong forms, surrogates, past U+10FFFF, cut short, stray continuation).
std::optional<std::vector<char32_t>> decode(std::string_view text) {
    std::vector<char32_t> points;
    for (std::size_t at = 0; at < text.size();) {
        auto lead = static_cast<unsigned char>(text[at]);
        std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
        if (length == 0 || at + length > text.size()) return std::nullopt;
        char32_t point = length == 1 ? lead : lead & (0x7F >> length);
        for (std::size_t i = 1; i < length; ++i) {
            auto next = static_cast<unsigned char>(text[at + i]);
            if ((next & 0xC0) != 0x80) return std::nullopt;
            point = (point << 6) | (next & 0x3F);
        }
        const char32_t shortest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (point < shortest[length] || point > 0x10FFFF || (point >= 0xD800 && point <= 0xDFFF)) return std::nullopt;
        points.push_back(point);
        at += length;
    }
    return points;
}

// C0, DEL and C1 (Unicode's Cc category) but tab and newline.
bool is_control(char32_t point) {
    return (point < 0x20 && point != '\t' && point != '\n') || (point >= 0x7F && point <= 0x9F);
}

bool is_display(std::string_view text) {
    auto points = decode(text);
    if (!points) return false;
    for (char32_t point : *points) {
        if (is_control(point)) return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto input = lbdeploy::fuzz::as_text(data, size);
    auto output = lbdeploy::common::to_display_text(input);
    require(is_display(output), "to_display_text returns UTF-8 without controls but tab and newline");
    require(lbdeploy::common::is_display_text(output), "is_display_text accepts what to_display_text returns");
    require(lbdeploy::common::to_display_text(output) == output, "a second pass changes nothing");
    bool already = is_display(input);
    require(lbdeploy::common::is_display_text(input) == already, "is_display_text agrees with a decoder of its own");
    require((output == input) == already, "the output equals the input exactly when it already was display text");
    return 0;
}
