// SqliteStore::import_risks and import_checked: an import written in one transaction
// (store/store.h), checked on a thread of its own as it is written.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <thread>
#include "audit/chain.h"

#include "core/error.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "store/sqlite_rows.h"
#include "store/sqlite_store.h"

namespace riskreg {

using sqlite_rows::bind_risk_fields;
using sqlite_rows::bind_risk_row;
using sqlite_rows::guarded;
using sqlite_rows::list_json;

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
        std::thread::hardware_concurrency() >= 2,
        [&](const std::function<void(std::vector<ImportedRisk>&)>& yield) { check(lookup, yield); },
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
  // order SQLite's foreign-key checks cannot follow cheaply (an assessment's risk arrives just
  // after it, and a check of the assessment as a parent would scan the risks table): they are
  // off for the transaction, and back on after it whatever happens.
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

    // A new risk's first assessment is inserted before the risk (with the key the risk will
    // get: one past the largest), so the risk's row is written once, with its current
    // assessment, instead of inserted and then updated.
    int64_t next_key = db_->execAndGet("SELECT ifnull(max(key), 0) + 1 FROM risks").getInt64();

    ImportRecord record;  // what the one "import" audit entry records of the rows appended
    int64_t done = 0;
    auto append_assessment = [&](int64_t key, const Risk& r, const ImportedRisk& ir) {
      ins_assess.reset();
      ins_assess.bind(1, key);
      ins_assess.bind(2, r.current->likelihood);
      ins_assess.bind(3, r.current->impact);
      ins_assess.bind(4, b.by);
      ins_assess.bind(5, at);
      ins_assess.bind(6, ir.reason);
      ins_assess.exec();
      int64_t id = db_->getLastInsertRowid();
      // Recorded by the one "import" entry's digest, which `audit verify` recomputes.
      record.add(AssessmentRow{id, r.id, *r.current, b.by, at, ir.reason});
      ++res.assessments;
      return id;
    };
    rows([&](const ImportedRisk& ir) {
      if (progress) progress->rows(++done);
      const Risk& r = ir.risk;
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
        bind_risk_row(ins_risk, r);  // with its owner: the owner change below records it
        ins_risk.bind(14, first);
        try {
          ins_risk.exec();
        } catch (const SQLite::Exception& e) {
          if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE)
            throw Error(ErrorKind::Conflict,
                        r.id + " was created since the file was checked; nothing was imported, try again");
          throw;
        }
        if (db_->getLastInsertRowid() != key)
          throw Error(ErrorKind::Internal, r.id + ": the new risk's key is not the one its assessment names");
        ++res.created;
      } else {
        find.reset();
        find.bind(1, r.id);
        found = find.executeStep();
        if (!found)
          throw Error(ErrorKind::Conflict,
                      r.id + " was removed since the file was checked; nothing was imported, try again");
        key = find.getColumn(0).getInt64();
        std::optional<ScoreCodes> now;
        if (!find.getColumn(1).isNull()) now = ScoreCodes{find.getColumn(1).getString(), find.getColumn(2).getString()};
        if (now != ir.expect)
          throw Error(ErrorKind::Conflict, r.id +
                                               " was re-scored since the file was checked; nothing was imported, "
                                               "try again");
        ++res.updated;
        if (ir.fields) {
          upd_fields.reset();
          bind_risk_fields(upd_fields, 1, r);
          upd_fields.bind(9, list_json(r.notes));
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
    });
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
