#pragma once
/// Choosing the store from the `--db` value: a path (or `sqlite:PATH`) is an SQLite file,
/// a `postgresql://` or `postgres://` connection string is a PostgreSQL database.
#include <memory>
#include <string>

#include "store/store.h"

namespace riskreg {

enum class StoreMode {
  Open,    ///< the register must exist (Error NoDatabase otherwise)
  Create,  ///< a new register: a file that must not exist, or a database without one
};

enum class Backend { Sqlite, Postgres };

/// True for a `postgresql://` or `postgres://` connection string.
bool is_postgres_url(const std::string& db);

/// `url` with every password (user part, `password=` and `sslpassword=` query parameters)
/// replaced by `***`, for messages.
std::string redact_url(const std::string& url);

/// Which backend `db` names.
Backend backend_of(const std::string& db);

/// The SQLite path `db` names (`sqlite:PATH` → `PATH`, anything else as is).
std::string sqlite_path(const std::string& db);

/// The stores' process-wide settings, for a program's main() before it opens any register
/// (so that no caller names a backend): SQLite's memory statistics off (riskreg never reads
/// them, and keeping them takes one process-wide lock on every allocation, which two scanning
/// threads contend for). Harmless when called late or twice: SQLite then keeps its defaults.
void configure_store_process();

/// The store `db` names. A PostgreSQL store comes from the riskreg-postgres module
/// (store/postgres.h), loaded here the first time one is opened.
std::unique_ptr<Store> open_store(const std::string& db, StoreMode mode);

}  // namespace riskreg
