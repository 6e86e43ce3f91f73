#include "store/open.h"

#include <sqlite3.h>

#include "store/postgres.h"
#include "store/sqlite_store.h"

namespace riskreg {

void configure_sqlite_process() {
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);  // SQLITE_MISUSE once SQLite is in use: defaults stay
}

bool is_postgres_url(const std::string& db) {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

std::string redact_url(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  auto at = url.find('@', scheme + 3);
  if (at == std::string::npos) return url;
  auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

Backend backend_of(const std::string& db) { return is_postgres_url(db) ? Backend::Postgres : Backend::Sqlite; }

std::string sqlite_path(const std::string& db) {
  if (db.rfind("sqlite:", 0) == 0) return db.substr(7);
  return db;
}

std::unique_ptr<Store> open_store(const std::string& db, StoreMode mode) {
  if (backend_of(db) == Backend::Postgres) return postgres().open(db, mode);
  return std::make_unique<SqliteStore>(sqlite_path(db),
                                       mode == StoreMode::Open ? SqliteStore::Mode::Open : SqliteStore::Mode::Create);
}

}  // namespace riskreg
