#pragma once
// One node of the pair being rolled out, with its open SSH session and the
// values substituted into its commands.

#include "config/config.hpp"
#include "pipeline/rollout/placeholders.hpp"
#include "pipeline/transport/ssh_session.hpp"

namespace lbdeploy::rollout {

struct NodeLink {
    const config::Node* node = nullptr;
    transport::SshSession* session = nullptr;
    Placeholders placeholders;

    const std::string& name() const { return node->name; }
};

}  // namespace lbdeploy::rollout
