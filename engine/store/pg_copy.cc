#include "store/pg_copy.h"

#include <filesystem>

#include <SQLiteCpp/SQLiteCpp.h>
#include <pqxx/pqxx>

#include "audit/chain.h"
#include "core/error.h"
#include "store/pg_bulk.h"
#include "store/pg_schema.h"
#include "store/pg_store.h"
#include "store/sqlite_store.h"
#include "store/verify.h"

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
  // One read transaction over the source: what is verified is what is copied, even if a
  // riskreg writes to the file meanwhile.
  SQLite::Transaction snapshot(source.db(), SQLite::TransactionBehavior::DEFERRED);
  auto before = verify_audit(source);
  if (!before.ok())
    throw Error(ErrorKind::Tampered,
                sqlite_path + ": the audit chain does not verify, so it is not copied: " + first_problem(before));
  PgStore target(pg_url, PgStore::Mode::Create);
  std::string where = target.where();
  try {
    pqxx::work tx(target.connection());
    auto n = tx.exec("SELECT (SELECT count(*) FROM risks) + (SELECT count(*) FROM audit)")[0][0].as<int64_t>();
    if (n != 0) throw Error(ErrorKind::Conflict, where + " already holds a register; migrate copies into an empty one");
    SQLite::Database& db = source.db();
    std::vector<std::string> tables;
    {
      SQLite::Statement st(db,
                           "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
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
      std::string names;
      std::vector<std::string> col_names;
      for (size_t i = 0; i < cols.size(); ++i) {
        names += (i ? ", " : "") + cols[i].name;
        col_names.push_back(cols[i].name);
      }
      // COPY, one statement per table: the rows stream into the server in the one transaction.
      CopyIn copy(tx, t, col_names);
      SQLite::Statement rows(db, "SELECT " + names + " FROM " + t);
      std::vector<std::string> text(cols.size());
      std::vector<CopyField> fields;
      fields.reserve(cols.size());
      while (rows.executeStep()) {
        fields.clear();
        for (size_t i = 0; i < cols.size(); ++i) {
          SQLite::Column c = rows.getColumn(static_cast<int>(i));
          if (c.isNull()) {
            fields.emplace_back(nullptr);
          } else if (cols[i].real) {
            // REAL as SQLite's text would keep 15 digits only; the double is written exactly.
            fields.emplace_back(std::optional<double>(c.getDouble()));
          } else {
            text[i].assign(c.getText(""), static_cast<size_t>(c.getBytes()));
            fields.emplace_back(text[i]);
          }
        }
        copy.row(fields);
        ++report.rows;
      }
      copy.complete();
      auto copied = tx.exec("SELECT count(*) FROM " + t)[0][0].as<int64_t>();
      auto source_rows = db.execAndGet("SELECT count(*) FROM " + t).getInt64();
      if (copied != source_rows)
        throw Error(ErrorKind::Internal, where + ": table '" + t + "' has " + std::to_string(copied) +
                                             " rows after the copy, the source " + std::to_string(source_rows) +
                                             "; nothing was written");
    }
    // The copied chain, checked before commit: a copy that does not reproduce the source's
    // head is rolled back.
    {
      std::vector<AuditEntry> log;
      for (const auto& r :
           tx.exec("SELECT seq, at, actor, action, entity, detail, prev_hash, hash FROM audit ORDER BY seq"))
        log.push_back({r[0].as<int64_t>(), r[1].c_str(), r[2].c_str(), r[3].c_str(), r[4].c_str(), r[5].c_str(),
                       r[6].c_str(), r[7].c_str()});
      auto chain = verify_chain(log);
      if (!chain.ok || chain.head != before.head || static_cast<int64_t>(log.size()) != before.entries)
        throw Error(ErrorKind::Tampered, where + ": the copied audit chain does not match the source (" +
                                             (chain.ok ? "head " + chain.head + " != " + before.head : chain.problem) +
                                             "); nothing was written");
    }
    // The copied history (assessments and the lifecycle's changes), row by row against the
    // source's, before commit: with the same chain (above) and the source's history verified
    // against its chain, the target's is verified too, without a query per risk. Read in pages
    // of ids: bounded memory.
    auto same_rows = [&](const std::string& select, int columns, const std::string& what) {
      SQLite::Statement src(db, select + " ORDER BY t.id");
      int64_t after = 0;
      for (;;) {
        auto page = tx.exec_params(select + " WHERE t.id > $1 ORDER BY t.id LIMIT 50000", after);
        for (const auto& row : page) {
          bool same = src.executeStep();
          for (int i = 0; same && i < columns; ++i) same = src.getColumn(i).getString() == row[i].c_str();
          if (!same)
            throw Error(ErrorKind::Tampered, where + ": " + what + " " + row[0].c_str() +
                                                 " differs from the source's after the copy; nothing was written");
          after = row[0].as<int64_t>();
        }
        if (page.size() < 50000) break;
      }
      if (src.executeStep())
        throw Error(ErrorKind::Tampered, where + ": the copy lacks " + what + "s after id " + std::to_string(after) +
                                             "; nothing was written");
    };
    same_rows(R"sql(SELECT t.id, r.id, t.likelihood, t.impact, t.assessed_by, t.assessed_at, t.reason
        FROM assessments t JOIN risks r ON r.key = t.risk)sql",
              7, "assessment");
    same_rows(R"sql(SELECT t.id, r.id, t.kind, t.field, t.from_value, t.to_value, t.changed_by, t.changed_at, t.reason
        FROM changes t JOIN risks r ON r.key = t.risk)sql",
              9, "change");
    same_rows(R"sql(SELECT t.id, t.action, t.kind, t.field, t.from_value, t.to_value, t.changed_by, t.changed_at,
        t.reason FROM action_changes t)sql",
              9, "action change");
    // Identity columns continue after the copied ids.
    for (const auto& row : tx.exec(R"sql(SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND is_identity = 'YES')sql")) {
      std::string t = row[0].c_str(), c = row[1].c_str();
      tx.exec("SELECT setval(pg_get_serial_sequence('" + t + "', '" + c + "'), coalesce((SELECT max(" + c + ") FROM " +
              t + "), 0) + 1, false)");
    }
    tx.commit();
    pg_analyze(target.connection());
  } catch (const pqxx::sql_error& e) {
    std::string msg = e.what();
    throw Error(ErrorKind::Internal,
                where + ": the copy failed, nothing was written: " + msg.substr(0, msg.find('\n')));
  }
  report.counts = target.counts();
  auto sc = source.counts();
  if (sc.risks != report.counts.risks || sc.assessments != report.counts.assessments || sc.audit != report.counts.audit)
    throw Error(ErrorKind::Internal, where + ": the copy's counts differ from the source's");
  report.head = before.head;
  return report;
}

