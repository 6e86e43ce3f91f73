#pragma once
/// `riskreg migrate`: copies an SQLite register into an empty PostgreSQL database, table
/// by table and row by row, keeping every id, time and audit entry verbatim, so the audit
/// chain's head is the same on both sides. Verifies the chain (and the history against it)
/// on the source before copying and on the target after, and compares the heads.
#include <cstdint>
#include <string>

#include "store/store.h"

namespace riskreg {

struct CopyReport {
  RegisterCounts counts;     ///< of the target, after the copy
  int64_t rows = 0;          ///< rows copied, all tables
  std::string head;          ///< the audit chain's head, the same on both sides
};

/// Throws Error(Tampered) if the source does not verify, Error(Conflict) if the target
/// already holds a register, Error(Internal) if the source has a table the PostgreSQL
/// schema does not (nothing is then written), Error(Tampered) if the copy does not verify
/// (the copy is then rolled back).
CopyReport copy_sqlite_to_pg(const std::string& sqlite_path, const std::string& pg_url);

/// Creates the riskreg roles and applies the grants and row-level security of
/// docs/postgresql.md to the register at `pg_url` (which needs a role that may create roles).
void apply_pg_roles(const std::string& pg_url);

}  // namespace riskreg
