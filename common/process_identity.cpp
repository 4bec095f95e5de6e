#include "common/process_identity.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace lbdeploy::common {

namespace {

std::string host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0) return "?";
    return name;
}

// Field 3 (state) and field 22 (starttime) of /proc/PID/stat; the command
// name (field 2) may hold spaces and parentheses, so fields count from the last ')'.
bool read_stat(long pid, char& state, std::string& start_time) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    std::getline(in, text);  // one line
    auto close = text.rfind(')');
    if (close == std::string::npos) return false;
    std::istringstream fields(text.substr(close + 1));
    fields >> state;
    std::string field;
    for (int i = 4; i <= 22 && fields >> field; ++i) {
        if (i == 22) start_time = field;
    }
    return !start_time.empty();
}

}  // namespace

std::string this_process_identity() {
    char state = '?';
    std::string start_time;
    read_stat(static_cast<long>(::getpid()), state, start_time);
    return host_name() + " " + std::to_string(::getpid()) + " " + start_time;
}

Liveness liveness_of(const std::string& identity) {
    std::istringstream fields(identity);
    std::string host, start_time;
    long pid = 0;
    if (!(fields >> host >> pid >> start_time)) return Liveness::gone;
    if (host != host_name()) return Liveness::unknown;
    char state = '?';
    std::string now_start;
    if (!read_stat(pid, state, now_start) || now_start != start_time || state == 'Z' || state == 'X') {
        return Liveness::gone;
    }
    return Liveness::alive;
}

}  // namespace lbdeploy::common
