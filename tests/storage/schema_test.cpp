#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "storage/schema.hpp"
#include "support/temp_dir.hpp"

using namespace lbdeploy;

namespace {
int pragma_int(storage::Database& db, const std::string& pragma) {
    auto query = db.prepare("PRAGMA " + pragma);
    query.step();
    return query.integer(0);
}
std::string pragma_text(storage::Database& db, const std::string& pragma) {
    auto query = db.prepare("PRAGMA " + pragma);
    query.step();
    return query.text(0);
}
}  // namespace

TEST_CASE("open_store creates the directory, migrates, and turns on WAL and foreign keys") {
    testing::TempDir dir;
    auto db = storage::open_store(dir / "nested/dir/lbdeploy.db");
    CHECK(pragma_int(db, "user_version") == storage::current_schema_version());
    CHECK(pragma_text(db, "journal_mode") == "wal");
    CHECK(pragma_int(db, "foreign_keys") == 1);
}

TEST_CASE("a writer waits for another connection's lock instead of failing, and gives up after its timeout") {
    testing::TempDir dir;
    auto holder = storage::open_store(dir / "lock.db");
    auto waiter = storage::Database::open(dir / "lock.db");
    auto impatient = storage::Database::open(dir / "lock.db", 50);
    holder.execute("BEGIN IMMEDIATE");
    std::thread release([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        holder.execute("COMMIT");
    });
    auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(impatient.execute("BEGIN IMMEDIATE"), storage::StorageError);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(250));
    waiter.execute("BEGIN IMMEDIATE");  // waits for the commit, ~300 ms
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(250));
    waiter.execute("COMMIT");
    release.join();
}

TEST_CASE("migrating twice is a no-op") {
    testing::TempDir dir;
    { auto db = storage::open_store(dir / "a.db"); }
    auto db = storage::open_store(dir / "a.db");
    CHECK(pragma_int(db, "user_version") == storage::current_schema_version());
    CHECK(pragma_text(db, "integrity_check") == "ok");
}

TEST_CASE("a database from a newer lbdeploy is refused, not downgraded") {
    testing::TempDir dir;
    {
        auto db = storage::open_store(dir / "a.db");
        db.execute("PRAGMA user_version = 999");
    }
    try {
        storage::open_store(dir / "a.db");
        FAIL("expected StorageError");
    } catch (const storage::StorageError& error) {
        CHECK(std::string(error.what()).find("newer than this lbdeploy") != std::string::npos);
    }
}

TEST_CASE("a transaction rolls back unless committed") {
    testing::TempDir dir;
    auto db = storage::open_store(dir / "a.db");
    db.execute("CREATE TABLE t (x INTEGER)");
    {
        storage::Transaction transaction(db);
        db.execute("INSERT INTO t VALUES (1)");
    }
    {
        storage::Transaction transaction(db);
        db.execute("INSERT INTO t VALUES (2)");
        transaction.commit();
    }
    auto query = db.prepare("SELECT group_concat(x) FROM t");
    query.step();
    CHECK(query.text(0) == "2");
}

TEST_CASE("SQL errors throw StorageError naming the database") {
    testing::TempDir dir;
    auto db = storage::open_store(dir / "a.db");
    CHECK_THROWS_AS(db.execute("SELECT * FROM no_such_table"), storage::StorageError);
    CHECK_THROWS_WITH_AS(db.prepare("SELEKT 1"), doctest::Contains("a.db"), storage::StorageError);
}
