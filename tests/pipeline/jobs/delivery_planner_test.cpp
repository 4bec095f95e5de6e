// The delivery planner against real repositories and a real job store: a
// delivery triggers, the branch decides (DESIGN §4). A payload's `after` that
// is stale or not on the branch queues nothing; what is queued is the branch
// head as fetched.

#include "pipeline/jobs/delivery_planner.hpp"

#include <doctest/doctest.h>

#include "pipeline/jobs/revisions.hpp"
#include "pipeline_config.hpp"
#include "storage/job_store.hpp"
#include "storage/node_state_store.hpp"
#include "storage/schema.hpp"
#include "test_repos.hpp"

using namespace lbdeploy;
using testing::git;
using testing::head_of;
using testing::write_file;

namespace {

struct Planner {
    testing::Repos repos;
    config::Config config = testing::pipeline_test_config(repos.lb_config.string(), repos.lua.string(),
                                                          (repos.dir / "data").string());
    storage::Database db = storage::open_store(repos.dir / "data" / "lbdeploy.db");
    transport::GitLibrary library;
    int deliveries = 0;

    // A commit on the checked-out branch of `repo` that changes `path`; its SHA.
    std::string commit(const std::filesystem::path& repo, const std::string& path) {
        write_file(repo / path, fmt::format("change {}\n", ++deliveries));
        git(repo, "add -A");
        git(repo, "commit -q -m change");
        return head_of(repo);
    }

    storage::Delivery delivery(const std::string& event, const std::string& repository, const std::string& before,
                               const std::string& after) {
        storage::DeliveryStore store(db);
        auto recorded = store.record({fmt::format("key-{}", ++deliveries), event, repository, "refs/heads/main",
                                      after, repository, before, "alice"});
        return *store.find(recorded.id);
    }

    jobs::DeliveryPlan plan(const std::string& event, const std::string& repository, const std::string& before,
                            const std::string& after) {
        rollout::Repositories repositories(config);  // fetches, as the planner thread does per batch
        return jobs::plan_delivery(config, repositories, db, delivery(event, repository, before, after));
    }

    jobs::DeliveryPlan push(const std::string& before, const std::string& after) {
        return plan("Push Hook", "lb-config", before, after);
    }

    // As a job would record it: the first node of `pair` runs `commit`, the
    // second `second_commit` (default: the same).
    void nodes_run(const std::string& commit, const std::string& second_commit = "", const std::string& pair = "dmz") {
        storage::NewJob job;
        job.pair = pair;
        job.repository = "lb-config";
        job.commit = commit;
        job.dry_run = true;  // beside the jobs the planner queues, never in their way
        auto id = storage::JobStore(db).enqueue(job).job_id;
        const auto& nodes = config.find_pair(pair)->nodes;
        storage::NodeStateStore(db).record_deployed(pair, nodes[0].name, commit, id);
        storage::NodeStateStore(db).record_deployed(pair, nodes[1].name, second_commit.empty() ? commit : second_commit,
                                                    id);
    }

    std::string job_commit(storage::JobId id) { return storage::JobStore(db).find(id)->commit; }
};

const std::string dmz_file = "dmz/filesystem/etc/haproxy/haproxy.cfg";

}  // namespace

TEST_CASE("a push queues the branch head, and nothing when its after is not on the branch or already runs") {
    Planner p;
    auto first = head_of(p.repos.lb_config);
    auto second = p.commit(p.repos.lb_config, dmz_file);
    auto third = p.commit(p.repos.lb_config, dmz_file);
    git(p.repos.lb_config, "checkout -q -b feature " + first);
    auto feature = p.commit(p.repos.lb_config, dmz_file);
    git(p.repos.lb_config, "checkout -q main");

    // A late delivery of the push of `second`: the branch is at `third` now, and that is what deploys.
    auto late = p.push(first, second);
    CHECK(late.outcome == "queued");
    REQUIRE(late.jobs.size() == 1);
    CHECK(p.job_commit(late.jobs[0]) == third);

    for (const auto& foreign : {feature, std::string("main~1"), std::string("0123456789abcdef0123456789abcdef01234567"),
                                second.substr(0, 12)}) {
        CAPTURE(foreign);
        auto plan = p.push(first, foreign);
        CHECK(plan.outcome == "ignored");
        CHECK(plan.reason == "not on branch");
        CHECK(plan.detail.starts_with("not on branch: "));
        CHECK(plan.jobs.empty());
    }

    p.nodes_run(third);
    for (const auto& old : {second, third}) {
        CAPTURE(old);
        auto plan = p.push(first, old);
        CHECK(plan.outcome == "ignored");
        CHECK(plan.reason == "stale");
        CHECK(plan.detail == fmt::format("stale: dmz already runs {:.12} or a newer commit", old));
        CHECK(plan.jobs.empty());
    }

    // One node behind: the push still brings it something.
    p.nodes_run(third, first);
    auto behind = p.push(first, second);
    CHECK(behind.outcome == "queued");
    CHECK(behind.detail.starts_with("dmz: job "));
}

