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

TEST_CASE("text events pass outside text through the text boundary: no raw escape or invalid byte") {
    std::ostringstream out;
    EventLog log(out, LogFormat::text);
    log.write("webhook.received", {{"user", "mallory\x1b[2J\x1b]0;owned\x07"}, {"reason", "caf\xe9"}});
    auto line = out.str();
    CHECK(line.find('\x1b') == std::string::npos);
    CHECK(line.find('\x07') == std::string::npos);
    CHECK(line.find("mallory\\\\x1b[2J") != std::string::npos);  // the escape, logfmt-quoted
    CHECK(line.find("caf\xef\xbf\xbd") != std::string::npos);  // U+FFFD for the Latin-1 byte
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
