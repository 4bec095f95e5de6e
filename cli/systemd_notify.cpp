#include "cli/systemd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "common/unique_fd.hpp"

namespace lbdeploy::cli {

namespace {

std::string notify_socket_from_environment() {
    const char* value = std::getenv("NOTIFY_SOCKET");
    return value ? value : "";
}

}  // namespace

SystemdNotifier::SystemdNotifier() : SystemdNotifier(notify_socket_from_environment()) {}

SystemdNotifier::SystemdNotifier(std::string socket_path) : socket_path_(std::move(socket_path)) {
    // Only absolute paths and abstract names are valid; anything else is ignored
    // as sd_notify(3) does.
    if (!socket_path_.empty() && socket_path_[0] != '/' && socket_path_[0] != '@') socket_path_.clear();
}

bool SystemdNotifier::notify(std::string_view state) const {
    if (!enabled()) return true;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (socket_path_.size() >= sizeof address.sun_path) return false;
    std::memcpy(address.sun_path, socket_path_.data(), socket_path_.size());
    if (address.sun_path[0] == '@') address.sun_path[0] = '\0';
    auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path_.size());

    common::UniqueFd socket(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!socket) return false;
    auto sent = ::sendto(socket.get(), state.data(), state.size(), MSG_NOSIGNAL,
                         reinterpret_cast<const sockaddr*>(&address), length);
    return sent == static_cast<ssize_t>(state.size());
}

}  // namespace lbdeploy::cli
