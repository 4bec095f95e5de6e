#include "pipeline/rollout/node_journal.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/text.hpp"
#include "pipeline/rollout/step.hpp"

namespace lbdeploy::rollout {

std::string to_text(const JournalEntry& entry) {
    nlohmann::json json{{"version", 1},
                        {"job", entry.job},
                        {"pair", entry.pair},
                        {"node", entry.node},
                        {"commit", entry.commit},
                        {"backup_directory", entry.backup_directory},
                        {"services", entry.services}};
    return json.dump(2) + "\n";
}

JournalEntry parse_journal(const std::string& text, const std::string& where) {
    try {
        auto json = nlohmann::json::parse(text);
        if (json.at("version").get<int>() != 1) {
            throw JournalError(fmt::format("{}: journal version {} is not one this lbdeploy understands", where,
                                           json.at("version").dump()));
        }
        JournalEntry entry;
        entry.job = json.at("job").get<std::int64_t>();
        entry.pair = json.at("pair").get<std::string>();
        entry.node = json.at("node").get<std::string>();
        entry.commit = json.at("commit").get<std::string>();
        entry.backup_directory = json.at("backup_directory").get<std::string>();
        entry.services = json.at("services").get<std::vector<std::string>>();
        return entry;
    } catch (const nlohmann::json::exception& e) {
        throw JournalError(fmt::format("{}: the journal is unreadable ({}); look at it, then remove it by hand", where,
                                       e.what()));
    }
}

NodeJournal::NodeJournal(transport::SshSession& session, std::string path)
    : session_(session), path_(std::move(path)) {}

std::optional<JournalEntry> NodeJournal::read() {
    auto file = session_.read_file(path_);
    if (!file) return std::nullopt;
    return parse_journal(file->content, fmt::format("{}:{}", session_.host(), path_));
}

void NodeJournal::stage(const JournalEntry& entry) {
    session_.make_directory(common::parent_directory(path_), 0700);
    session_.write_file(path_ + ".new", to_text(entry), 0600);
}

std::string NodeJournal::commit_command() const {
    return fmt::format("mv -f -- {} {} && sync -- {}", common::shell_quote(path_ + ".new"), common::shell_quote(path_),
                       common::shell_quote(common::parent_directory(path_)));
}

void NodeJournal::write(const JournalEntry& entry) {
    stage(entry);
    auto committed = session_.run(commit_command());
    if (!committed.succeeded()) {
        throw transport::SshError(
            fmt::format("{}: writing the journal failed: {}", session_.host(), describe_failure("mv", committed)));
    }
}

void NodeJournal::close() {
    session_.remove_file(path_);
}

}  // namespace lbdeploy::rollout
