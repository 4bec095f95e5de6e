#include "config/config_summary.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <numeric>

namespace lbdeploy::config {

namespace {
std::string count(std::size_t n, const char* singular, const char* plural) {
    return fmt::format("{} {}", n, n == 1 ? singular : plural);
}
}  // namespace

std::string summarize(const Config& config, const Pair& pair) {
    std::vector<std::string> nodes;
    for (const auto& node : pair.nodes) nodes.push_back(fmt::format("{} {}", node.name, node.host));
    std::vector<std::string> services;
    for (const auto& service : pair.services) services.push_back(service.name);
    auto files = std::accumulate(pair.services.begin(), pair.services.end(), std::size_t{0},
                                 [](std::size_t sum, const Service& s) { return sum + s.files.size(); });
    const auto* repository = config.find_repository(pair.repository);
    return fmt::format("{}: {}, vip {}; {} ({}), {}, {}; from {}@{}:{}", pair.name, fmt::join(nodes, ", "), pair.vip,
                       count(services.size(), "service", "services"), fmt::join(services, ", "),
                       count(files, "file entry", "file entries"),
                       count(pair.dependencies.size(), "dependency", "dependencies"), pair.repository,
                       repository ? repository->branch : "?", pair.root);
}

}  // namespace lbdeploy::config
