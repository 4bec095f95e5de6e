#include <doctest/doctest.h>

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
    CHECK(pragma_int(db, "busy_timeout") == 5000);
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
