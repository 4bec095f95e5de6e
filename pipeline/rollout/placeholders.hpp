#pragma once
// The values lbdeploy substitutes into configured commands and check targets.
// All of them come from the validated configuration (IP addresses, DNS names,
// safe names), never from a webhook, so the result is safe to hand to a shell.

#include <string>

namespace lbdeploy::rollout {

struct Placeholders {
    std::string pair;
    std::string node;  // empty for pair-wide commands and checks
    std::string host;
    std::string vip;
};

// Replaces {pair} {node} {host} {vip}; any other text is left as it is.
std::string expand(const std::string& text, const Placeholders& values);

}  // namespace lbdeploy::rollout
