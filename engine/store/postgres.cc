#include "store/postgres.h"

#include "core/module.h"

// Defined by the module's own code (store/pg_entry.cc); null unless this program links it.
extern "C" const riskreg::PostgresModule* riskreg_postgres_module() __attribute__((weak));

namespace riskreg {

const PostgresModule& postgres() {
  return module_table<PostgresModule>(riskreg_postgres_module, "postgres", "riskreg_postgres_module",
                                      "PostgreSQL registers");
}

}  // namespace riskreg
