#pragma once
// One node of the pair being rolled out, with its open SSH session and the
// values substituted into its commands.

#include "config/config.hpp"
#include "pipeline/placeholders.hpp"
#include "pipeline/ssh.hpp"

namespace lbdeploy::pipeline {

struct NodeLink {
    const config::Node* node = nullptr;
    SshSession* session = nullptr;
    Placeholders placeholders;

    const std::string& name() const { return node->name; }
};

}  // namespace lbdeploy::pipeline
