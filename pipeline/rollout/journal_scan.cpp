#include "pipeline/rollout/journal_scan.hpp"

#include <future>

namespace lbdeploy::rollout {

namespace {

struct NodeScan {
    std::vector<OpenEntry> open;
    std::string error;
};

NodeScan scan_node(const config::SshSettings& ssh, const config::Node& node) {
    NodeScan scan;
    try {
        auto session = transport::SshSession::connect({node.host, ssh});
        if (auto files = NodeJournal(session).read()) scan.open.push_back({node.name, *files, false});
        if (auto vip = NodeJournal(session, NodeJournal::vip_path).read()) scan.open.push_back({node.name, *vip, true});
    } catch (const std::exception& e) {
        scan.error = e.what();
    }
    return scan;
}

}  // namespace

PairJournals scan_journals(const config::SshSettings& ssh, const config::Pair& pair) {
    std::vector<std::future<NodeScan>> scanning;
    for (const auto& node : pair.nodes) scanning.push_back(std::async(std::launch::async, scan_node, ssh, node));
    PairJournals journals;
    for (std::size_t i = 0; i < scanning.size(); ++i) {
        auto scan = scanning[i].get();
        if (!scan.error.empty()) journals.unread.emplace_back(pair.nodes[i].name, scan.error);
        for (auto& entry : scan.open) journals.open.push_back(std::move(entry));
    }
    return journals;
}

}  // namespace lbdeploy::rollout
