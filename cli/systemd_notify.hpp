#pragma once
// The service manager's readiness protocol (sd_notify(3)) without libsystemd:
// one datagram to the unix socket named by $NOTIFY_SOCKET. Outside systemd
// (no such variable) every call does nothing.

#include <string>
#include <string_view>

namespace lbdeploy::cli {

class SystemdNotifier {
public:
    // Reads $NOTIFY_SOCKET once; an empty value means "not under systemd".
    SystemdNotifier();
    explicit SystemdNotifier(std::string socket_path);

    bool enabled() const { return !socket_path_.empty(); }

    // Sends "KEY=value\n..." lines (READY=1, STOPPING=1, STATUS=...). Returns
    // false when the datagram could not be sent; a service must not fail
    // because its manager is not listening, so callers only log that.
    bool notify(std::string_view state) const;

private:
    std::string socket_path_;  // '@' first = Linux abstract namespace
};

}  // namespace lbdeploy::cli
