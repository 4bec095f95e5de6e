// A dry run's diff at its worst: an N-line haproxy.cfg (default 20,000)
// whose line endings go from CRLF to LF, so every line changes. Prints the
// time, the diff's size and the process's peak RSS; asserts nothing. The
// former in-house Myers diff kept O(D^2) memory here (D = 2N: gigabytes).

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "common/text.hpp"
#include "pipeline/transport/git_mirror.hpp"
#include "pipeline/transport/text_diff.hpp"

using namespace lbdeploy;
using Clock = std::chrono::steady_clock;

namespace {

long peak_rss_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
    int lines = argc > 1 ? std::stoi(argv[1]) : 20'000;
    transport::GitLibrary library;
    std::string crlf;
    std::string lf;
    for (int i = 0; i < lines; ++i) {
        auto line = "    server be" + std::to_string(i) + " 10.0.0." + std::to_string(i % 250) + ":80 check";
        crlf += line + "\r\n";
        lf += line + "\n";
    }
    std::printf("diff bench: %d lines, CRLF -> LF (%.1f MiB before), peak RSS before diffing %ld KiB\n", lines,
                static_cast<double>(crlf.size()) / (1024.0 * 1024.0), peak_rss_kib());
    auto start = Clock::now();
    auto diff = transport::unified_diff(crlf, lf, "/etc/haproxy/haproxy.cfg", "/etc/haproxy/haproxy.cfg");
    auto elapsed = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    std::printf("diff: %.1f ms, %zu lines (%zu bytes) of output, peak RSS %ld KiB\n", elapsed,
                common::split_lines(diff).size(), diff.size(), peak_rss_kib());
    return 0;
}
