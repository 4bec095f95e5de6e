// The sd_notify(3) datagram, received by a real unix socket as systemd would.

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "cli/systemd_notify.hpp"
#include "common/unique_fd.hpp"
#include "support/temp_dir.hpp"

using lbdeploy::cli::SystemdNotifier;

namespace {

// A bound datagram socket standing in for systemd's notify socket.
class Receiver {
public:
    explicit Receiver(const std::string& name) : fd_(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
        REQUIRE(fd_.get() >= 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, name.data(), name.size());
        if (name[0] == '@') address.sun_path[0] = '\0';
        auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
        REQUIRE(::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&address), length) == 0);
        timeval timeout{2, 0};
        ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    }

    std::string receive() {
        char buffer[4096];
        auto n = ::recv(fd_.get(), buffer, sizeof buffer, 0);
        return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
    }

private:
    lbdeploy::common::UniqueFd fd_;
};

}  // namespace

TEST_CASE("the notifier sends each state as one datagram to a socket path") {
    lbdeploy::testing::TempDir dir;
    auto path = (dir / "notify").string();
    Receiver systemd(path);
    SystemdNotifier notifier(path);
    CHECK(notifier.enabled());
    CHECK(notifier.notify("READY=1\nSTATUS=listening"));
    CHECK(systemd.receive() == "READY=1\nSTATUS=listening");
    CHECK(notifier.notify("STOPPING=1"));
    CHECK(systemd.receive() == "STOPPING=1");
}

TEST_CASE("the notifier reaches an abstract socket name") {
    auto name = "@lbdeploy-notify-test-" + std::to_string(::getpid());
    Receiver systemd(name);
    CHECK(SystemdNotifier(name).notify("READY=1"));
    CHECK(systemd.receive() == "READY=1");
}

TEST_CASE("without a notify socket the notifier does nothing and succeeds") {
    SystemdNotifier outside_systemd{std::string()};
    CHECK_FALSE(outside_systemd.enabled());
    CHECK(outside_systemd.notify("READY=1"));
    CHECK_FALSE(SystemdNotifier("relative/path").enabled());
}

TEST_CASE("a socket nobody listens on is a reported failure, not an exception") {
    lbdeploy::testing::TempDir dir;
    CHECK_FALSE(SystemdNotifier((dir / "nobody").string()).notify("READY=1"));
}
