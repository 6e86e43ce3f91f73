#pragma once
/// Creating or replacing a whole register (init, init --force, generate) as one store
/// operation: the caller names the register and hands over its content; which backend
/// holds it, and how it is swapped in atomically, stays behind this call.
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/store.h"

namespace riskreg {

/// A register to create: its data and rules with the "create" entry's who, when and why,
/// and optionally a history of re-scores appended after it (`generate`).
struct NewRegister {
  RegisterData data;
  std::vector<RulesFile> rules;
  std::string by;
  Timestamp at;
  std::string reason;
  std::vector<NewAssessment> rescores;
};

/// Creates the register `db` names (a path, `sqlite:PATH` or a `postgresql://` URL), or with
/// `replace` replaces the one it holds, so that a failure leaves any existing register exactly
/// as it was: an SQLite register is built in a temporary file beside its target and renamed
/// into place; a PostgreSQL one is written in one server-side transaction. Throws
/// Error(Conflict) when a register exists there and `replace` is false. `reg` is consumed (its
/// data is released once written, before the history). Returns the counts after.
/// Throws what create_store would when a register exists at `db` and `replace` is false, where
/// that can be told without a connection (an SQLite file); a quick check before slow work.
void refuse_existing(const std::string& db, bool replace);

RegisterCounts create_store(const std::string& db, NewRegister reg, bool replace);

}  // namespace riskreg
