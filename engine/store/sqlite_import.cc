// SqliteStore::import_risks and import_checked: an import written in one transaction
// (store/store.h), checked on a thread of its own as it is written.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <initializer_list>
#include <string_view>

#include "audit/chain.h"
#include "audit/events.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "store/changes.h"
#include "store/sqlite_rows.h"
#include "store/sqlite_store.h"

namespace riskreg {

using sqlite_rows::bind_risk_fields;
using sqlite_rows::bind_risk_row;
using sqlite_rows::guarded;

std::unordered_map<std::string, std::pair<Risk, RiskState>> SqliteStore::existing_risks(
    const std::vector<std::string>& ids) {
  return guarded(path_, [&] {
    // One read transaction, and one prepared probe of the id index per id: an import of a
    // million new risks names a million ids, few or none of them held.
    SQLite::Transaction snapshot(*db_);
    sqlite_rows::Rows held(*db_, "SELECT 1 FROM risks WHERE id = ?");
    std::unordered_map<std::string, std::pair<Risk, RiskState>> out;
    for (const auto& id : ids) {
      held.reset();
      held.bind(1, id);
      if (!held.step()) continue;
      if (auto r = risk(id))
        if (auto st = risk_state(id)) out.emplace(id, std::pair(std::move(*r), std::move(*st)));
    }
    return out;
  });
}

namespace {

/// Rows appended to one table with the ids they are given here (one past the table's largest,
/// in order), written kRowsAtOnce to an INSERT: an import appends an assessment and an owner
/// change for each of a million risks. Each row is an id, a risk key and its texts (copied:
/// they are written later).
class Appender {
 public:
  static constexpr int kRowsAtOnce = 64;

  /// `columns`: "table (id, risk, text columns...)", `width` the number of those columns.
  Appender(SQLite::Database& db, const std::string& columns, int width)
      : many_(db, insert(columns, width, kRowsAtOnce)), one_(db, insert(columns, width, 1)), rows_(kRowsAtOnce) {
    const std::string table = columns.substr(0, columns.find(' '));
    next_id_ = db.execAndGet("SELECT ifnull(max(id), 0) + 1 FROM " + table).getInt64();
  }
  /// Queues a row; returns its id.
  int64_t add(int64_t key, std::initializer_list<std::string_view> texts) {
    Row& row = rows_[static_cast<size_t>(n_++)];
    row.id = next_id_++;
    row.key = key;
    row.texts.resize(texts.size());
    size_t i = 0;
    for (auto t : texts) row.texts[i++].assign(t);
    if (n_ == kRowsAtOnce) flush();
    return row.id;
  }
  /// Writes what is queued.
  void flush() {
    if (n_ == kRowsAtOnce) {
      bind_all(many_, 0, n_);
      many_.exec();
    } else {
      for (int k = 0; k < n_; ++k) {
        bind_all(one_, k, 1);
        one_.exec();
      }
    }
    n_ = 0;
  }

 private:
  struct Row {
    int64_t id = 0, key = 0;
    std::vector<std::string> texts;
  };
  static std::string insert(const std::string& columns, int width, int rows) {
    std::string one = "(?";
    for (int i = 1; i < width; ++i) one += ",?";
    one += ")";
    // OR ROLLBACK: a failed row ends the whole transaction, as the import would anyway, so SQLite
    // keeps no statement journal (with ABORT, each statement of several rows would copy the
    // pages it changes to a temporary file first, to undo just itself).
    std::string sql = "INSERT OR ROLLBACK INTO " + columns + " VALUES " + one;
    for (int k = 1; k < rows; ++k) sql += "," + one;
    return sql;
  }
  void bind_all(SQLite::Statement& st, int from, int count) {
    st.reset();
    int p = 1;
    for (int k = from; k < from + count; ++k) {
      const Row& row = rows_[static_cast<size_t>(k)];
      st.bind(p++, row.id);
      st.bind(p++, row.key);
      for (const auto& t : row.texts) st.bindNoCopy(p++, t);
    }
  }

