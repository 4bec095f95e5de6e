#include "common/event_log.hpp"

#include <doctest/doctest.h>

#include <sstream>

using namespace lbdeploy::common;

TEST_CASE("text events are logfmt: bare values when safe, quoted otherwise") {
    std::ostringstream out;
    EventLog log(out, LogFormat::text);
    log.write("job.finished", {{"job", "5"}, {"state", "failed"}, {"error", "lb2: \"haproxy -c\" exited with 1"}, {"empty", ""}});
    auto line = out.str();
    CHECK(line.find(" job.finished job=5 state=failed error=\"lb2: \\\"haproxy -c\\\" exited with 1\" empty=\"\"\n") !=
          std::string::npos);
    CHECK(line.size() > 24);
    CHECK(line[4] == '-');
    CHECK(line.find('Z') == 23);
}

TEST_CASE("json events are one object per line with time and event") {
    std::ostringstream out;
    EventLog log(out, LogFormat::json);
    log.write("webhook.rejected", {{"status", "401"}, {"reason", "line\nbreak \xff"}});
    auto line = out.str();
    CHECK(line.back() == '\n');
    CHECK(line.find('\n') == line.size() - 1);
    CHECK(line.find("\"event\":\"webhook.rejected\"") != std::string::npos);
    CHECK(line.find("\"status\":\"401\"") != std::string::npos);
    CHECK(line.find("\"reason\":\"line\\nbreak") != std::string::npos);
}
