// How a failed command is described in a step's message and the job's error.
#include "pipeline/rollout/step.hpp"

#include <doctest/doctest.h>

using lbdeploy::rollout::describe_failure;
using lbdeploy::transport::CommandResult;

TEST_CASE("a failed command is described by its exit and its stderr, else its stdout") {
    CommandResult result;
    result.exit_status = 2;
    result.err = "warning: x\n[ALERT] parsing: bad line\nfatal errors found\n";
    result.out = "ignored\n";
    CHECK(describe_failure("haproxy -c", result) == "`haproxy -c` exited with 2: [ALERT] parsing: bad line | fatal errors found");
    // A check in the Nagios style says why on stdout only.
    result.err = "";
    result.out = "HTTP CRITICAL - 503\n\n";
    CHECK(describe_failure("check_http", result) == "`check_http` exited with 2: HTTP CRITICAL - 503");
    result.out = " \n";
    CHECK(describe_failure("true", result) == "`true` exited with 2");
    result.timed_out = true;
    CHECK(describe_failure("sleep 9", result) == "`sleep 9` timed out");
}
