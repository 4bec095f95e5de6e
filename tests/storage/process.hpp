#pragma once
// Forked child processes for the multi-process store tests. The child runs a
// function and _exits with its result; the parent waits or kills it by PID.

#include <sys/types.h>

#include <functional>

namespace lbdeploy::testing {

class ChildProcess {
public:
    explicit ChildProcess(const std::function<int()>& body);
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ~ChildProcess();  // kills and reaps a child still running

    int wait();  // exit status; -signal when killed by a signal
    void kill_now();  // SIGKILL, then reap
    pid_t pid() const { return pid_; }

private:
    pid_t pid_ = -1;
};

}  // namespace lbdeploy::testing
