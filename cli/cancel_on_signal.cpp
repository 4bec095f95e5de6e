#include "cli/cancel_on_signal.hpp"

#include <csignal>
#include <ctime>

#include <iostream>

#include "storage/job_store.hpp"
#include "storage/schema.hpp"

namespace lbdeploy::cli {

namespace {

sigset_t cancel_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

}  // namespace

CancelOnSignal::CancelOnSignal(std::filesystem::path store, storage::JobId job) : store_(std::move(store)), job_(job) {
    auto set = cancel_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    // A shell starts background jobs with SIGINT ignored, and an ignored
    // signal never becomes pending: take it back to the default (it stays
    // blocked, so only sigtimedwait() below sees it).
    for (int signal : {SIGINT, SIGTERM}) {
        struct sigaction action {};
        action.sa_handler = SIG_DFL;
        sigemptyset(&action.sa_mask);
        sigaction(signal, &action, &previous_[signal == SIGINT ? 0 : 1]);
    }
    watcher_ = std::thread([this] { watch(); });
}

CancelOnSignal::~CancelOnSignal() {
    stop_ = true;
    watcher_.join();
    sigaction(SIGINT, &previous_[0], nullptr);
    sigaction(SIGTERM, &previous_[1], nullptr);
    auto set = cancel_signals();
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

void CancelOnSignal::watch() {
    auto set = cancel_signals();
    const timespec poll{0, 100'000'000};
    while (!stop_) {
        if (sigtimedwait(&set, nullptr, &poll) < 0) continue;
        try {
            auto db = storage::open_store(store_);
            storage::JobStore(db).cancel(job_);
            std::cerr << "lbdeploy: cancel requested; stopping at the next safe point (never half a node)\n";
        } catch (const std::exception& e) {
            std::cerr << "lbdeploy: could not request the cancel: " << e.what() << '\n';
        }
    }
}

}  // namespace lbdeploy::cli
