// The entry point of riskreg-postgres.so (store/postgres.h, core/module.h).
#include "store/pg_copy.h"
#include "store/pg_store.h"
#include "store/postgres.h"

extern "C" const riskreg::PostgresModule* riskreg_postgres_module();

namespace riskreg {
namespace {

PgStore::Mode pg_mode(StoreMode mode) { return mode == StoreMode::Open ? PgStore::Mode::Open : PgStore::Mode::Create; }

const PostgresModule kTable{
    [](const std::string& url, StoreMode mode) -> std::unique_ptr<Store> {
      return std::make_unique<PgStore>(url, pg_mode(mode));
    },
    [](const std::string& url, const RegisterData& data, const std::vector<RulesFile>& rules, const std::string& by,
       Timestamp at, const std::string& reason, bool replace) {
      PgStore store(url, PgStore::Mode::Create);
      if (replace)
        store.replace(data, rules, by, at, reason);
      else
        store.create(data, rules, by, at, reason);
      return store.counts();
    },
    [](const std::string& url, const RegisterData& data, const std::vector<RulesFile>& rules, const std::string& by,
       Timestamp at, const std::string& reason, const std::vector<NewAssessment>& rescores, bool replace) {
      PgStore store(url, PgStore::Mode::Create);
      store.create_with_history(data, rules, by, at, reason, rescores, replace);
      return store.counts();
    },
    copy_sqlite_to_pg,
    copy_pg_to_sqlite,
    apply_pg_roles,
};

}  // namespace
}  // namespace riskreg

extern "C" const riskreg::PostgresModule* riskreg_postgres_module() { return &riskreg::kTable; }
