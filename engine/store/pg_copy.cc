#include "store/pg_copy.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <pqxx/pqxx>

#include "audit/verify.h"
#include "core/error.h"
#include "store/pg_schema.h"
#include "store/pg_store.h"
#include "store/sqlite_store.h"

namespace riskreg {

namespace {

struct Column {
  std::string name;
  bool real = false;
};

std::string first_problem(const AuditVerification& v) { return v.problems.empty() ? "" : v.problems.front().message; }

}  // namespace

CopyReport copy_sqlite_to_pg(const std::string& sqlite_path, const std::string& pg_url) {
  CopyReport report;
  SqliteStore source(sqlite_path, SqliteStore::Mode::Open);
  auto before = verify_audit(source);
  if (!before.ok())
    throw Error(ErrorKind::Tampered, sqlite_path + ": the audit chain does not verify, so it is not copied: " +
                                         first_problem(before));
  PgStore target(pg_url, PgStore::Mode::Create);
  std::string where = target.where();
  try {
    pqxx::work tx(target.connection());
    auto n = tx.exec("SELECT (SELECT count(*) FROM risks) + (SELECT count(*) FROM audit)")[0][0].as<int64_t>();
    if (n != 0) throw Error(ErrorKind::Conflict, where + " already holds a register; migrate copies into an empty one");
    SQLite::Database& db = source.db();
    std::vector<std::string> tables;
    {
      SQLite::Statement st(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                               "ORDER BY name");
      while (st.executeStep()) tables.push_back(st.getColumn(0).getString());
    }
    for (const auto& t : tables) {
      if (tx.exec_params("SELECT to_regclass($1) IS NULL", t)[0][0].as<bool>())
        throw Error(ErrorKind::Internal, sqlite_path + ": table '" + t +
                                             "' has no PostgreSQL counterpart in this riskreg; nothing was copied");
      std::vector<Column> cols;
      SQLite::Statement info(db, "PRAGMA table_info(" + t + ")");
      while (info.executeStep()) {
        std::string type = info.getColumn(2).getString();
        cols.push_back({info.getColumn(1).getString(), type == "REAL"});
      }
      std::string names, params;
      for (size_t i = 0; i < cols.size(); ++i) {
        names += (i ? ", " : "") + cols[i].name;
        params += (i ? ", $" : "$") + std::to_string(i + 1);
      }
      std::string stmt = "riskreg_copy_" + t;
      target.connection().prepare(stmt, "INSERT INTO " + t + " (" + names + ") VALUES (" + params + ")");
      SQLite::Statement rows(db, "SELECT " + names + " FROM " + t);
      std::vector<std::string> text(cols.size());
      std::vector<const char*> args(cols.size());
      while (rows.executeStep()) {
        for (size_t i = 0; i < cols.size(); ++i) {
          SQLite::Column c = rows.getColumn(static_cast<int>(i));
          if (c.isNull()) {
            args[i] = nullptr;
            continue;
          }
          // REAL as text would keep 15 digits only; libpqxx writes the double exactly.
          text[i] = cols[i].real ? pqxx::to_string(c.getDouble()) : c.getString();
          args[i] = text[i].c_str();
        }
        tx.exec_prepared(stmt, pqxx::prepare::make_dynamic_params(args));
        ++report.rows;
      }
      target.connection().unprepare(stmt);
    }
    // Identity columns continue after the copied ids.
    for (const auto& row : tx.exec(R"sql(SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND is_identity = 'YES')sql")) {
      std::string t = row[0].c_str(), c = row[1].c_str();
      tx.exec("SELECT setval(pg_get_serial_sequence('" + t + "', '" + c + "'), coalesce((SELECT max(" + c +
              ") FROM " + t + "), 0) + 1, false)");
    }
    tx.commit();
  } catch (const pqxx::sql_error& e) {
    std::string msg = e.what();
    throw Error(ErrorKind::Internal, where + ": the copy failed, nothing was written: " + msg.substr(0, msg.find('\n')));
  }
  auto after = verify_audit(target);
  if (!after.ok() || after.head != before.head || after.entries != before.entries)
    throw Error(ErrorKind::Tampered, where + ": the copied audit chain does not match the source (" +
                                         (after.ok() ? "head " + after.head + " != " + before.head
                                                     : first_problem(after)) +
                                         ")");
  report.counts = target.counts();
  auto sc = source.counts();
  if (sc.risks != report.counts.risks || sc.assessments != report.counts.assessments || sc.audit != report.counts.audit)
    throw Error(ErrorKind::Internal, where + ": the copy's counts differ from the source's");
  report.head = after.head;
  return report;
}

void apply_pg_roles(const std::string& pg_url) {
  PgStore store(pg_url, PgStore::Mode::Open);
  try {
    pqxx::work tx(store.connection());
    tx.exec(pg_roles_sql());
    tx.commit();
  } catch (const pqxx::sql_error& e) {
    std::string msg = e.what();
    throw Error(ErrorKind::Internal, store.where() + ": cannot set up the roles: " + msg.substr(0, msg.find('\n')));
  }
}

}  // namespace riskreg
