#pragma once
// GitLab webhook deliveries, recorded before the reply so a redelivery (same
// dedupe key) is recognised and creates nothing.

#include <vector>

#include "storage/job.hpp"
#include "storage/sqlite.hpp"

namespace lbdeploy::storage {

struct NewDelivery {
    std::string dedupe_key;  // Idempotency-Key, else "project|ref|after"
    std::string event;       // X-Gitlab-Event
    std::string project;
    std::string ref;
    std::string after;
    std::string repository;    // the configured repository it matched; empty = none
    std::string before;        // push: the previous head
    std::string requested_by;  // GitLab user name
};

struct Delivery {
    std::int64_t id = 0;
    std::string dedupe_key;
    std::string event;
    std::string project;
    std::string ref;
    std::string after;
    TimeMs received_at = 0;
    std::string outcome;  // received | planning | queued | ignored | failed | duplicate ...
    std::string detail;
    std::string repository;
    std::string before;
    std::string requested_by;
};

struct RecordResult {
    std::int64_t id = 0;
    bool is_new = false;  // false: a delivery with the same key was seen before
};

class DeliveryStore {
public:
    explicit DeliveryStore(Database& db) : db_(db) {}

    RecordResult record(const NewDelivery& delivery);
    void set_outcome(std::int64_t id, const std::string& outcome, const std::string& detail);
    std::optional<Delivery> find(std::int64_t id);
    std::vector<Delivery> recent(int limit);
    // Accepted but not yet worked out (the server stopped in between), oldest first.
    std::vector<Delivery> unplanned();
    // Marks `received` deliveries as being planned, in one transaction, so a
    // process that dies while planning them (a huge blob, a git bomb, an OOM
    // kill) leaves a mark instead of a delivery that is planned again at each start.
    void mark_planning(const std::vector<std::int64_t>& ids);
    // Marks every delivery left `planning` by a dead process `failed`; returns their ids.
    std::vector<std::int64_t> fail_abandoned_planning(const std::string& detail);
    // For /metrics: deliveries by outcome, and the last delivery time per project.
    std::vector<std::pair<std::string, std::int64_t>> count_by_outcome();
    std::vector<std::pair<std::string, TimeMs>> last_received_by_project();

private:
    Database& db_;
};

}  // namespace lbdeploy::storage
