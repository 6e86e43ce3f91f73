// riskreg migrate: copy an SQLite register into PostgreSQL, or a PostgreSQL one into a new
// SQLite file, verified by the audit chain on both sides (engine/store/pg_copy.h); or, with --roles, set up the
// database roles and row-level security of docs/postgresql.md.
#include <ostream>

#include "commands.h"
#include "core/error.h"
#include "store/open.h"
#include "store/postgres.h"

namespace riskreg::cli {

namespace {
struct MigrateOptions {
  std::string from;
  std::string to;
  bool roles = false;
};
}  // namespace

void add_migrate(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<MigrateOptions>();
  auto* cmd = app.add_subcommand(
      "migrate",
      "Copy an SQLite register into PostgreSQL (--from sqlite:PATH --to postgresql://...) or back into a new "
      "SQLite file (--from postgresql://... --to sqlite:PATH), or set up roles");
  cmd->add_option("--from", opt->from, "The register to copy (sqlite:PATH or PATH, or postgresql://...)");
  cmd->add_option("--to", opt->to,
                  "An empty PostgreSQL database (postgresql://USER@HOST:PORT/DB), or a new SQLite file (sqlite:PATH)");
  cmd->add_flag("--roles", opt->roles,
                "Create the roles riskreg_owner, riskreg_manager, riskreg_auditor and apply their grants and "
                "row-level security to the register at --to (default: --db)");
  cmd->callback([opt, &ctx] {
    if (opt->roles) {
      std::string db = opt->to.empty() ? ctx.db_path() : opt->to;
      if (!is_postgres_url(db))
        throw Error(ErrorKind::Usage, "migrate --roles needs a PostgreSQL register (--to postgresql://...)");
      postgres().apply_roles(db);
      ctx.out << "Roles riskreg_owner, riskreg_manager and riskreg_auditor set up on " << redact_url(db) << "\n";
      return;
    }
    if (opt->from.empty() || opt->to.empty())
      throw Error(ErrorKind::Usage, "migrate needs --from sqlite:PATH and --to postgresql://... (or --roles)");
    if (is_postgres_url(opt->from) && backend_of(opt->to) == Backend::Sqlite) {
      // Back from PostgreSQL into a new SQLite file.
      auto r = postgres().copy_to_sqlite(opt->from, sqlite_path(opt->to));
      ctx.out << "Migrated " << redact_url(opt->from) << " to " << sqlite_path(opt->to) << ": " << r.counts.risks
              << " risks, " << r.counts.assessments << " assessments, " << r.counts.audit << " audit entries ("
              << r.rows << " rows)\n"
              << "Audit chain verified on both sides; head " << r.head << "\n";
      return;
    }
    if (backend_of(opt->from) != Backend::Sqlite)
      throw Error(ErrorKind::Usage,
                  "--from must be an SQLite register (sqlite:PATH), not '" + redact_url(opt->from) + "'");
    if (!is_postgres_url(opt->to))
      throw Error(ErrorKind::Usage,
                  "--to must be a PostgreSQL connection string (postgresql://...), not '" + redact_url(opt->to) + "'");
    auto r = postgres().copy_from_sqlite(sqlite_path(opt->from), opt->to);
    ctx.out << "Migrated " << sqlite_path(opt->from) << " to " << redact_url(opt->to) << ": " << r.counts.risks
            << " risks, " << r.counts.assessments << " assessments, " << r.counts.audit << " audit entries (" << r.rows
            << " rows)\n"
            << "Audit chain verified on both sides; head " << r.head << "\n";
  });
}

}  // namespace riskreg::cli