CopyReport copy_pg_to_sqlite(const std::string& pg_url, const std::string& sqlite_path) {
  CopyReport report;
  PgStore source(pg_url, PgStore::Mode::Open);
  const std::string where = source.where();
  auto before = verify_audit(source);
  if (!before.ok())
    throw Error(ErrorKind::Tampered,
                where + ": the audit chain does not verify, so it is not copied: " + first_problem(before));
  if (std::filesystem::exists(sqlite_path))
    throw Error(ErrorKind::Conflict, sqlite_path + " already exists; migrate copies into a new file");
  auto target = std::make_unique<SqliteStore>(sqlite_path, SqliteStore::Mode::Create);
  try {
    SQLite::Database& db = target->db();
    // One read-only snapshot of the source; one write transaction on the new file, foreign
    // keys checked at its commit (the tables go in name order, not reference order).
    pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::readwrite_policy::read_only> tx(
        source.connection());
    SQLite::Transaction write(db, SQLite::TransactionBehavior::IMMEDIATE);
    db.exec("PRAGMA defer_foreign_keys = ON");
    std::vector<std::string> tables;
    {
      SQLite::Statement st(db,
                           "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                           "ORDER BY name");
      while (st.executeStep()) tables.push_back(st.getColumn(0).getString());
    }
    // Every table of the SQLite schema, from its PostgreSQL counterpart (those only PostgreSQL
    // has, riskreg_meta, audit_head and riskreg_users, are the server's own bookkeeping).
    for (const auto& t : tables) {
      std::vector<Column> cols;
      {
        SQLite::Statement info(db, "PRAGMA table_info(" + t + ")");
        while (info.executeStep())
          cols.push_back({info.getColumn(1).getString(), info.getColumn(2).getString() == "REAL"});
      }
      std::string names, marks;
      for (size_t i = 0; i < cols.size(); ++i) {
        names += (i ? ", " : "") + cols[i].name;
        marks += i ? ",?" : "?";
      }
      SQLite::Statement ins(db, "INSERT INTO " + t + " (" + names + ") VALUES (" + marks + ")");
      // A server-side cursor: bounded memory whatever the table's size.
      tx.exec("DECLARE riskreg_copy NO SCROLL CURSOR FOR SELECT " + names + " FROM " + t + " ORDER BY 1");
      int64_t rows = 0;
      for (;;) {
        auto page = tx.exec("FETCH 10000 FROM riskreg_copy");
        for (const auto& row : page) {
          for (size_t i = 0; i < cols.size(); ++i) {
            const int at = static_cast<int>(i) + 1;
            const pqxx::field f = row[static_cast<int>(i)];
            if (f.is_null())
              ins.bind(at);
            else if (cols[i].real)
              ins.bind(at, f.as<double>());
            else
              ins.bind(at, std::string(f.c_str(), f.size()));  // INTEGER columns take it by affinity
          }
          ins.exec();
          ins.reset();
          ++rows;
        }
        if (page.size() < 10000) break;
      }
      tx.exec("CLOSE riskreg_copy");
      report.rows += rows;
      auto source_rows = tx.exec("SELECT count(*) FROM " + t)[0][0].as<int64_t>();
      if (rows != source_rows)
        throw Error(ErrorKind::Internal, sqlite_path + ": table '" + t + "' has " + std::to_string(rows) +
                                             " rows after the copy, the source " + std::to_string(source_rows) +
                                             "; nothing was written");
    }
    // The copy verified before it is committed: its chain, its history against the chain and
    // the risks against their changes, with the source's head.
    auto after = verify_audit(*target);
    if (!after.ok() || after.head != before.head || after.entries != before.entries)
      throw Error(ErrorKind::Tampered,
                  sqlite_path + ": the copy does not verify as the source does (" +
                      (after.ok() ? "head " + after.head + " != " + before.head : first_problem(after)) +
                      "); nothing was written");
    write.commit();
  } catch (...) {
    // Nothing is left behind: the new file and its WAL go.
    target.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(sqlite_path + suffix);
    try {
      throw;
    } catch (const pqxx::sql_error& e) {
      std::string msg = e.what();
      throw Error(ErrorKind::Internal,
                  where + ": the copy failed, nothing was written: " + msg.substr(0, msg.find('\n')));
    }
  }
  report.counts = target->counts();
  report.head = before.head;
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
