#include "storage/gitlab_deployment_store.hpp"

#include <doctest/doctest.h>

#include "store_fixture.hpp"

using namespace lbdeploy;
using storage::JobState;
using testing::new_job;

TEST_CASE_FIXTURE(testing::StoreFixture, "a job's GitLab deployment is recorded, updated and found") {
    auto id = jobs.enqueue(new_job("a", "c1")).job_id;
    storage::GitlabDeploymentStore deployments(db);
    CHECK_FALSE(deployments.find(id));
    deployments.record(id, {42, "running"});
    deployments.set_status(id, "failed");
    auto found = deployments.find(id);
    REQUIRE(found);
    CHECK(found->id == 42);
    CHECK(found->status == "failed");
}

TEST_CASE_FIXTURE(testing::StoreFixture, "the deployments left running are those of jobs that are over") {
    auto interrupted = jobs.enqueue(new_job("a", "c1")).job_id;
    auto running = jobs.enqueue(new_job("b", "c2")).job_id;
    auto ended = jobs.enqueue(new_job("c", "c3")).job_id;
    for (int i = 0; i < 3; ++i) REQUIRE(jobs.claim(3, "host 1 100"));
    jobs.recover_interrupted([interrupted](const storage::Job& job) { return job.id == interrupted; });
    REQUIRE(jobs.finish(ended, JobState::failed, "cannot connect"));
    storage::GitlabDeploymentStore deployments(db);
    deployments.record(interrupted, {1, "running"});
    deployments.record(running, {2, "running"});
    deployments.record(ended, {3, "failed"});
    CHECK(deployments.left_running() == std::vector<storage::JobId>{interrupted});
}
