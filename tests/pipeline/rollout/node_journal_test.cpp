#include "pipeline/rollout/node_journal.hpp"

#include <doctest/doctest.h>

using namespace lbdeploy::rollout;

TEST_CASE("a journal entry survives its text form") {
    JournalEntry entry{42, "lab", "lb2", "0123456789abcdef", "/var/backups/lbdeploy/x-job-42", {"haproxy", "snmpd"}};
    auto back = parse_journal(to_text(entry), "lb2:/var/lib/lbdeploy/journal.json");
    CHECK(back.job == 42);
    CHECK(back.pair == "lab");
    CHECK(back.node == "lb2");
    CHECK(back.commit == entry.commit);
    CHECK(back.backup_directory == entry.backup_directory);
    CHECK(back.services == entry.services);
}

TEST_CASE("an unreadable journal is an error naming where it is, never a guess") {
    CHECK_THROWS_WITH_AS(parse_journal("{\"version\": 1, \"job\": ", "lb1:/j"), doctest::Contains("lb1:/j"),
                         JournalError);
    CHECK_THROWS_AS(parse_journal("{\"version\": 1}", "lb1:/j"), JournalError);
    CHECK_THROWS_WITH_AS(parse_journal(R"({"version": 2})", "lb1:/j"), doctest::Contains("version 2"), JournalError);
    CHECK_THROWS_AS(parse_journal("\xff\xfe", "lb1:/j"), JournalError);
}
