#pragma once
/// The PostgreSQL schema: the same tables as the SQLite one (store/schema.h) in
/// PostgreSQL's dialect, as numbered, forward-only migrations. `riskreg_meta.schema_version`
/// holds the number of the last migration applied; migrations run in the caller's
/// transaction under an advisory lock, so two riskregs opening one empty database at once
/// cannot both create it.
#include <string>

namespace pqxx {
class dbtransaction;
}

namespace riskreg {

/// The PostgreSQL schema version this riskreg writes.
int pg_current_schema_version();

/// The schema version of the database, 0 when it holds no riskreg tables.
int pg_schema_version(pqxx::dbtransaction& tx);

/// Applies every migration newer than the database's version inside `tx`. Throws
/// Error(Schema) if the database is newer than this riskreg; `where` names it in messages.
void pg_migrate(pqxx::dbtransaction& tx, const std::string& where);

/// Drops every riskreg table (for `init --force`), inside `tx`.
void pg_drop_register(pqxx::dbtransaction& tx);

/// The SQL that creates the roles riskreg_owner, riskreg_manager and riskreg_auditor
/// (if missing) and grants each what it may do, with row-level security on assessments:
/// an owner may append assessments only for risks whose owner is mapped to the
/// connecting database user in `riskreg_users`. Documented in docs/postgresql.md.
const std::string& pg_roles_sql();

}  // namespace riskreg
