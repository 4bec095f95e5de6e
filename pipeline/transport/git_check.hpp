#pragma once
// Private to the transport's libgit2 files (git_mirror.cpp, text_diff.cpp):
// a libgit2 return code to GitError, written once. Takes the plain int, so
// this header needs no libgit2 include.

#include <string_view>

namespace lbdeploy::transport::detail {

// Throws GitError("what: libgit2's last message") when `rc` < 0.
void check_git(int rc, std::string_view what);

}  // namespace lbdeploy::transport::detail
