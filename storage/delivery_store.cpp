#include "storage/delivery_store.hpp"

namespace lbdeploy::storage {

namespace {
constexpr const char* delivery_columns =
    "SELECT id, dedupe_key, event, project, ref, after_sha, received_at, outcome, detail, repository, "
    "before_sha, requested_by FROM deliveries ";

Delivery read_delivery(const Statement& row) {
    return {row.int64(0), row.text(1), row.text(2), row.text(3),  row.text(4),  row.text(5),
            row.int64(6), row.text(7), row.text(8), row.text(9), row.text(10), row.text(11)};
}
}  // namespace

RecordResult DeliveryStore::record(const NewDelivery& delivery) {
    auto insert = db_.prepare(
        "INSERT INTO deliveries (dedupe_key, event, project, ref, after_sha, received_at, repository, before_sha, "
        "requested_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id");
    insert.bind_all(delivery.dedupe_key, delivery.event, delivery.project, delivery.ref, delivery.after, now_ms(),
                    delivery.repository, delivery.before, delivery.requested_by);
    if (insert.step()) {
        return {insert.int64(0), true};
    }
    auto existing = db_.prepare("SELECT id FROM deliveries WHERE dedupe_key = ?1");
    existing.bind_all(delivery.dedupe_key);
    existing.step();
    return {existing.int64(0), false};
}

void DeliveryStore::set_outcome(std::int64_t id, const std::string& outcome, const std::string& detail) {
    db_.prepare("UPDATE deliveries SET outcome = ?1, detail = ?2 WHERE id = ?3").bind_all(outcome, detail, id).run();
}

std::optional<Delivery> DeliveryStore::find(std::int64_t id) {
    auto query = db_.prepare(std::string(delivery_columns) + "WHERE id = ?1");
    query.bind_all(id);
    return query.step() ? std::optional<Delivery>(read_delivery(query)) : std::nullopt;
}

std::vector<Delivery> DeliveryStore::recent(int limit) {
    auto query = db_.prepare(std::string(delivery_columns) + "ORDER BY id DESC LIMIT ?1");
    query.bind_all(limit);
    std::vector<Delivery> deliveries;
    while (query.step()) deliveries.push_back(read_delivery(query));
    return deliveries;
}

std::vector<Delivery> DeliveryStore::unplanned() {
    auto query = db_.prepare(std::string(delivery_columns) + "WHERE outcome = 'received' ORDER BY id");
    std::vector<Delivery> deliveries;
    while (query.step()) deliveries.push_back(read_delivery(query));
    return deliveries;
}

void DeliveryStore::mark_planning(const std::vector<std::int64_t>& ids) {
    Transaction transaction(db_);
    for (auto id : ids) {
        db_.prepare("UPDATE deliveries SET outcome = 'planning' WHERE id = ?1 AND outcome = 'received'").bind_all(id).run();
    }
    transaction.commit();
}

std::vector<std::int64_t> DeliveryStore::fail_abandoned_planning(const std::string& detail) {
    Transaction transaction(db_);
    std::vector<std::int64_t> ids;
    auto query = db_.prepare("SELECT id FROM deliveries WHERE outcome = 'planning' ORDER BY id");
    while (query.step()) ids.push_back(query.int64(0));
    for (auto id : ids) set_outcome(id, "failed", detail);
    transaction.commit();
    return ids;
}

std::vector<std::pair<std::string, std::int64_t>> DeliveryStore::count_by_outcome() {
    auto query = db_.prepare("SELECT outcome, count(*) FROM deliveries GROUP BY outcome ORDER BY outcome");
    std::vector<std::pair<std::string, std::int64_t>> counts;
    while (query.step()) counts.emplace_back(query.text(0), query.int64(1));
    return counts;
}

std::vector<std::pair<std::string, TimeMs>> DeliveryStore::last_received_by_project() {
    auto query = db_.prepare(
        "SELECT project, max(received_at) FROM deliveries WHERE project != '' GROUP BY project ORDER BY project");
    std::vector<std::pair<std::string, TimeMs>> times;
    while (query.step()) times.emplace_back(query.text(0), query.int64(1));
    return times;
}

}  // namespace lbdeploy::storage
