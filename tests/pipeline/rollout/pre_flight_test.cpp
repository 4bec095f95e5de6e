// The pre-flight's namespace command, run for real on this machine (as root,
// which the test suite is): the command sees the staged files at their
// destinations, a new file in its directory beside the old ones, while the
// live files stay as they are and nothing of the view outlives the command.
#include "pipeline/rollout/pre_flight.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>


namespace fs = std::filesystem;
using lbdeploy::rollout::in_staged_view;
using lbdeploy::rollout::StagedFile;

namespace {

struct PipeCloser {
    void operator()(FILE* pipe) const { pclose(pipe); }
};

std::string output_of(const std::string& command) {
    std::unique_ptr<FILE, PipeCloser> pipe(popen((command + " 2>&1").c_str(), "r"));
    REQUIRE(pipe);
    std::string out;
    std::array<char, 4096> buffer{};
    while (auto n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) out.append(buffer.data(), n);
    return out;
}

void write(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << content;
}

std::string read(const fs::path& path) {
    std::stringstream content;
    content << std::ifstream(path).rdbuf();
    return content.str();
}

}  // namespace

TEST_CASE("the validate command sees the staged files at their destinations while the live files stay") {
    if (::geteuid() != 0) {
        MESSAGE("skipped: mount namespaces need root");
        return;
    }
    struct ScratchDirectory {
        fs::path path = fs::temp_directory_path() / ("lbdeploy-pre-flight-" + std::to_string(::getpid()));
        ScratchDirectory() { fs::remove_all(path); }
        ~ScratchDirectory() { fs::remove_all(path); }
    } scratch;
    const auto& root = scratch.path;
    auto etc = root / "etc" / "haproxy";
    write(etc / "haproxy.cfg", "old cfg\n");
    write(etc / "lua" / "version.lua", "old lua\n");
    write(etc / ".haproxy.cfg.lbdeploy-t-1", "new cfg\n");
    write(etc / "lua" / ".extra.lua.lbdeploy-t-2", "new lua file\n");
    std::vector<StagedFile> staged{
        {(etc / "haproxy.cfg").string(), (etc / ".haproxy.cfg.lbdeploy-t-1").string(), false},
        {(etc / "lua" / "extra.lua").string(), (etc / "lua" / ".extra.lua.lbdeploy-t-2").string(), true},
    };
    auto command = fmt::format("cat {} {} {}", (etc / "haproxy.cfg").string(), (etc / "lua" / "version.lua").string(),
                               (etc / "lua" / "extra.lua").string());
    CHECK(output_of(in_staged_view(command, staged)) == "new cfg\nold lua\nnew lua file\n");
    // Outside the namespace: nothing moved, nothing added, no mount left.
    CHECK(read(etc / "haproxy.cfg") == "old cfg\n");
    CHECK_FALSE(fs::exists(etc / "lua" / "extra.lua"));
    CHECK(read(etc / "lua" / "version.lua") == "old lua\n");
    CHECK(read("/proc/self/mountinfo").find(root.string()) == std::string::npos);

    SUBCASE("a new file in a deeper directory, with a space in its name, stacks on the shallower view") {
        auto deeper = etc / "lua" / "sub dir";
        write(deeper / ".it's new.lua.lbdeploy-t-4", "deeper\n");
        staged.push_back({(deeper / "it's new.lua").string(), (deeper / ".it's new.lua.lbdeploy-t-4").string(), true});
        auto result = output_of(in_staged_view("cat '" + (deeper / "it'\\''s new.lua").string() + "' " +
                                                   (etc / "lua" / "extra.lua").string(),
                                               staged));
        CHECK(result == "deeper\nnew lua file\n");
        CHECK_FALSE(fs::exists(deeper / "it's new.lua"));
    }
    SUBCASE("the staged files are read-only to the command") {
        auto result = output_of(in_staged_view("echo changed > " + (etc / "haproxy.cfg").string() + " || echo refused", staged));
        CHECK(result.find("refused") != std::string::npos);
        CHECK(read(etc / ".haproxy.cfg.lbdeploy-t-1") == "new cfg\n");
    }
    SUBCASE("the command's verdict is the validate's") {
        auto result = output_of(in_staged_view("grep -q 'old cfg' " + (etc / "haproxy.cfg").string() + " || echo refused", staged));
        CHECK(result == "refused\n");
    }
    SUBCASE("a mount that cannot be made is said as such, with exit 125") {
        staged.push_back({(root / "missing" / "x.cfg").string(), (root / "missing" / ".x.cfg.lbdeploy-t-3").string(), false});
        auto result = output_of("(" + in_staged_view("true", staged) + ") 2>&1; echo \"exit $?\"");
        CHECK(result.find("lbdeploy pre-flight: cannot mount") != std::string::npos);
        CHECK(result.find("exit 125") != std::string::npos);
    }
}
