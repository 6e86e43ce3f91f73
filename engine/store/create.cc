#include "store/create.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>

#include "audit/events.h"
#include "core/error.h"
#include "store/open.h"
#include "store/postgres.h"
#include "store/sqlite_store.h"

namespace fs = std::filesystem;

namespace riskreg {

namespace {

/// The SQLite way: fill a temporary file beside the target, then rename it into place.
RegisterCounts create_sqlite(const std::string& db_path, NewRegister reg, bool replace) {
  refuse_existing(db_path, replace);
  fs::path target = fs::absolute(db_path);
  fs::path tmp = target;
  tmp += ".new-" + std::to_string(::getpid());
  auto cleanup = [&] {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(tmp.string() + suffix, ec);
  };
  cleanup();
  RegisterCounts counts;
  try {
    {
      SqliteStore store(tmp.string(), SqliteStore::Mode::Create);
      store.create(reg.data, reg.rules, reg.by, reg.at, reg.reason);
      reg.data = {};  // the in-memory copy is not needed any more
      if (!reg.rescores.empty()) store.append_assessments(reg.rescores);
      counts = store.counts();
    }  // closing the last connection checkpoints and removes the WAL
    std::error_code ec;
    for (const char* suffix : {"-wal", "-shm"}) fs::remove(target.string() + suffix, ec);
    fs::rename(tmp, target);
    // The commit was logged with the temporary file's name: say where it now is.
    spdlog::info("moved {} into place as {}", tmp.string(), target.string());
  } catch (...) {
    cleanup();
    throw;
  }
  return counts;
}

}  // namespace

void refuse_existing(const std::string& db, bool replace) {
  if (backend_of(db) == Backend::Sqlite && !replace && fs::exists(sqlite_path(db)))
    throw Error(ErrorKind::Conflict, events::register_exists(sqlite_path(db)));
}

RegisterCounts create_store(const std::string& db, NewRegister reg, bool replace) {
  if (backend_of(db) == Backend::Postgres)
    // One transaction on the server does what the temporary file does for SQLite; an
    // existing register is replaced only with `replace` (PgStore refuses otherwise).
    return postgres().create_with_history(db, reg.data, reg.rules, reg.by, reg.at, reg.reason, reg.rescores, replace);
  return create_sqlite(sqlite_path(db), std::move(reg), replace);
}

}  // namespace riskreg
