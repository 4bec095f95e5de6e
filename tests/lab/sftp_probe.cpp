// lbdeploy's own SFTP primitives against a lab node, for the cases whose
// input cannot be reached through a rollout: a temporary name is random, so a
// symlink planted at one is planted here at a name the case chooses.
//
//   sftp_probe HOST KNOWN_HOSTS IDENTITY write-new PATH
// Exit 0: written; 3: refused (the error on stdout); 2: usage.

#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include "pipeline/transport/ssh_session.hpp"

using namespace lbdeploy;

int main(int argc, char** argv) {
    if (argc != 6 || std::string_view(argv[4]) != "write-new") {
        std::fputs("usage: sftp_probe HOST KNOWN_HOSTS IDENTITY write-new PATH\n", stderr);
        return 2;
    }
    transport::SshLibrary library;
    transport::SshTarget target{argv[1], {}};
    target.settings.known_hosts = argv[2];
    target.settings.identity_file = argv[3];
    target.settings.connect_timeout = std::chrono::seconds(3);
    try {
        auto session = transport::SshSession::connect(target);
        session.write_new_file(argv[5], "written by sftp_probe\n", 0644);
    } catch (const transport::SshError& e) {
        std::printf("refused: %s\n", e.what());
        return 3;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sftp_probe: %s\n", e.what());
        return 1;
    }
    std::puts("written");
    return 0;
}
