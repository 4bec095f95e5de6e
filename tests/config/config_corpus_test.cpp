// The corpus under tests/data/config: every invalid file must produce exactly
// the messages in its .expected file (file:line:col: key.path: message), and
// every valid file must load and survive a write/read round trip unchanged.

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <vector>

#include "config/config_loader.hpp"
#include "config/config_writer.hpp"
#include "support/temp_dir.hpp"

using namespace lbdeploy;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> files_in(const fs::path& dir, const std::string& extension) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() == extension) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string render(const config::Diagnostics& diagnostics) {
    std::ostringstream text;
    for (const auto& diagnostic : diagnostics) text << diagnostic.to_string() << '\n';
    return text.str();
}

}  // namespace

TEST_CASE("every invalid config in the corpus yields exactly its expected messages") {
    auto files = files_in(fs::path(LBDEPLOY_TEST_DATA_DIR) / "config/invalid", ".yaml");
    REQUIRE(files.size() >= 20);
    for (const auto& file : files) {
        CAPTURE(file);
        auto expected_file = fs::path(file).replace_extension(".expected");
        REQUIRE_MESSAGE(fs::exists(expected_file), "missing " << expected_file);
        auto result = config::parse_config(testing::read_file(file), file.filename().string());
        CHECK_FALSE(result.ok());
        CHECK(render(result.diagnostics) == testing::read_file(expected_file));
    }
}

TEST_CASE("every valid config loads and round-trips through to_yaml") {
    auto files = files_in(fs::path(LBDEPLOY_TEST_DATA_DIR) / "config/valid", ".yaml");
    files.push_back(fs::path(LBDEPLOY_SOURCE_DIR) / "examples/lbdeploy.yaml");
    REQUIRE(files.size() >= 3);
    for (const auto& file : files) {
        CAPTURE(file);
        auto first = config::load_config_file(file);
        REQUIRE_MESSAGE(first.ok(), render(first.diagnostics));
        auto written = config::to_yaml(first.config);
        auto second = config::parse_config(written, "written.yaml");
        REQUIRE_MESSAGE(second.ok(), render(second.diagnostics) << written);
        CHECK(second.config == first.config);
        CHECK(config::to_yaml(second.config) == written);
    }
}
