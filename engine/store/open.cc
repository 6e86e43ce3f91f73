#include "store/open.h"

#include <sqlite3.h>

#include <cctype>

#include "store/postgres.h"
#include "store/sqlite_store.h"

namespace riskreg {

void configure_store_process() {
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);  // SQLITE_MISUSE once SQLite is in use: defaults stay
}

bool is_postgres_url(const std::string& db) {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

std::string redact_url(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  std::string out = url;
  // The authority ends at the first '/', '?' or '#'; a password may itself hold '@' or ':',
  // so the user part is everything before the authority's last '@'.
  size_t start = scheme + 3, end = out.find_first_of("/?#", start);
  if (end == std::string::npos) end = out.size();
  auto at = out.rfind('@', end - 1);
  if (at != std::string::npos && at >= start) {
    auto colon = out.find(':', start);
    if (colon != std::string::npos && colon < at) {
      out.replace(colon + 1, at - colon - 1, "***");
      end = out.find_first_of("/?#", start);
      if (end == std::string::npos) end = out.size();
    }
  }
  // Query parameters: any key naming a password (password, sslpassword) keeps its name only.
  auto q = out.find('?', end);
  if (q == std::string::npos) return out;
  auto frag = out.find('#', q);
  std::string query = out.substr(q + 1, frag == std::string::npos ? std::string::npos : frag - q - 1);
  std::string masked;
  for (size_t from = 0; from <= query.size();) {
    size_t amp = query.find('&', from);
    std::string pair = query.substr(from, amp == std::string::npos ? std::string::npos : amp - from);
    auto eq = pair.find('=');
    std::string key = pair.substr(0, eq);
    for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (eq != std::string::npos && key.find("password") != std::string::npos) pair = pair.substr(0, eq + 1) + "***";
    masked += (from ? "&" : "") + pair;
    if (amp == std::string::npos) break;
    from = amp + 1;
  }
  return out.substr(0, q + 1) + masked + (frag == std::string::npos ? "" : out.substr(frag));
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
