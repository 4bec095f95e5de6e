// Job store throughput on a real database file: enqueue + claim + finish
// cycles per second, and log lines appended per second, batched and one per
// transaction (the ratio shows why the worker batches). Prints figures; it
// asserts nothing, since machines differ.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "storage/job_store.hpp"
#include "storage/log_store.hpp"
#include "storage/schema.hpp"

using namespace lbdeploy;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void bench_job_cycle(storage::JobStore& jobs, int count) {
    auto start = Clock::now();
    for (int i = 0; i < count; ++i) {
        storage::NewJob job;
        job.pair = "pair-" + std::to_string(i % 20);
        job.repository = "lb-config";
        job.commit = std::to_string(i);
        jobs.enqueue(job);
        auto claimed = jobs.claim(4);
        jobs.finish(claimed->id, storage::JobState::succeeded);
    }
    auto elapsed = seconds_since(start);
    std::printf("job cycle (enqueue+claim+finish): %d jobs in %.3f s = %.0f jobs/s\n", count, elapsed,
                count / elapsed);
}

double bench_log(storage::LogStore& log, storage::JobId job, int lines, int batch) {
    std::vector<storage::NewLogLine> chunk(static_cast<std::size_t>(batch),
                                           {"lb1", "stdout", "[NOTICE] haproxy: reloading, 12 backends up", {}});
    auto start = Clock::now();
    for (int written = 0; written < lines; written += batch) log.append(job, chunk);
    auto elapsed = seconds_since(start);
    double rate = lines / elapsed;
    std::printf("log append, %4d line(s)/transaction: %d lines in %.3f s = %.0f lines/s\n", batch, lines, elapsed,
                rate);
    return rate;
}

}  // namespace

int main(int argc, char** argv) {
    auto dir = std::filesystem::temp_directory_path() / ("lbdeploy-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    int jobs_count = argc > 1 ? std::stoi(argv[1]) : 5000;
    {
        auto db = storage::open_store(dir / "bench.db");
        storage::JobStore jobs(db);
        storage::LogStore log(db);
        std::printf("storage bench on %s (WAL, synchronous=NORMAL)\n", (dir / "bench.db").c_str());
        bench_job_cycle(jobs, jobs_count);
        storage::NewJob job;
        job.pair = "log-bench";
        job.repository = "lb-config";
        job.commit = "c";
        auto id = jobs.enqueue(job).job_id;
        auto batched = bench_log(log, id, 200'000, 100);
        auto single = bench_log(log, id, 5'000, 1);
        std::printf("batching gain: %.1fx\n", batched / single);
    }
    std::filesystem::remove_all(dir);
    return 0;
}
