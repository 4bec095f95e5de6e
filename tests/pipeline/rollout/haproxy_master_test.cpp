#include "pipeline/rollout/haproxy_master.hpp"

#include <doctest/doctest.h>

using namespace lbdeploy::rollout;

namespace {

// As HAProxy 2.6 prints it.
const char* const before_reload =
    "#<PID>          <type>          <reloads>       <uptime>        <version>      \n"
    "10385           master          0 [failed: 0]   0d00h01m04s     2.6.12-1+deb12u4\n"
    "# workers\n"
    "10390           worker          0               0d00h01m04s     2.6.12-1+deb12u4\n"
    "# programs\n"
    "\n";

const char* const after_reload =
    "#<PID>          <type>          <reloads>       <uptime>        <version>      \n"
    "10385           master          1 [failed: 0]   0d00h01m06s     2.6.12-1+deb12u4\n"
    "# workers\n"
    "10772           worker          0               0d00h00m01s     2.6.12-1+deb12u4\n"
    "# old workers\n"
    "10390           worker          1               0d00h01m06s     2.6.12-1+deb12u4\n"
    "# programs\n"
    "\n";

const char* const after_failed_reload =
    "#<PID>          <type>          <reloads>       <uptime>        <version>      \n"
    "10385           master          1 [failed: 1]   0d00h01m06s     2.6.12-1+deb12u4\n"
    "# workers\n"
    "10390           worker          0               0d00h01m06s     2.6.12-1+deb12u4\n"
    "# programs\n";

}  // namespace

TEST_CASE("show proc: master, reload counters, current and old workers") {
    auto status = parse_show_proc(after_reload);
    REQUIRE(status);
    CHECK(status->master_pid == 10385);
    CHECK(status->reloads == 1);
    CHECK(status->failed_reloads == 0);
    CHECK(status->workers == std::vector<int>{10772});
    CHECK(status->old_workers == std::vector<int>{10390});
    CHECK_FALSE(parse_show_proc("Unknown command\n"));
    CHECK_FALSE(parse_show_proc(""));
}

TEST_CASE("a reload is done when a new worker appears, failed when the master says so") {
    auto before = *parse_show_proc(before_reload);
    CHECK(reload_progress(before, before) == ReloadProgress::pending);
    CHECK(reload_progress(before, *parse_show_proc(after_reload)) == ReloadProgress::done);
    CHECK(reload_progress(before, *parse_show_proc(after_failed_reload)) == ReloadProgress::failed);
}
