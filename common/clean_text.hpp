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
// ("\x1b", "\x7f"). Valid text without controls comes back byte for byte.
std::string to_display_text(std::string_view text);

// True when to_display_text(text) would return `text` unchanged.
bool is_display_text(std::string_view text);

}  // namespace lbdeploy::common
