#include "pipeline/rollout/plan.hpp"

#include <fnmatch.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

#include "common/clean_text.hpp"
#include "common/sha256.hpp"
#include "config/destination.hpp"
#include "pipeline/rollout/placeholders.hpp"

namespace lbdeploy::rollout {

namespace {

bool is_pattern(const std::string& path) {
    return path.find_first_of("*?[") != std::string::npos;
}

std::string join(const std::string& base, const std::string& path) {
    return base.empty() ? path : base + "/" + path;
}

std::string file_name(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

class NodePlanner {
public:
    NodePlanner(const config::Pair& pair, const config::Node& node, std::vector<std::string>& errors)
        : pair_(pair), node_(node), errors_(errors) {}

    void add(const SourceFiles& source, const transport::TreeFile& file, const std::string& dest,
             const config::FileSpec* spec, const std::string& service) {
        auto where = fmt::format("{}:{}@{:.8}", source.repository, join(source.base, file.path), source.commit);
        // A name that is not UTF-8 or holds controls could be written to the
        // node only as bytes nobody can read back in a log, a step message or
        // the node's staged list and journal: refused, shown as U+FFFD.
        if (!common::is_display_text(where) || !common::is_display_text(dest)) {
            errors_.push_back(fmt::format("{}: {} would go to {}: the name is not UTF-8 text without control characters",
                                          node_.name, common::to_display_text(where), common::to_display_text(dest)));
            return;
        }
        if (!config::is_allowed_destination(dest, pair_.allowed_paths)) {
            errors_.push_back(fmt::format("{}: {} would go to {}, which is not a clean path below the pair's "
                                          "allowed_paths ({})",
                                          node_.name, where, dest, fmt::join(pair_.allowed_paths, ", ")));
            return;
        }
        auto [it, inserted] = files_.try_emplace(dest);
        DesiredFile& desired = it->second;
        if (!inserted && desired.source != where) {
            errors_.push_back(fmt::format("{}: {} comes from both {} and {}", node_.name, dest, desired.source, where));
            return;
        }
        if (inserted) {
            desired.dest = dest;
            desired.content = file.content;
            desired.sha256 = common::sha256_hex(file.content);
            desired.executable = file.executable;
            desired.source = where;
            if (spec) {
                desired.mode = spec->mode;
                desired.owner = spec->owner;
                desired.group = spec->group;
            }
        }
        if (!service.empty() &&
            std::find(desired.services.begin(), desired.services.end(), service) == desired.services.end()) {
            desired.services.push_back(service);
        }
    }

    void add_service(const SourceFiles& source, const config::Service& service) {
        for (const auto& spec : service.files) {
            auto src = expand(spec.src, Placeholders{pair_.name, node_.name, node_.host, pair_.vip});
            if (is_pattern(src)) {
                for (const auto& file : source.files) {
                    if (::fnmatch(src.c_str(), file.path.c_str(), FNM_PATHNAME | FNM_PERIOD) == 0) {
                        add(source, file, spec.dest + file_name(file.path), &spec, service.name);
                    }
                }
                continue;
            }
            auto found = std::find_if(source.files.begin(), source.files.end(),
                                      [&](const transport::TreeFile& f) { return f.path == src; });
            if (found == source.files.end()) {
                errors_.push_back(fmt::format("{}: {} is missing from {} at {:.8} (service {}, node {})",
                                              pair_.name, join(source.base, src), source.repository,
                                              source.commit, service.name, node_.name));
                continue;
            }
            add(source, *found, spec.dest, &spec, service.name);
        }
    }

    void add_dependency(const SourceFiles& source, const config::Dependency& dependency) {
        if (source.files.empty()) {
            errors_.push_back(fmt::format("{}: {} has nothing at {} ({:.8})", pair_.name, source.repository,
                                          dependency.path, source.commit));
            return;
        }
        bool into_directory = dependency.dest.ends_with('/');
        if (!into_directory && source.files.size() != 1) {
            errors_.push_back(fmt::format("{}: {}:{} holds {} files but dest {} is a file (end it with '/')",
                                          pair_.name, source.repository, dependency.path, source.files.size(),
                                          dependency.dest));
            return;
        }
        for (const auto& file : source.files) {
            add(source, file, into_directory ? dependency.dest + file.path : dependency.dest, nullptr,
                dependency.reloads);
        }
    }

    NodePlan finish() && {
        NodePlan plan{node_, {}};
        for (auto& [dest, file] : files_) plan.files.push_back(std::move(file));
        return plan;
    }

private:
    const config::Pair& pair_;
    const config::Node& node_;
    std::vector<std::string>& errors_;
    std::map<std::string, DesiredFile> files_;
};

}  // namespace

Plan build_plan(const config::Pair& pair, const PairSource& source) {
    Plan plan;
    if (source.dependencies.size() != pair.dependencies.size()) {
        plan.errors.push_back("internal: dependency sources do not match the pair's dependencies");
        return plan;
    }
    for (const auto& node : pair.nodes) {
        NodePlanner planner(pair, node, plan.errors);
        for (const auto& service : pair.services) planner.add_service(source.pair, service);
        for (std::size_t i = 0; i < pair.dependencies.size(); ++i) {
            planner.add_dependency(source.dependencies[i], pair.dependencies[i]);
        }
        plan.nodes.push_back(std::move(planner).finish());
    }
    return plan;
}

}  // namespace lbdeploy::rollout