TEST_CASE("a merge is stale when both nodes run a descendant of the branch head") {
    Planner p;
    auto first = head_of(p.repos.lb_config);
    auto head = p.commit(p.repos.lb_config, dmz_file);
    git(p.repos.lb_config, "checkout -q -b ahead");
    auto ahead = p.commit(p.repos.lb_config, dmz_file);
    git(p.repos.lb_config, "checkout -q main");

    p.nodes_run(head, "", "intranet");  // up to date: not affected by the merge
    p.nodes_run(ahead);  // e.g. deployed by hand from a branch that was not merged yet
    auto stale = p.plan("Merge Request Hook", "lb-config", "", head);
    CHECK(stale.outcome == "ignored");
    CHECK(stale.reason == "stale");
    CHECK(stale.jobs.empty());

    p.nodes_run(ahead, head);  // lb2 runs the head itself, lb1 a descendant: still nothing to bring
    CHECK(p.plan("Merge Request Hook", "lb-config", "", head).reason == "stale");

    p.nodes_run(ahead, first);  // lb2 is behind: the merge brings it the head
    auto queued = p.plan("Merge Request Hook", "lb-config", "", head);
    CHECK(queued.outcome == "queued");
    REQUIRE(queued.jobs.size() == 1);
    CHECK(p.job_commit(queued.jobs[0]) == head);
}

TEST_CASE("a push to an unpinned dependency is checked against the dependency's branch and queues the pair's head") {
    Planner p;
    auto pair_head = head_of(p.repos.lb_config);
    auto lua_first = head_of(p.repos.lua);
    auto lua_second = p.commit(p.repos.lua, "lua/version.lua");
    git(p.repos.lua, "checkout -q -b experiment " + lua_first);
    auto lua_experiment = p.commit(p.repos.lua, "lua/version.lua");
    git(p.repos.lua, "checkout -q main");

    auto foreign = p.plan("Push Hook", "lua", lua_first, lua_experiment);
    CHECK(foreign.reason == "not on branch");
    CHECK(foreign.jobs.empty());

    // The pair's nodes run its own head; the dependency's files are what changed.
    p.nodes_run(pair_head);
    auto queued = p.plan("Push Hook", "lua", lua_first, lua_second);
    CHECK(queued.outcome == "queued");
    REQUIRE(queued.jobs.size() == 1);
    CHECK(p.job_commit(queued.jobs[0]) == pair_head);
}

TEST_CASE("takes_back is a commit older than what some node runs, never for a node without a commit") {
    Planner p;
    auto first = head_of(p.repos.lb_config);
    auto second = p.commit(p.repos.lb_config, dmz_file);
    rollout::Repositories repositories(p.config);
    auto& mirror = repositories.fetched("lb-config");
    const auto& dmz = *p.config.find_pair("dmz");
    CHECK(jobs::deployed_commits(p.db, dmz) == std::vector<std::string>{"", ""});
    CHECK_FALSE(jobs::takes_back(mirror, jobs::deployed_commits(p.db, dmz), first));
    CHECK_FALSE(jobs::runs_descendant_of(mirror, jobs::deployed_commits(p.db, dmz), first));
    p.nodes_run(second, first);
    auto deployed = jobs::deployed_commits(p.db, dmz);
    CHECK(deployed == std::vector<std::string>{second, first});
    CHECK(jobs::takes_back(mirror, deployed, first));  // lb1 would go back
    CHECK_FALSE(jobs::takes_back(mirror, deployed, second));
    CHECK(jobs::runs_descendant_of(mirror, deployed, first));
    CHECK_FALSE(jobs::runs_descendant_of(mirror, deployed, second));
    CHECK(jobs::describe_rollback(dmz, first, deployed) ==
          fmt::format("{:.12} would take dmz back to an older commit (it runs: lb1 at {:.12}, lb2 at {:.12})", first,
                      second, first));
}
