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
};

struct Delivery {
    std::int64_t id = 0;
    std::string dedupe_key;
    std::string event;
    std::string project;
    std::string ref;
    std::string after;
    TimeMs received_at = 0;
    std::string outcome;  // received | queued | ignored | failed | duplicate ...
    std::string detail;
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

private:
    Database& db_;
};

}  // namespace lbdeploy::storage
