// SqliteStore::import_risks: a validated import written in one transaction (store/store.h).
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include "audit/chain.h"
#include "core/error.h"
#include "core/progress.h"
#include "store/sqlite_rows.h"
#include "store/sqlite_store.h"


namespace riskreg {

using sqlite_rows::bind_risk_fields;
using sqlite_rows::bind_risk_row;
using sqlite_rows::list_json;

ImportResult SqliteStore::import_risks(const ImportBatch& b) {
  Progress* progress = b.progress;
  try {
    ImportResult res;
    const std::string at = format_timestamp(b.at);
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement find(*db_, R"sql(SELECT r.key, c.likelihood, c.impact FROM risks r
        LEFT JOIN assessments c ON c.id = r.current_assessment WHERE r.id = ?)sql");
    SQLite::Statement ins_risk(*db_, sqlite_rows::kInsertRisk);
    SQLite::Statement upd_fields(*db_, R"sql(UPDATE risks SET title = ?, heading = ?, vulnerability = ?,
        triggers = ?, consequences = ?, controls = ?, target_likelihood = ?, target_impact = ?, notes = ?
        WHERE key = ?)sql");
    SQLite::Statement ins_assess(*db_, R"sql(INSERT INTO assessments (risk, likelihood, impact, assessed_by,
        assessed_at, reason) VALUES (?,?,?,?,?,?))sql");
    SQLite::Statement set_current(*db_,
                                  "UPDATE risks SET previous_assessment = current_assessment, current_assessment = ? "
                                  "WHERE key = ?");
    SQLite::Statement ins_owner(*db_, R"sql(INSERT INTO owner_changes (risk, owner, changed_by, changed_at, reason)
        VALUES (?,?,?,?,?))sql");
    SQLite::Statement set_owner(*db_, "UPDATE risks SET owner = ? WHERE key = ?");

    ImportRecord record;  // what the one "import" audit entry records of the rows appended
    int64_t done = 0;
    for (const auto& ir : b.risks) {
      if (progress) progress->rows(++done);
      const Risk& r = ir.risk;
      find.reset();
      find.bind(1, r.id);
      bool found = find.executeStep();
      if (found != ir.exists)
        throw Error(ErrorKind::Conflict, r.id + (found ? " was created" : " was removed") +
                                             " since the file was checked; nothing was imported, try again");
      int64_t key = 0;
      std::optional<ScoreCodes> now;
      if (found) {
        key = find.getColumn(0).getInt64();
        if (!find.getColumn(1).isNull()) now = ScoreCodes{find.getColumn(1).getString(), find.getColumn(2).getString()};
        if (now != ir.expect)
          throw Error(ErrorKind::Conflict, r.id + " was re-scored since the file was checked; nothing was imported, "
                                                  "try again");
      }
      if (!found) {
        ins_risk.reset();
        bind_risk_row(ins_risk, r);  // with its owner: the owner change below records it
        ins_risk.bind(14);
        ins_risk.exec();
        key = db_->getLastInsertRowid();
        ++res.created;
      } else {
        ++res.updated;
        if (ir.fields) {
          upd_fields.reset();
          bind_risk_fields(upd_fields, 1, r);
          upd_fields.bind(9, list_json(r.notes));
          upd_fields.bind(10, key);
          upd_fields.exec();
        }
      }
      if (r.current && (!found || ir.rescore)) {
        ins_assess.reset();
        ins_assess.bind(1, key);
        ins_assess.bind(2, r.current->likelihood);
        ins_assess.bind(3, r.current->impact);
        ins_assess.bind(4, b.by);
        ins_assess.bind(5, at);
        ins_assess.bind(6, ir.reason);
        ins_assess.exec();
        int64_t id = db_->getLastInsertRowid();
        set_current.reset();
        set_current.bind(1, id);
        set_current.bind(2, key);
        set_current.exec();
        // Recorded by the one "import" entry's digest, which `audit verify` recomputes.
        record.add(AssessmentRow{id, r.id, *r.current, b.by, at, ir.reason});
        ++res.assessments;
      }
      if (r.owner && (!found || ir.new_owner)) {
        ins_owner.reset();
        ins_owner.bind(1, key);
        ins_owner.bind(2, *r.owner);
        ins_owner.bind(3, b.by);
        ins_owner.bind(4, at);
        ins_owner.bind(5, ir.reason);
        ins_owner.exec();
        int64_t id = db_->getLastInsertRowid();
        if (found) {  // a new risk's row was inserted with its owner
          set_owner.reset();
          set_owner.bind(1, *r.owner);
          set_owner.bind(2, key);
          set_owner.exec();
        }
        record.add(OwnerChange{id, r.id, *r.owner, b.by, at, ir.reason});
        ++res.owner_changes;
      }
    }
    SQLite::Statement ins_import(*db_, R"sql(INSERT INTO imports (file, sha256, rows, imported_by, imported_at)
        VALUES (?,?,?,?,?))sql");
    ins_import.bind(1, b.file);
    ins_import.bind(2, b.sha256);
    ins_import.bind(3, b.rows);
    ins_import.bind(4, b.by);
    ins_import.bind(5, at);
    ins_import.exec();
    res.import_id = db_->getLastInsertRowid();
    append_audit(at, b.by, "import", "register", record.detail(b, res));
    tx.commit();
    return res;
  } catch (const SQLite::Exception& e) {
    int code = e.getErrorCode() & 0xff;
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
      throw Error(ErrorKind::Busy, path_ + ": the register stayed locked by another process; try again");
    if (code == SQLITE_FULL) throw Error(ErrorKind::Internal, path_ + ": the disk is full; nothing was imported");
    throw Error(ErrorKind::Internal, path_ + ": " + e.what() + "; nothing was imported");
  }
}

}  // namespace riskreg
