#pragma once
/// The SQLite schema as numbered, forward-only migrations. `PRAGMA user_version` holds
/// the number of the last migration applied; the pending migrations run in one transaction
/// that holds the write lock while it re-reads the version (safe when processes race).
#include <string>
#include <vector>

namespace SQLite {
class Database;
}

namespace riskreg {

/// The schema version this riskreg writes.
int current_schema_version();

/// Applies every migration newer than the database's user_version. Throws Error(Schema)
/// if the database is newer than this riskreg.
void migrate(SQLite::Database& db, const std::string& path);

}  // namespace riskreg
