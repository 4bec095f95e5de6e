#include "pipeline/transport/output_capture.hpp"

#include <doctest/doctest.h>

using lbdeploy::transport::OutputCapture;

TEST_CASE("short output is kept whole") {
    OutputCapture capture(16);
    capture.append("one\n");
    capture.append("two\nthree");
    CHECK(capture.text() == "one\ntwo\nthree");
    capture.append(std::string(32 - 13, 'x'));
    CHECK(capture.text().size() == 32);  // twice the part: still whole
}

TEST_CASE("long output keeps its first and last lines, and says how much is left out") {
    OutputCapture capture(64);
    capture.append("[ALERT] the cause\n");
    for (int i = 0; i < 1'000'000; ++i) capture.append("noise line " + std::to_string(i) + "\n");
    capture.append("Fatal errors found in configuration.\n");
    auto text = capture.text();
    CHECK(text.starts_with("[ALERT] the cause\n"));
    CHECK(text.ends_with("\nnoise line 999999\nFatal errors found in configuration.\n"));
    auto marker = text.find("[... ");
    REQUIRE(marker != std::string::npos);
    CHECK(text[marker - 1] == '\n');
    CHECK(text.find(" bytes left out ...]\n", marker) != std::string::npos);
    CHECK(text.size() < 3 * 64);
    // The kept and the left-out bytes add up to what the command printed.
    auto left_out = std::stoull(text.substr(marker + 5));
    auto marker_line = text.find('\n', marker) + 1 - marker;
    CHECK(text.size() - marker_line + left_out == capture.total_bytes());
}
