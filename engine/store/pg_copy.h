#pragma once
/// `riskreg migrate`: copies an SQLite register into an empty PostgreSQL database, one COPY
/// per table in one transaction, keeping every id, time and audit entry verbatim, so the
/// audit chain's head is the same on both sides. Verifies the chain and the history against
/// it on the source (one read snapshot) before copying; before committing, checks each
/// table's row count, walks the copied chain to the source's head and compares the copied
/// history (assessments and changes) with the source's row by row.
#include <cstdint>
#include <string>

#include "store/store.h"

namespace riskreg {

struct CopyReport {
  RegisterCounts counts;  ///< of the target, after the copy
  int64_t rows = 0;       ///< rows copied, all tables
  std::string head;       ///< the audit chain's head, the same on both sides
};

/// Throws Error(Tampered) if the source does not verify, Error(Conflict) if the target
/// already holds a register, Error(Internal) if the source has a table the PostgreSQL
/// schema does not (nothing is then written), Error(Tampered) if the copy does not verify
/// (the copy is then rolled back).
CopyReport copy_sqlite_to_pg(const std::string& sqlite_path, const std::string& pg_url);

/// `riskreg migrate` the other way: copies the PostgreSQL register at `pg_url` into a new
/// SQLite file, every table of the SQLite schema from its counterpart (ids, times and audit
/// entries verbatim), in one read snapshot and one write transaction. Throws Error(Tampered)
/// if the source does not verify or the copy does not verify with the source's head (the
/// file is then removed), Error(Conflict) if `sqlite_path` exists.
CopyReport copy_pg_to_sqlite(const std::string& pg_url, const std::string& sqlite_path);

/// Creates the riskreg roles and applies the grants and row-level security of
/// docs/postgresql.md to the register at `pg_url` (which needs a role that may create roles).
void apply_pg_roles(const std::string& pg_url);

}  // namespace riskreg
