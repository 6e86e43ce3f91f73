#include "store/open.h"

#include "store/pg_store.h"
#include "store/sqlite_store.h"

namespace riskreg {

Backend backend_of(const std::string& db) { return is_postgres_url(db) ? Backend::Postgres : Backend::Sqlite; }

std::string sqlite_path(const std::string& db) {
  if (db.rfind("sqlite:", 0) == 0) return db.substr(7);
  return db;
}

std::unique_ptr<Store> open_store(const std::string& db, StoreMode mode) {
  if (backend_of(db) == Backend::Postgres)
    return std::make_unique<PgStore>(db, mode == StoreMode::Open ? PgStore::Mode::Open : PgStore::Mode::Create);
  return std::make_unique<SqliteStore>(sqlite_path(db),
                                       mode == StoreMode::Open ? SqliteStore::Mode::Open : SqliteStore::Mode::Create);
}

}  // namespace riskreg