  SQLite::Statement many_, one_;
  std::vector<Row> rows_;
  int n_ = 0;
  int64_t next_id_ = 1;
};

}  // namespace

ImportResult SqliteStore::import_risks(const ImportBatch& b) {
  return write_import(b, [&](const std::function<void(const ImportedRisk&)>& write) {
    for (const auto& ir : b.risks) write(ir);
  });
}

ImportResult SqliteStore::import_checked(ImportBatch& b, const ImportCheck& check) {
  return write_import(b, [&](const std::function<void(const ImportedRisk&)>& write) {
    // The file is checked on a thread of its own, through a second connection that reads the
    // register as committed (this one's transaction holds the write lock, so nothing changes
    // it meanwhile), while this thread writes each checked chunk.
    SqliteStore reader(path_, Mode::Open);
    const RiskLookup lookup = [&](const std::vector<std::string>& ids) { return reader.existing_risks(ids); };
    pipeline<std::vector<ImportedRisk>>(
        two_cores(), [&](const std::function<void(std::vector<ImportedRisk>&)>& yield) { check(lookup, yield); },
        [&](std::vector<ImportedRisk>& rows) {
          for (const auto& ir : rows) write(ir);
        },
        1, 4);
  });
}

ImportResult SqliteStore::write_import(
    const ImportBatch& b, const std::function<void(const std::function<void(const ImportedRisk&)>&)>& rows) {
  Progress* progress = b.progress;
  // The rows below refer only to risks and assessments this transaction holds or writes, in an
  // order SQLite's foreign-key checks cannot follow cheaply (a new risk names its first
  // assessment, written a few rows later with others, and a deferred check of an assessment as
  // a parent would scan the risks table): they are off for the transaction, and back on after
  // it whatever happens. The import tests check every key with PRAGMA foreign_key_check.
  db_->exec("PRAGMA foreign_keys = OFF");
  struct KeysBackOn {
    SQLite::Database& db;
    ~KeysBackOn() {
      try {
        db.exec("PRAGMA foreign_keys = ON");
      } catch (const SQLite::Exception&) {
      }
    }
  } keys_back_on{*db_};
  try {
    ImportResult res;
    const std::string at = format_timestamp(b.at);
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    // An existing risk's key, score and the fields an import versions (changes::kImportFields),
    // read under the write lock: a field change's `from` is what the risk held.
    SQLite::Statement find(*db_, R"sql(SELECT r.key, c.likelihood, c.impact, r.title, r.heading, r.vulnerability,
        r.triggers, r.consequences, r.controls, r.target_likelihood, r.target_impact, r.status, r.notes FROM risks r
        LEFT JOIN assessments c ON c.id = r.current_assessment WHERE r.id = ?)sql");
    SQLite::Statement set_status(*db_, "UPDATE risks SET status = ? WHERE key = ?");
    SQLite::Statement ins_change(*db_, R"sql(INSERT INTO changes (risk, kind, field, from_value, to_value,
        changed_by, changed_at, reason) VALUES (?,?,?,?,?,?,?,?))sql");
    // Each field the import changes: a change row and its own audit entry (the one format of a
    // change, events::change_detail), so `audit verify`, `log` and `--as-of` read it as an edit's.
    auto record_changes = [&](int64_t key, std::vector<ChangeRow> rows) {
      for (auto& row : rows) {
        ins_change.reset();
        ins_change.bind(1, key);
        ins_change.bind(2, row.kind);
        ins_change.bind(3, row.field);
        ins_change.bind(4, row.from);
        ins_change.bind(5, row.to);
        ins_change.bind(6, row.by);
        ins_change.bind(7, row.at);
        ins_change.bind(8, row.reason);
        ins_change.exec();
        row.id = db_->getLastInsertRowid();
        append_audit(row.at, row.by, row.kind, row.subject, events::change_detail(row));
        ++res.changes;
      }
    };
    SQLite::Statement ins_risk(*db_, sqlite_rows::kInsertRisk);
    SQLite::Statement upd_fields(*db_, R"sql(UPDATE risks SET title = ?, heading = ?, vulnerability = ?,
        triggers = ?, consequences = ?, controls = ?, target_likelihood = ?, target_impact = ?, notes = ?
        WHERE key = ?)sql");
    SQLite::Statement set_current(*db_,
                                  "UPDATE risks SET previous_assessment = current_assessment, current_assessment = ? "
                                  "WHERE key = ?");
    SQLite::Statement set_owner(*db_, "UPDATE risks SET owner = ? WHERE key = ?");

    // A new risk's key (one past the largest) and its first assessment's id (Appender) are known
    // before either is written, so the risk's row is written once, with its current
    // assessment, instead of inserted and then updated.
    int64_t next_key = db_->execAndGet("SELECT ifnull(max(key), 0) + 1 FROM risks").getInt64();

    ImportRecord record;  // what the one "import" audit entry records of the rows appended
    int64_t done = 0;
    // Assessments and owner changes take their ids here (one past the largest, in order) and go
    // in kRowsAtOnce to a statement: a statement each costs more than the row.
    Appender assessments(*db_, "assessments (id, risk, likelihood, impact, assessed_by, assessed_at, reason)", 7);
    Appender owners(*db_, "owner_changes (id, risk, owner, changed_by, changed_at, reason)", 6);
    auto append_assessment = [&](int64_t key, const Risk& r, const ImportedRisk& ir) {
      const int64_t id = assessments.add(key, {r.current->likelihood, r.current->impact, b.by, at, ir.reason});
      // Recorded by the one "import" entry's digest, which `audit verify` recomputes.
      record.add_assessment(id, {r.id, r.current->likelihood, r.current->impact, b.by, at, ir.reason});
      ++res.assessments;
      return id;
    };
    ListsJson encoded;  // for a row whose lists the checker left unencoded
    rows([&](const ImportedRisk& ir) {
      if (progress) progress->rows(++done);
      const Risk& r = ir.risk;
      const ListsJson& lists = ir.lists_json[0].empty() ? (encode_lists(r, encoded), encoded) : ir.lists_json;
      int64_t key = 0;
      bool found = false;
      if (!ir.exists) {
        // Checked new when the file was: a risk created since fails the id's UNIQUE
        // constraint below (Conflict).
        key = next_key++;
        if (!r.current)
          throw Error(ErrorKind::Internal, r.id + ": a new risk without a current score reached the store");
        int64_t first = append_assessment(key, r, ir);
        ins_risk.reset();
        bind_risk_row(ins_risk, r, lists);  // with its owner: the owner change below records it
        ins_risk.bind(14, first);
        try {
          ins_risk.exec();
        } catch (const SQLite::Exception& e) {
          if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE)
            throw Error(ErrorKind::Conflict, events::import_created_since(r.id));
          throw;
        }
        if (db_->getLastInsertRowid() != key)
          throw Error(ErrorKind::Internal, r.id + ": the new risk's key is not the one its assessment names");
        ++res.created;
        if (ir.status == std::optional<std::string>("closed")) {  // a new risk imported closed
          set_status.reset();
          set_status.bind(1, "closed");
          set_status.bind(2, key);
          set_status.exec();
          record_changes(
              key, changes::import_changes(r.id, {{"status", "open"}}, {{"status", "closed"}}, b.by, at, ir.reason));
        }
      } else {
        find.reset();
        find.bind(1, r.id);
        found = find.executeStep();
        if (!found) throw Error(ErrorKind::Conflict, events::import_removed_since(r.id));
        key = find.getColumn(0).getInt64();
        std::optional<ScoreCodes> now;
        if (!find.getColumn(1).isNull()) now = ScoreCodes{find.getColumn(1).getString(), find.getColumn(2).getString()};
        if (now != ir.expect) throw Error(ErrorKind::Conflict, events::import_rescored_since(r.id));
        ++res.updated;
        if (ir.fields) {
          auto col = [&](int i) { return find.getColumn(i).getString(); };
          std::map<std::string, std::string> before = {
              {"title", col(3)},
              {"heading", col(4)},
              {"vulnerability", col(5)},
              {"triggers", col(6)},
              {"consequences", col(7)},
              {"controls", col(8)},
              {"target", find.getColumn(9).isNull() ? "" : changes::score_text(ScoreCodes{col(9), col(10)})},
              {"status", col(11)},
              {"notes", col(12)}};
          for (const char* list : {"triggers", "consequences", "controls", "notes"})
            if (before[list].empty()) before[list] = "[]";
          auto rows = changes::import_changes(r.id, before, changes::import_values(r, ir.status), b.by, at, ir.reason);
          for (const auto& row : rows)
            if (row.field == "status") {
              set_status.reset();
              set_status.bind(1, row.to);
              set_status.bind(2, key);
              set_status.exec();
            }
          record_changes(key, std::move(rows));
          upd_fields.reset();
          bind_risk_fields(upd_fields, 1, r, lists);
          upd_fields.bindNoCopy(9, lists[3]);
          upd_fields.bind(10, key);
          upd_fields.exec();
        }
        if (r.current && ir.rescore) {
          int64_t id = append_assessment(key, r, ir);
          set_current.reset();
          set_current.bind(1, id);
          set_current.bind(2, key);
          set_current.exec();
        }
      }
      if (r.owner && (!found || ir.new_owner)) {
        const int64_t id = owners.add(key, {*r.owner, b.by, at, ir.reason});
        if (found) {  // a new risk's row was inserted with its owner
          set_owner.reset();
          set_owner.bind(1, *r.owner);
          set_owner.bind(2, key);
          set_owner.exec();
        }
        record.add_owner_change(id, {r.id, *r.owner, b.by, at, ir.reason});
        ++res.owner_changes;
      }
    });
    assessments.flush();
    owners.flush();
    SQLite::Statement ins_import(*db_, R"sql(INSERT INTO imports (file, sha256, rows, imported_by, imported_at)
        VALUES (?,?,?,?,?))sql");
    ins_import.bind(1, b.file);
    ins_import.bind(2, b.sha256);
    ins_import.bind(3, b.rows);
    ins_import.bind(4, b.by);
    ins_import.bind(5, at);
    ins_import.exec();
    res.import_id = db_->getLastInsertRowid();
    int64_t seq = append_audit(at, b.by, events::kImport, "register", record.detail(b, res));
    tx.commit();
    events::log_committed(events::kImport, "register", seq, path_);
    return res;
  } catch (const SQLite::Exception& e) {
    int code = e.getErrorCode() & 0xff;
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
      throw Error(ErrorKind::Busy, path_ + ": the register stayed locked by another process; try again");
    if (code == SQLITE_FULL) throw Error(ErrorKind::Environment, path_ + ": the disk is full; nothing was imported");
    if (code == SQLITE_IOERR || code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_PERM)
      throw Error(ErrorKind::Environment, path_ + ": " + e.what() + "; nothing was imported");
    throw Error(ErrorKind::Internal, path_ + ": " + e.what() + "; nothing was imported");
  }
}

}  // namespace riskreg
