#include "pipeline/rollout/unified_diff.hpp"

#include <doctest/doctest.h>

using lbdeploy::rollout::unified_diff;

TEST_CASE("equal texts have no diff") {
    CHECK(unified_diff("a\nb\n", "a\nb\n", "x", "x").empty());
}

TEST_CASE("one changed line in the middle gets three lines of context") {
    std::string before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
    std::string after = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
    CHECK(unified_diff(before, after, "a/f", "b/f") ==
          "--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

TEST_CASE("distant changes make separate hunks, close ones one hunk") {
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
    CHECK(unified_diff("", "x\ny\n", "/dev/null", "/etc/f") == "--- /dev/null\n+++ /etc/f\n@@ -0,0 +1,2 @@\n+x\n+y\n");
    CHECK(unified_diff("x\n", "", "/etc/f", "/dev/null") == "--- /etc/f\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n");
}

TEST_CASE("only the final newline differs") {
    CHECK(unified_diff("a\n", "a", "f", "f").find("only the newline") != std::string::npos);
}

TEST_CASE("huge files are summarised, not diffed") {
    std::string big(50000, '\n');
    CHECK(unified_diff(big, big + "x\n", "f", "f", 3, 1000).find("too large to diff") != std::string::npos);
}
