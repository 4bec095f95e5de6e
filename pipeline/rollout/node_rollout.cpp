#include "pipeline/rollout/node_rollout.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/text.hpp"
#include "pipeline/rollout/check_runner.hpp"
#include "pipeline/rollout/pre_flight.hpp"
#include "pipeline/rollout/service_actions.hpp"
#include "pipeline/transport/text_diff.hpp"

namespace lbdeploy::rollout {

NodeRollout::NodeRollout(const config::Pair& pair, const NodeLink& link, const NodePlan& plan, Reporter& reporter,
                         WaitTimes& waits, std::string tag, transport::Duration reload_timeout, JournalEntry journal)
    : pair_(pair), link_(link), plan_(plan), reporter_(reporter), waits_(waits), reload_timeout_(reload_timeout),
      files_(*link.session, std::move(tag)), journal_(std::move(journal)) {}

StepResult NodeRollout::step(StepName name, const std::function<StepResult()>& body) {
    return run_step(reporter_, link_.name(), name, body);
}

StepResult NodeRollout::compare() {
    return step(StepName::compare, [&] {
        changes_ = find_changes(*link_.session, plan_);
        for (const auto& change : changes_) {
            const auto& desired = *change.desired;
            reporter_.log(link_.name(), "info",
                          change.before ? fmt::format("changed: {} ({:.12} -> {:.12})", desired.dest,
                                                      change.before_sha256, desired.sha256)
                                        : fmt::format("new: {} ({:.12})", desired.dest, desired.sha256));
        }
        auto up_to_date = plan_.files.size() - changes_.size();
        return StepResult::success(fmt::format("{} of {} files to change, {} up to date", changes_.size(),
                                               plan_.files.size(), up_to_date));
    });
}

bool NodeRollout::disturbs_traffic() const {
    auto services = affected_services(pair_, changes_);
    return std::any_of(services.begin(), services.end(), [](const config::Service* s) { return s->carries_traffic; });
}

StepResult NodeRollout::pre_flight(Reporter& log, WaitTimes& waits) {
    if (auto left = files_.stage(changes_); left > 0) {
        log.log(link_.name(), "info", fmt::format("removed {} staged file(s) a job that did not finish left", left));
    }
    if (changes_.empty()) return StepResult::skipped("up to date");
    auto validated = validate_staged(link_, affected_services(pair_, changes_), files_.staged(), log, waits);
    validated_in_pre_flight_ = validated.in_namespace;
    if (!validated.in_namespace) {
        log.log(link_.name(), "info", validated.result.message + "; validating after the install instead");
        return StepResult::success(fmt::format("{} file(s) staged; not validated: {}", changes_.size(),
                                               validated.result.message));
    }
    if (!validated.result.passed()) {
        files_.discard_staged();
        return validated.result;
    }
    return StepResult::success(fmt::format("{} file(s) staged; {}", changes_.size(), validated.result.message));
}

StepResult NodeRollout::deploy() {
    if (changes_.empty()) {
        verified_ = true;
        return StepResult::skipped("up to date");
    }
    auto services = affected_services(pair_, changes_);
    auto backup = step(StepName::backup, [&] {
        // The files were read at the compare, before the pre-flight (and, on
        // the old MASTER, before the other node's whole deploy): a hand edit
        // since then must not be overwritten, nor "restored" from stale bytes.
        auto unchanged = link_.session->run(RemoteFiles::unchanged_check(changes_));
        if (!unchanged.succeeded()) return StepResult::failure(describe_failure("compare again", unchanged));
        files_.back_up(changes_);
        // From here until the node is verified, the node itself says so.
        journal_.backup_directory = files_.backup_directory();
        journal_.services.clear();
        for (const auto* service : services) journal_.services.push_back(service->name);
        NodeJournal(*link_.session).stage(journal_);  // made the entry by install's first command
        return StepResult::success(fmt::format("{} file(s) to {}", changes_.size(), files_.backup_directory()));
    });
    if (!backup.passed()) {
        verified_ = true;  // nothing was written to the targets yet
        return backup;
    }
    auto install = step(StepName::install, [&] {
        if (files_.staged().empty()) {  // not staged by a pre-flight: validated after the install
            files_.stage(changes_);
            validated_in_pre_flight_ = false;
        }
        files_.install_staged(NodeJournal(*link_.session).commit_command());
        return StepResult::success(fmt::format("{} file(s) installed", changes_.size()));
    });
    if (!install.passed()) {
        restore(false);
        return install;
    }
    // What the pre-flight validated is what got installed (a rename of the
    // staged file): validated again only where asked, or where it could not be.
    std::vector<const config::Service*> to_validate;
    for (const auto* service : services) {
        if (!validated_in_pre_flight_ || service->validate_after_install) to_validate.push_back(service);
    }
    if (!to_validate.empty()) {
        auto validate = step(StepName::validate, [&] { return validate_services(link_, to_validate, reporter_, waits_); });
        if (!validate.passed()) {
            restore(false);  // nothing was reloaded: the daemons still run the old files
            return validate;
        }
    }
    auto reload = step(StepName::reload, [&] { return reload_services(link_, services, reporter_, waits_, reload_timeout_); });
    if (!reload.passed()) {
        restore(true);
        return reload;
    }
    auto post_check = step(StepName::post_check, [&] {
        auto checked = run_node_checks(pair_, link_, reporter_, waits_);
        if (checked.passed() && !hold_journal_) NodeJournal(*link_.session).close();
        return checked;
    });
    if (!post_check.passed()) {
        restore(true);
        return post_check;
    }
    verified_ = true;
    return StepResult::success(fmt::format("{} file(s), reloaded {}", changes_.size(), service_names(services)));
}

void NodeRollout::close_journal() {
    if (changes_.empty() || !hold_journal_) return;  // nothing was opened, or it is closed already
    hold_journal_ = false;
    try {
        NodeJournal(*link_.session).close();
    } catch (const std::exception& e) {
        // The node is verified: an entry left open only makes the next job
        // put it back and deploy it again.
        reporter_.log(link_.name(), "error",
                      fmt::format("the journal entry could not be closed ({}); the next job recovers this node first",
                                  e.what()));
    }
}

StepResult NodeRollout::roll_back() {
    if (changes_.empty()) return StepResult::skipped("nothing was changed");
    verified_ = false;
    return restore(true);
}

StepResult NodeRollout::restore(bool reload) {
    return step(StepName::restore, [&] {
        NodeJournal(*link_.session).write(journal_);  // already open, unless rolling back a verified node
        auto mismatched = files_.put_back(changes_);
        if (!mismatched.empty()) {
            return StepResult::failure(fmt::format("restore NOT verified for {} (backup in {})",
                                                   fmt::join(mismatched, ", "), files_.backup_directory()));
        }
        reporter_.log(link_.name(), "info",
                      fmt::format("{} file(s) restored and verified by sha256", changes_.size()));
        auto close_journal = [&] {
            verified_ = true;
            hold_journal_ = false;
            NodeJournal(*link_.session).close();
        };
        if (!reload) {
            close_journal();
            return StepResult::success(fmt::format("{} file(s) restored, verified", changes_.size()));
        }
        auto services = affected_services(pair_, changes_);
        auto reloaded = reload_services(link_, services, reporter_, waits_, reload_timeout_);
        if (!reloaded.passed()) return StepResult::failure("files restored, but the reload failed: " + reloaded.message);
        auto checked = run_node_checks(pair_, link_, reporter_, waits_);
        if (!checked.passed()) return StepResult::failure("files restored and reloaded, but " + checked.message);
        close_journal();
        return StepResult::success(fmt::format("{} file(s) restored, verified, {}", changes_.size(), reloaded.message));
    });
}

StepResult NodeRollout::show_diff() {
    return step(StepName::diff, [&] {
        changes_ = find_changes(*link_.session, plan_);
        for (const auto& change : changes_) {
            const auto& desired = *change.desired;
            std::string before = change.before ? change.before->content : std::string();
            auto diff = transport::unified_diff(before, desired.content, change.before ? desired.dest : "/dev/null",
                                     desired.dest);
            if (!change.content_changed) diff = fmt::format("mode of {} becomes {:04o}\n", desired.dest, *desired.mode);
            for (auto line : common::split_lines(diff)) reporter_.log(link_.name(), "diff", line);
        }
        auto services = affected_services(pair_, changes_);
        if (changes_.empty()) return StepResult::success("up to date: nothing would change");
        return StepResult::success(fmt::format("{} file(s) would change; would reload {}", changes_.size(),
                                               service_names(services)));
    });
}

}  // namespace lbdeploy::rollout
