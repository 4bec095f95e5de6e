// The configuration loader on arbitrary YAML (anchors, aliases, merge keys,
// tags and all): parse_config reports every problem as a located diagnostic,
// never by throwing; diagnostics are sorted and name the file; and a
// configuration it accepts goes through to_yaml and back unchanged, which is
// what config_writer.hpp promises.

#include <algorithm>
#include <tuple>

#include "config/config_loader.hpp"
#include "config/config_writer.hpp"
#include "fuzz_support.hpp"

using lbdeploy::fuzz::require;
using namespace lbdeploy::config;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto result = parse_config(lbdeploy::fuzz::as_text(data, size), "fuzz.yaml", "/etc/lbdeploy");
    for (const auto& diagnostic : result.diagnostics) {
        require(diagnostic.file == "fuzz.yaml" && diagnostic.line >= 1 && diagnostic.column >= 1,
                "a diagnostic is located in the file");
        require(!diagnostic.message.empty(), "a diagnostic says what is wrong");
    }
    require(std::is_sorted(result.diagnostics.begin(), result.diagnostics.end(),
                           [](const auto& a, const auto& b) { return std::tie(a.line, a.column) < std::tie(b.line, b.column); }),
            "diagnostics are sorted by position");
    if (!result.ok()) return 0;
    require(!result.config.pairs.empty(), "an accepted configuration has a pair");
    auto written = to_yaml(result.config);
    auto again = parse_config(written, "written.yaml", "/etc/lbdeploy");
    require(again.ok(), "what to_yaml writes is accepted");
    require(again.config == result.config, "to_yaml loses nothing");
    require(to_yaml(again.config) == written, "to_yaml is stable");
    return 0;
}
