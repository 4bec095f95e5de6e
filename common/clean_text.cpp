#include "common/clean_text.hpp"

#include <cstddef>
#include <cstdint>

namespace lbdeploy::common {

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

bool is_control(unsigned char c) { return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7F; }

struct Sequence {
    bool valid;
    std::size_t length;  // the valid sequence's, else the invalid prefix's (at least 1)
};

// The UTF-8 sequence at `at`. The second byte's range rules out overlongs
// (E0, F0), surrogates (ED) and code points past U+10FFFF (F4), as in
// Unicode's table of well-formed byte sequences. An invalid sequence is as
// long as the bytes that could still have begun a valid one (Unicode's
// "maximal subpart"), so each such run becomes one U+FFFD.
Sequence sequence_at(std::string_view text, std::size_t at) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
    unsigned char lead = byte(0);
    if (lead < 0x80) return {true, 1};
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) length = 2;
    else if (lead >= 0xE0 && lead <= 0xEF) length = 3;
    else if (lead >= 0xF0 && lead <= 0xF4) length = 4;
    else return {false, 1};
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
    for (std::size_t i = 1; i < length; ++i) {
        bool fits = at + i < text.size() && byte(i) >= (i == 1 ? low : 0x80) && byte(i) <= (i == 1 ? high : 0xBF);
        if (!fits) return {false, i};
    }
    return {true, length};
}

// U+0080..U+009F, the C1 controls (C2 80..C2 9F in UTF-8): valid UTF-8, but
// terminals act on them as on their ESC forms (U+009B is CSI, "ESC [").
bool is_c1_control(std::string_view text, std::size_t at, Sequence sequence) {
    return sequence.valid && sequence.length == 2 && static_cast<unsigned char>(text[at]) == 0xC2 &&
           static_cast<unsigned char>(text[at + 1]) <= 0x9F;
}

// "\x1b" for a byte, "\u009b" for a C1 control (its second byte is its code point).
void append_escape(std::string& out, std::string_view prefix, unsigned char c) {
    constexpr std::string_view digits = "0123456789abcdef";
    out += prefix;
    out += digits[c >> 4];
    out += digits[c & 0xF];
}

}  // namespace

bool is_display_text(std::string_view text) {
    for (std::size_t at = 0; at < text.size();) {
        auto c = static_cast<unsigned char>(text[at]);
        if (c < 0x80) {
            if (is_control(c)) return false;
            ++at;
            continue;
        }
        auto sequence = sequence_at(text, at);
        if (!sequence.valid || is_c1_control(text, at, sequence)) return false;
        at += sequence.length;
    }
    return true;
}

std::size_t valid_utf8_length(std::string_view text) {
    std::size_t at = 0;
    while (at < text.size()) {
        auto sequence = sequence_at(text, at);
        if (!sequence.valid) break;
        at += sequence.length;
    }
    return at;
}

std::string to_display_text(std::string_view text) {
    if (is_display_text(text)) return std::string(text);
    std::string out;
    out.reserve(text.size() + 16);
    for (std::size_t at = 0; at < text.size();) {
        auto c = static_cast<unsigned char>(text[at]);
        if (c < 0x80) {
            if (is_control(c)) append_escape(out, "\\x", c);
            else out += static_cast<char>(c);
            ++at;
            continue;
        }
        auto sequence = sequence_at(text, at);
        if (is_c1_control(text, at, sequence)) append_escape(out, "\\u00", static_cast<unsigned char>(text[at + 1]));
        else if (sequence.valid) out.append(text.substr(at, sequence.length));
        else out += replacement;
        at += sequence.length;
    }
    return out;
}

}  // namespace lbdeploy::common
