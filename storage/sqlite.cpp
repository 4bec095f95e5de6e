#include "storage/sqlite.hpp"

#include <chrono>
#include <cstdint>
#include <thread>

#include <sqlite3.h>

#include <fmt/format.h>

#include <cstdio>

namespace lbdeploy::storage {

StorageError::StorageError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}

bool StorageError::is_busy() const {
    int primary = code_ & 0xff;
    return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

void DatabaseCloser::operator()(sqlite3* db) const noexcept {
    if (sqlite3_close(db) != SQLITE_OK) {
        // Destructors never throw; an unfinalized statement is a bug worth seeing.
        std::fprintf(stderr, "lbdeploy: sqlite3_close failed: %s\n", sqlite3_errmsg(db));
    }
}

void StatementFinalizer::operator()(sqlite3_stmt* statement) const noexcept { sqlite3_finalize(statement); }

Statement::Statement(Database& db, std::string sql, StatementHandle handle)
    : db_(&db), sql_(std::move(sql)), handle_(std::move(handle)) {}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), sql_(std::move(other.sql_)), handle_(std::move(other.handle_)) {}

Statement::~Statement() {
    if (handle_) {
        sqlite3_reset(handle_.get());
        sqlite3_clear_bindings(handle_.get());
        db_->give_back(std::move(sql_), std::move(handle_));
    }
}

Statement& Statement::bind(int index, std::int64_t value) {
    if (int rc = sqlite3_bind_int64(handle_.get(), index, value); rc != SQLITE_OK) db_->fail(rc, "bind");
    return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
    int rc = sqlite3_bind_text64(handle_.get(), index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK) db_->fail(rc, "bind");
    return *this;
}

Statement& Statement::bind(int index, std::nullopt_t) {
    if (int rc = sqlite3_bind_null(handle_.get(), index); rc != SQLITE_OK) db_->fail(rc, "bind");
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(handle_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    db_->fail(rc, sql_);
}

void Statement::run() {
    while (step()) {
    }
}

std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(handle_.get(), column); }

std::string Statement::text(int column) const {
    const auto* data = sqlite3_column_text(handle_.get(), column);
    auto size = sqlite3_column_bytes(handle_.get(), column);
    return data ? std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size)) : std::string();
}

bool Statement::is_null(int column) const { return sqlite3_column_type(handle_.get(), column) == SQLITE_NULL; }

std::optional<std::int64_t> Statement::optional_int64(int column) const {
    return is_null(column) ? std::nullopt : std::optional<std::int64_t>(int64(column));
}

namespace {

// Waits for a lock held by another connection. SQLite's own handler sleeps
// 1, 2, 5, 10... ms between tries; our transactions hold the lock for a few
// hundred microseconds, so that cost a webhook's reply whole milliseconds.
// This one retries every 50 µs at first, then backs off to 1 ms. `timeout`
// is the total wait in ms, carried in the handler's pointer argument.
int wait_for_lock(void* timeout, int attempt) {
    auto limit_us = static_cast<std::int64_t>(reinterpret_cast<std::intptr_t>(timeout)) * 1000;
    std::int64_t a = attempt;
    auto waited_us = a < 100 ? a * 50 : a < 200 ? 5'000 + (a - 100) * 200 : 25'000 + (a - 200) * 1'000;
    if (waited_us >= limit_us) return 0;
    std::this_thread::sleep_for(std::chrono::microseconds(a < 100 ? 50 : a < 200 ? 200 : 1'000));
    return 1;
}

}  // namespace

Database::Database(DatabaseHandle handle, std::filesystem::path path)
    : handle_(std::move(handle)), path_(std::move(path)) {}

Database::~Database() { cache_.clear(); }

Database Database::open(const std::filesystem::path& path, int busy_timeout_ms) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    DatabaseHandle handle(raw);
    if (rc != SQLITE_OK) {
        throw StorageError(rc, fmt::format("cannot open database {}: {}", path.string(),
                                           raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    }
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_handler(raw, wait_for_lock, reinterpret_cast<void*>(static_cast<std::intptr_t>(busy_timeout_ms)));
    Database db(std::move(handle), path);
    // WAL lets readers (the API, `lbdeploy jobs`) run while the worker writes;
    // synchronous=NORMAL is durable across process crashes in WAL mode.
    db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
    return db;
}

void Database::execute(const std::string& sql) {
    char* message = nullptr;
    int rc = sqlite3_exec(handle_.get(), sql.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        std::string text = message ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        throw StorageError(rc, fmt::format("{}: {}", path_.string(), text));
    }
}

Statement Database::prepare(const std::string& sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) {
        auto handle = std::move(it->second);
        cache_.erase(it);
        return Statement(*this, sql, std::move(handle));
    }
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(handle_.get(), sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                &raw, nullptr);
    StatementHandle handle(raw);
    if (rc != SQLITE_OK) fail(rc, sql);
    return Statement(*this, sql, std::move(handle));
}

void Database::give_back(std::string sql, StatementHandle handle) noexcept {
    try {
        cache_.try_emplace(std::move(sql), std::move(handle));
    } catch (...) {
        // Out of memory while caching: the statement is simply finalized.
    }
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(handle_.get()); }

int Database::changes() const { return sqlite3_changes(handle_.get()); }

void Database::fail(int code, const std::string& context) const {
    throw StorageError(code, fmt::format("{}: {} ({})", path_.string(), sqlite3_errmsg(handle_.get()), context));
}

Transaction::Transaction(Database& db, Mode mode) : db_(db) {
    db_.execute(mode == Mode::immediate ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
    if (open_) {
        try {
            db_.execute("ROLLBACK");
        } catch (const StorageError& error) {
            std::fprintf(stderr, "lbdeploy: rollback failed: %s\n", error.what());
        }
    }
}

void Transaction::commit() {
    db_.execute("COMMIT");
    open_ = false;
}

}  // namespace lbdeploy::storage
