#pragma once
// RAII over SQLite: a connection, prepared statements (cached per connection)
// and transactions. The only header of ours that names sqlite3 types, and only
// as forward declarations; sqlite3.h is included by sqlite.cpp alone.
//
// Errors: every SQLite failure throws StorageError (an infrastructure fault,
// caught at the edge). Thread safety: a Database and its Statements belong to
// one thread at a time; open one Database per thread.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace lbdeploy::storage {

class StorageError : public std::runtime_error {
public:
    StorageError(int code, const std::string& message);
    int code() const { return code_; }  // the SQLite result code
    bool is_busy() const;

private:
    int code_;
};

struct DatabaseCloser {
    void operator()(sqlite3* db) const noexcept;
};
struct StatementFinalizer {
    void operator()(sqlite3_stmt* statement) const noexcept;
};
using DatabaseHandle = std::unique_ptr<sqlite3, DatabaseCloser>;
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

class Database;

// A prepared statement borrowed from its Database's cache; on destruction it
// is reset and handed back, so preparing the same SQL again is cheap.
class Statement {
public:
    Statement(Database& db, std::string sql, StatementHandle handle);
    Statement(Statement&&) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    ~Statement();

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value ? 1 : 0)); }
    Statement& bind(int index, std::string_view value);
    Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, std::nullopt_t);
    template <typename T>
    Statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bind(index, std::nullopt);
    }
    // Binds arguments to ?1, ?2, ... in order.
    template <typename... Args>
    Statement& bind_all(const Args&... args) {
        int index = 0;
        (bind(++index, args), ...);
        return *this;
    }

    bool step();  // true while a row is available
    void run();   // steps to completion, ignoring rows

    std::int64_t int64(int column) const;
    int integer(int column) const { return static_cast<int>(int64(column)); }
    std::string text(int column) const;
    bool is_null(int column) const;
    std::optional<std::int64_t> optional_int64(int column) const;

private:
    Database* db_;
    std::string sql_;
    StatementHandle handle_;
};

class Database {
public:
    // Opens (creating when absent) with WAL, a busy timeout and foreign keys on.
    static Database open(const std::filesystem::path& path, int busy_timeout_ms = 5000);

    Database(Database&&) noexcept = default;
    Database& operator=(Database&&) = delete;  // would close a connection with live statements
    ~Database();

    void execute(const std::string& sql);  // one or more statements, no rows
    Statement prepare(const std::string& sql);
    std::int64_t last_insert_rowid() const;
    int changes() const;
    const std::filesystem::path& path() const { return path_; }

private:
    friend class Statement;
    Database(DatabaseHandle handle, std::filesystem::path path);
    [[noreturn]] void fail(int code, const std::string& context) const;
    void give_back(std::string sql, StatementHandle handle) noexcept;

    // Statements die before the connection: the cache is declared after it.
    DatabaseHandle handle_;
    std::filesystem::path path_;
    std::unordered_map<std::string, StatementHandle> cache_;
};

// A transaction that rolls back in its destructor unless committed.
// `immediate` takes the write lock at BEGIN, so two claimers serialize there
// instead of failing to upgrade a read lock later.
class Transaction {
public:
    enum class Mode { deferred, immediate };
    explicit Transaction(Database& db, Mode mode = Mode::immediate);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    void commit();

private:
    Database& db_;
    bool open_ = true;
};

}  // namespace lbdeploy::storage
