#pragma once
// The one boundary where outside text (command output from nodes, git, file
// names, headers, URLs) becomes text lbdeploy stores, prints and serialises:
// valid UTF-8 without raw control characters. JSON serialisation then cannot
// throw, and a node's terminal escapes never reach a console or the journal.

#include <string>
#include <string_view>

namespace lbdeploy::common {

// `text` as valid UTF-8 for display: every invalid sequence (a stray
// continuation byte, an overlong form, a surrogate, a code point past
// U+10FFFF, a sequence cut short) becomes U+FFFD, one per maximal invalid
// prefix; control characters but tab and newline become a visible escape
// ("\x1b", "\x7f"; the C1 controls U+0080..U+009F as "\u009b"). Valid text
// without controls comes back byte for byte.
std::string to_display_text(std::string_view text);

// True when to_display_text(text) would return `text` unchanged.
bool is_display_text(std::string_view text);

// How many leading bytes of `text` are well-formed UTF-8 (controls count as
// such): text.size() when all of them are. For text that must be UTF-8 as a
// whole, like a YAML file, where replacing bytes would change its meaning.
std::size_t valid_utf8_length(std::string_view text);

}  // namespace lbdeploy::common
