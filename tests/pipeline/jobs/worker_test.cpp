// The worker's threads against a store that fails under them: they log,
// back off and go on; they never take the process down.

#include "pipeline/jobs/worker.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include "common/event_log.hpp"
#include "storage/delivery_store.hpp"
#include "storage/schema.hpp"

using namespace lbdeploy;

namespace {

// The stream the worker's threads write to, read from the test's thread.
class LockedLog {
public:
    common::EventLog& log() { return log_; }
    bool contains(const std::string& text) {
        std::lock_guard lock(mutex_);
        return out_.str().find(text) != std::string::npos;
    }

private:
    std::mutex mutex_;
    std::ostringstream out_;
    common::EventLog log_{out_, common::LogFormat::text};
};

}  // namespace

TEST_CASE("a store fault in the job threads is logged and retried, and stop() still returns") {
    auto store = std::filesystem::temp_directory_path() / ("worker-test-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(store);
    config::Config config;
    config.server.max_parallel_pairs = 1;
    LockedLog log;
    {
        auto db = storage::open_store(store);
        jobs::Worker worker(config, store, {}, &log.log());
        worker.start();
        // The job threads' claim() now fails on every poll, as it would on a
        // damaged database. Before, the first failure ended the process.
        db.execute("DROP TABLE jobs");
        worker.wake();
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!log.contains("worker.storage_error") && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        CHECK(log.contains("worker.storage_error"));
        CHECK(log.contains("no such table"));
        CHECK(worker.stop(std::chrono::milliseconds(2000)).empty());
    }
    std::filesystem::remove(store);
}

TEST_CASE("a delivery whose planning never finished is failed once at start, not planned again") {
    auto store = std::filesystem::temp_directory_path() / ("worker-plan-test-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(store);
    config::Config config;
    config.server.max_parallel_pairs = 1;
    LockedLog log;
    auto db = storage::open_store(store);
    storage::DeliveryStore deliveries(db);
    auto crashed = deliveries.record({"k1", "Push Hook", "netops/lb", "refs/heads/main", "abc", "lb-config", "000", "ann"});
    auto waiting = deliveries.record({"k2", "Push Hook", "netops/lb", "refs/heads/other", "def", "", "000", "ann"});
    // What a process that died while planning k1 leaves behind.
    deliveries.mark_planning({crashed.id});
    {
        jobs::Worker worker(config, store, {}, &log.log());
        worker.start();
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (deliveries.find(waiting.id)->outcome == "received" && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        worker.stop(std::chrono::milliseconds(2000));
    }
    auto abandoned = deliveries.find(crashed.id);
    CHECK(abandoned->outcome == "failed");
    CHECK(abandoned->detail.find("planning did not finish") != std::string::npos);
    CHECK(log.contains("delivery.failed"));
    CHECK(deliveries.find(waiting.id)->outcome != "received");  // planned as usual
    CHECK(deliveries.find(waiting.id)->outcome != "planning");
    std::filesystem::remove(store);
}
