// The layout rules of ARCHITECTURE.md, checked on the source tree itself: a
// module includes headers of modules below it only, each C library is
// included where the rule says, and no first-party file grows past 400 lines.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path source_dir = LBDEPLOY_SOURCE_DIR;

// Bottom first. Modules of the same rank never include each other.
const std::vector<std::pair<std::string, int>> module_ranks{
    {"common", 0},
    {"config", 1}, {"storage", 1},
    {"pipeline/transport", 2},
    {"pipeline/rollout", 3},
    {"pipeline/jobs", 4},
    {"web", 5},
    {"server", 6},
    {"cli", 7},
};

// Prefixes ordered longest first, so "pipeline/rollout" wins over any shorter match.
std::optional<std::pair<std::string, int>> module_of(const std::string& relative) {
    for (const auto& [module, rank] : module_ranks) {
        if (relative.starts_with(module + "/")) return std::pair{module, rank};
    }
    return std::nullopt;
}

std::vector<std::string> lines_of(const fs::path& file) {
    std::ifstream in(file);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::vector<fs::path> files_under(const std::vector<std::string>& roots, const std::vector<std::string>& extensions) {
    std::vector<fs::path> files;
    for (const auto& root : roots) {
        for (auto it = fs::recursive_directory_iterator(source_dir / root); it != fs::recursive_directory_iterator();
             ++it) {
            if (it->is_directory() && it->path().filename() == "node_modules") {
                it.disable_recursion_pending();
                continue;
            }
            if (!it->is_regular_file()) continue;
            auto extension = it->path().extension().string();
            if (std::find(extensions.begin(), extensions.end(), extension) != extensions.end()) {
                files.push_back(it->path());
            }
        }
    }
    return files;
}

const std::vector<std::string> source_roots{"common", "config", "storage", "pipeline", "server", "cli"};

}  // namespace

TEST_CASE("a module includes headers of modules below it only") {
    const std::regex include(R"(^\s*#\s*include\s+"([^"]+)\")");
    std::vector<std::string> violations;
    for (const auto& file : files_under(source_roots, {".cpp", ".hpp"})) {
        auto relative = fs::relative(file, source_dir).string();
        auto own = module_of(relative);
        REQUIRE_MESSAGE(own, relative << " is in no module of ARCHITECTURE.md");
        for (const auto& line : lines_of(file)) {
            std::smatch match;
            if (!std::regex_search(line, match, include)) continue;
            auto target = module_of(match[1].str());
            if (!target || target->first == own->first || target->second < own->second) continue;
            violations.push_back(relative + " includes " + match[1].str() + " (" + target->first + " is not below " +
                                 own->first + ")");
        }
    }
    for (const auto& violation : violations) MESSAGE(violation);
    CHECK(violations.empty());
}

TEST_CASE("each C library is included by the one place the rule names") {
    // libgit2 has two files, both in transport: the mirrors, and the text
    // diff that reuses its xdiff (git_check.hpp keeps them one error path).
    const std::map<std::string, std::set<std::string>> owners{
        {"libssh/", {"pipeline/transport/ssh_session_impl.hpp"}},
        {"git2", {"pipeline/transport/git_mirror.cpp", "pipeline/transport/text_diff.cpp"}},
        {"sqlite3.h", {"storage/sqlite.cpp"}},
    };
    const std::regex system_include(R"(^\s*#\s*include\s+<([^>]+)>)");
    for (const auto& file : files_under(source_roots, {".cpp", ".hpp"})) {
        auto relative = fs::relative(file, source_dir).string();
        for (const auto& line : lines_of(file)) {
            std::smatch match;
            if (!std::regex_search(line, match, system_include)) continue;
            auto header = match[1].str();
            for (const auto& [prefix, owner] : owners) {
                if (header.starts_with(prefix)) CHECK_MESSAGE(owner.contains(relative), relative << " includes <" << header << ">");
            }
            if (header.starts_with("yaml-cpp/")) CHECK_MESSAGE(relative.starts_with("config/"), relative << " includes yaml-cpp");
        }
    }
}

TEST_CASE("no first-party file is over 400 lines") {
    auto files = files_under({"common", "config", "storage", "pipeline", "server", "cli", "web", "tests", "bench",
                              "scripts"},
                             {".cpp", ".hpp", ".js", ".mjs", ".sh", ""});
    for (const auto& file : files) {
        auto lines = lines_of(file);
        // Files without an extension count when they are scripts.
        if (file.extension().empty() && (lines.empty() || !lines[0].starts_with("#!"))) continue;
        CHECK_MESSAGE(lines.size() <= 400, fs::relative(file, source_dir).string() << " has " << lines.size() << " lines");
    }
}

// doctest_discover_tests registers each case under its name as one CMake list
// item, and CMake splits lists at ';': a name with one becomes two ctest tests
// whose filters match no case, so the case silently runs nothing.
TEST_CASE("no test case name has a semicolon, which ctest's discovery would split") {
    const std::regex test_case(R"(^\s*TEST_CASE(_FIXTURE)?\()");
    const std::regex name(R"(TEST_CASE(?:_FIXTURE)?\((?:[^,"]*,\s*)?"((?:[^"\\]|\\.)*)\")");
    int cases = 0;
    for (const auto& file : files_under({"tests"}, {".cpp", ".hpp"})) {
        auto relative = fs::relative(file, source_dir).string();
        for (const auto& line : lines_of(file)) {
            if (!std::regex_search(line, test_case)) continue;
            std::smatch match;
            // A name this check cannot read could hide a ';' from it.
            if (!std::regex_search(line, match, name)) {
                FAIL_CHECK(relative << ": a test case whose name is not a string literal on its line: " << line);
                continue;
            }
            ++cases;
            CHECK_MESSAGE(match[1].str().find(';') == std::string::npos,
                          relative << ": test case \"" << match[1].str() << "\" has a ';'");
        }
    }
    CHECK(cases > 0);  // the pattern still finds the cases at all
}
