#include "common/clean_text.hpp"

#include <doctest/doctest.h>

using namespace lbdeploy::common;

namespace {
const std::string fffd = "\xEF\xBF\xBD";
}

TEST_CASE("display text: valid UTF-8 with tabs and newlines comes back unchanged") {
    std::string text = "caf\xC3\xA9\tna\xC3\xAFve\n\xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF";
    CHECK(is_display_text(text));
    CHECK(to_display_text(text) == text);
    CHECK(to_display_text("") == "");
}

TEST_CASE("display text: a Latin-1 byte, a stray continuation byte and bytes no UTF-8 uses become U+FFFD") {
    CHECK_FALSE(is_display_text("caf\xE9"));
    CHECK(to_display_text("caf\xE9 ok") == "caf" + fffd + " ok");
    CHECK(to_display_text("\x80") == fffd);
    CHECK(to_display_text("\xC0\xC1\xF5\xFF") == fffd + fffd + fffd + fffd);
}

TEST_CASE("display text: overlong forms, surrogates and code points past U+10FFFF are invalid") {
    CHECK(to_display_text("\xC0\xAF") == fffd + fffd);           // overlong '/'
    CHECK(to_display_text("\xE0\x80\xAF") == fffd + fffd + fffd);  // overlong, three bytes
    CHECK(to_display_text("\xF0\x80\x80\xAF") == fffd + fffd + fffd + fffd);
    CHECK(to_display_text("\xED\xA0\x80") == fffd + fffd + fffd);  // U+D800
    CHECK(to_display_text("\xF4\x90\x80\x80") == fffd + fffd + fffd + fffd);  // U+110000
}

TEST_CASE("display text: a sequence cut short is one U+FFFD, and what follows it survives") {
    CHECK(to_display_text("\xE2\x82") == fffd);
    CHECK(to_display_text("a\xF0\x9F\x98z") == "a" + fffd + "z");
    CHECK(to_display_text("\xE2\x82\xC3\xA9") == fffd + "\xC3\xA9");
}

TEST_CASE("display text: control characters but tab and newline are escaped visibly") {
    CHECK_FALSE(is_display_text("\x1b[31mred"));
    CHECK(to_display_text("\x1b[31mred\x1b[0m") == "\\x1b[31mred\\x1b[0m");
    CHECK(to_display_text("a\rb\x7f") == "a\\x0db\\x7f");
    CHECK(to_display_text(std::string("a\0b", 3)) == "a\\x00b");
    CHECK(to_display_text("\t\n") == "\t\n");
}

TEST_CASE("display text: the C1 controls U+0080..U+009F are escaped too (U+009B is a terminal's CSI)") {
    CHECK_FALSE(is_display_text("\xC2\x9B" "2J"));
    CHECK(to_display_text("\xC2\x9B" "2J\xC2\x80\xC2\x85") == "\\u009b2J\\u0080\\u0085");
    CHECK(is_display_text("\xC2\xA0\xC2\xBF"));  // U+00A0 and U+00BF are text
}

TEST_CASE("valid_utf8_length: the well-formed prefix, controls included") {
    CHECK(valid_utf8_length("a\x1b\xC3\xA9") == 4);
    CHECK(valid_utf8_length("caf\xE9 ok") == 3);
    CHECK(valid_utf8_length("\xE2\x82") == 0);
    CHECK(valid_utf8_length("") == 0);
}
