#pragma once
// The job store's schema and its migrations, keyed on PRAGMA user_version.

#include "storage/sqlite.hpp"

namespace lbdeploy::storage {

// The schema version this build writes.
int current_schema_version();

// Brings the database up to `version` (default current_schema_version()) in
// one transaction per step; a lower `version` is how tests make an old store
// to migrate. Throws StorageError when the file was written by a newer
// lbdeploy (downgrades are refused rather than guessed at).
void migrate(Database& db, int version = current_schema_version());

}  // namespace lbdeploy::storage

namespace lbdeploy::storage {

// Opens the database file (creating it and its directory when absent) and
// migrates it. Each thread that touches the store opens its own.
Database open_store(const std::filesystem::path& path);

}  // namespace lbdeploy::storage
