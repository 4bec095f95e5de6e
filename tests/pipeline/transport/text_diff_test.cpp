#include "pipeline/transport/text_diff.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include "common/text.hpp"
#include "pipeline/transport/git_mirror.hpp"

using lbdeploy::transport::GitLibrary;
using lbdeploy::transport::unified_diff;

TEST_CASE("equal texts have no diff") {
    GitLibrary library;
    CHECK(unified_diff("a\nb\n", "a\nb\n", "x", "x").empty());
}

TEST_CASE("one changed line in the middle gets three lines of context") {
    GitLibrary library;
    std::string before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
    std::string after = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
    CHECK(unified_diff(before, after, "a/f", "b/f") ==
          "--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

TEST_CASE("distant changes make separate hunks, close ones one hunk") {
    GitLibrary library;
    std::string before;
    for (int i = 1; i <= 20; ++i) before += std::to_string(i) + "\n";
    std::string after = before;
    after.replace(after.find("2\n"), 2, "two\n");
    after.replace(after.find("18\n"), 3, "eighteen\n");
    auto diff = unified_diff(before, after, "a", "b");
    CHECK(diff.find("@@ -1,5 +1,5 @@") != std::string::npos);
    CHECK(diff.find("@@ -15,6 +15,6 @@") != std::string::npos);
    CHECK(unified_diff("a\nb\nc\n", "A\nb\nC\n", "a", "b") == "--- a\n+++ b\n@@ -1,3 +1,3 @@\n-a\n+A\n b\n-c\n+C\n");
}

TEST_CASE("a new file is all additions, from /dev/null") {
    GitLibrary library;
    CHECK(unified_diff("", "x\ny\n", "/dev/null", "/etc/f") == "--- /dev/null\n+++ /etc/f\n@@ -0,0 +1,2 @@\n+x\n+y\n");
    CHECK(unified_diff("x\n", "", "/etc/f", "/dev/null") == "--- /etc/f\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n");
}

TEST_CASE("only the final newline differs") {
    GitLibrary library;
    CHECK(unified_diff("a\n", "a", "f", "f") == "--- f\n+++ f\n@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n");
}

TEST_CASE("binary content is named, not printed") {
    GitLibrary library;
    using namespace std::string_literals;
    CHECK(unified_diff("a\0b"s, "a\0c"s, "/etc/f", "/etc/f") == "Binary files /etc/f and /etc/f differ\n");
    CHECK(unified_diff("text\n", "\x7f" "ELF\0\0"s, "/etc/f", "/etc/f") == "Binary files /etc/f and /etc/f differ\n");
}

TEST_CASE("a diff stops after max_lines lines and says how large it was") {
    GitLibrary library;
    std::string before;
    std::string after;
    for (int i = 0; i < 100; ++i) {
        before += "old " + std::to_string(i) + "\n";
        after += "new " + std::to_string(i) + "\n";
    }
    auto diff = unified_diff(before, after, "f", "f", 3, 10);
    CHECK(lbdeploy::common::split_lines(diff).size() == 2 + 10 + 1);
    CHECK(diff.ends_with("@@ diff truncated after 10 lines; in all 100 lines removed, 100 added @@\n"));
}

// Every line of a 20,000-line file changes when its line endings go from CRLF
// to LF: the worst case of the former Myers diff, which kept O(D^2) memory
// (gigabytes here). It must finish, and the diff stay within its line limit.
TEST_CASE("a 20k-line file whose line endings change is diffed, within the line limit") {
    GitLibrary library;
    std::string crlf;
    std::string lf;
    for (int i = 0; i < 20'000; ++i) {
        auto line = "    server be" + std::to_string(i) + " 10.0.0." + std::to_string(i % 250) + ":80 check";
        crlf += line + "\r\n";
        lf += line + "\n";
    }
    auto diff = unified_diff(crlf, lf, "/etc/haproxy/haproxy.cfg", "/etc/haproxy/haproxy.cfg");
    auto lines = lbdeploy::common::split_lines(diff);
    CHECK(lines.size() == 2 + 5000 + 1);
    CHECK(lines[2] == "@@ -1,20000 +1,20000 @@");
    CHECK(lines[3] == "-    server be0 10.0.0.0:80 check\r");
    CHECK(lines.back() == "@@ diff truncated after 5000 lines; in all 20000 lines removed, 20000 added @@");
}
