#include "process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <stdexcept>

namespace lbdeploy::testing {

ChildProcess::ChildProcess(const std::function<int()>& body) {
    std::fflush(nullptr);  // no buffered output written twice
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        int status = 1;
        try {
            status = body();
        } catch (const std::exception& error) {
            std::fprintf(stderr, "child %d: %s\n", getpid(), error.what());
        }
        _exit(status);  // skip the parent's atexit handlers and doctest's report
    }
}

ChildProcess::~ChildProcess() {
    if (pid_ > 0) kill_now();
}

int ChildProcess::wait() {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0) {
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

void ChildProcess::kill_now() {
    ::kill(pid_, SIGKILL);
    wait();
}

}  // namespace lbdeploy::testing
