#include "register/create.h"

#include <unistd.h>

#include <filesystem>

#include "core/error.h"
#include "data/register_loader.h"
#include "register/rules_bundle.h"
#include "store/open.h"
#include "store/postgres.h"
#include "store/sqlite_store.h"

namespace fs = std::filesystem;

namespace riskreg {

CreateResult create_register(const CreateRequest& req, const Clock& clock) {
  auto rules = read_rules_dir(req.rules_dir);
  // Every rules file and template is checked before anything is written: a register whose
  // stored rules a later command refuses would be unusable for reads.
  validate_rules(rules);
  validate_templates(req.rules_dir);
  Matrix matrix = matrix_from(rules);
  RegisterData data = load_register_dir(req.data_dir, matrix);
  std::string reason = "Initial score from the data folder " + fs::path(req.data_dir).filename().string();
  if (backend_of(req.db_path) == Backend::Postgres) {
    // One transaction on the server does what the temporary file does for SQLite.
    return {postgres().create(req.db_path, data, rules, req.by, clock.now(), reason, req.force), matrix.name};
  }
  std::string db_path = sqlite_path(req.db_path);
  if (fs::exists(db_path) && !req.force)
    throw Error(ErrorKind::Conflict,
                db_path + " already holds a register; use --force to replace it (its history will be lost)");

  fs::path target = fs::absolute(db_path);
  fs::path tmp = target;
  tmp += ".init-" + std::to_string(::getpid());
  auto cleanup = [&] {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(tmp.string() + suffix, ec);
  };
  cleanup();
  CreateResult result;
  try {
    {
      SqliteStore store(tmp.string(), SqliteStore::Mode::Create);
      store.create(data, rules, req.by, clock.now(), reason);
      result.counts = store.counts();
    }  // closing the last connection checkpoints and removes the WAL
    std::error_code ec;
    for (const char* suffix : {"-wal", "-shm"}) fs::remove(target.string() + suffix, ec);
    fs::rename(tmp, target);
  } catch (...) {
    cleanup();
    throw;
  }
  result.matrix_name = matrix.name;
  return result;
}

}  // namespace riskreg
