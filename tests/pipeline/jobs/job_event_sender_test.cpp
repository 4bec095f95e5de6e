#include "pipeline/jobs/job_event_sender.hpp"

#include <doctest/doctest.h>

#include <mutex>
#include <stdexcept>
#include <vector>

#include "pipeline/jobs/deployment_notifier.hpp"

using namespace lbdeploy;
using storage::JobState;

namespace {

storage::Job job_in(storage::JobId id, JobState state) {
    storage::Job job;
    job.id = id;
    job.state = state;
    return job;
}

}  // namespace

TEST_CASE("the sender sends in order and never sends a job back to an earlier state") {
    std::mutex mutex;
    std::vector<std::pair<storage::JobId, JobState>> sent;
    {
        jobs::JobEventSender sender("test", [&](const storage::Job& job) {
            std::lock_guard lock(mutex);
            sent.emplace_back(job.id, job.state);
        });
        sender.push(job_in(1, JobState::running));
        sender.push(job_in(1, JobState::queued));  // the planner's report, later than the worker's
        sender.push(job_in(2, JobState::queued));
        sender.push(job_in(1, JobState::failed));
        sender.push(job_in(1, JobState::running));
        sender.push(job_in(1, JobState::cancelled));  // a second final state
        sender.push(job_in(2, JobState::superseded));
    }  // the destructor sends what is queued
    CHECK(sent == std::vector<std::pair<storage::JobId, JobState>>{
                      {1, JobState::running}, {2, JobState::queued}, {1, JobState::failed}, {2, JobState::superseded}});
}

TEST_CASE("a send that throws does not stop the sender") {
    std::vector<storage::JobId> sent;
    {
        jobs::JobEventSender sender("test", [&](const storage::Job& job) {
            if (job.id == 1) throw std::runtime_error("the store is gone");
            sent.push_back(job.id);
        });
        sender.push(job_in(1, JobState::running));
        sender.push(job_in(2, JobState::running));
    }
    CHECK(sent == std::vector<storage::JobId>{2});
}

TEST_CASE("a deployment's environment, ref and tag") {
    CHECK(jobs::environment_name("dmz-prod") == "lb/dmz-prod");
    auto branch = jobs::deployment_ref("refs/heads/release", "main");
    CHECK(branch.ref == "release");
    CHECK_FALSE(branch.tag);
    auto tag = jobs::deployment_ref("refs/tags/v1.2", "main");
    CHECK(tag.ref == "v1.2");
    CHECK(tag.tag);
    CHECK(jobs::deployment_ref("", "main").ref == "main");
    CHECK(jobs::deployment_ref("main", "other").ref == "main");
}
