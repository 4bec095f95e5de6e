#include "pipeline/rollout/pair_pre_flight.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <deque>
#include <future>
#include <stdexcept>

namespace lbdeploy::rollout {

namespace {

// Holds a node's pre-flight lines while it runs on its own thread: the job's
// Reporter (its store connection) belongs to the rollout's thread. Bounded:
// the first and the last `part` lines, and how many were left out between
// (a validate that prints a million lines keeps its cause and its verdict).
class HeldLines : public Reporter {
public:
    StepId begin_step(const std::string&, StepName) override { throw std::logic_error("no steps inside a pre-flight"); }
    void end_step(StepId, storage::StepState, const std::string&) override {}
    void log(const std::string& node, std::string_view stream, std::string_view text) override {
        node_ = node;
        Line line{std::string(stream), std::string(text)};
        if (head_.size() < part) {
            head_.push_back(std::move(line));
            return;
        }
        tail_.push_back(std::move(line));
        if (tail_.size() > part) {
            tail_.pop_front();
            ++left_out_;
        }
    }
    void node_deployed(const std::string&, const std::string&) override {}
    void vip_seen(const std::string&, bool) override {}
    void roles_found(const std::string&, const std::string&) override {}
    bool cancel_requested() override { return false; }

    void pass_to(Reporter& reporter) const {
        for (const auto& line : head_) reporter.log(node_, line.stream, line.text);
        if (left_out_ > 0) {
            reporter.log(node_, "info", fmt::format("[... {} lines of the pre-flight left out ...]", left_out_));
        }
        for (const auto& line : tail_) reporter.log(node_, line.stream, line.text);
    }

private:
    static constexpr std::size_t part = 5000;
    struct Line {
        std::string stream;
        std::string text;
    };
    std::string node_;  // one node's lines only
    std::vector<Line> head_;
    std::deque<Line> tail_;
    std::size_t left_out_ = 0;
};

}  // namespace

StepResult pre_flight_pair(Reporter& reporter, WaitTimes& waits, NodeRollout& backup, NodeRollout& master) {
    struct Flight {
        NodeRollout* node;
        HeldLines lines;
        WaitTimes waits;
        std::future<StepResult> result;
    };
    std::array<Flight, 2> flights{Flight{&backup, {}, {}, {}}, Flight{&master, {}, {}, {}}};
    for (auto& flight : flights) {
        flight.result = std::async(std::launch::async, [&flight] { return flight.node->pre_flight(flight.lines, flight.waits); });
    }
    StepResult outcome = StepResult::success();
    for (auto& flight : flights) {
        auto result = run_step(reporter, flight.node->name(), StepName::pre_flight, [&] {
            flight.result.wait();
            flight.lines.pass_to(reporter);
            return flight.result.get();
        });
        if (!result.passed() && outcome.passed()) {
            outcome = StepResult::failure(fmt::format("{}: pre-flight: {}", flight.node->name(), result.message));
        }
    }
    // The two validations ran side by side: the wait is the longer one.
    waits.validate += std::max(flights[0].waits.validate, flights[1].waits.validate);
    if (!outcome.passed()) {
        backup.discard_staged();
        master.discard_staged();
    }
    return outcome;
}

}  // namespace lbdeploy::rollout
