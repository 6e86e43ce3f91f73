// PgStore::import_risks: a validated import written in one transaction (store/store.h), as
// SqliteStore::import_risks writes it: the same rows, ids and audit entries, in the same
// order. On a server every statement is a round trip, so the rows are not written one by
// one: the batch is checked against the register in one query, ids are taken from the
// sequences in one query each, and every bulk table is written by COPY (pg_bulk.h). A
// million-risk import is a few dozen statements.
#include <map>
#include <unordered_map>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "audit/chain.h"
#include "audit/events.h"
#include "core/error.h"
#include "records/json_list.h"
#include "store/changes.h"
#include "store/pg_bulk.h"
#include "store/pg_store.h"

using nlohmann::json;

namespace riskreg {

namespace {
const char* opt_c(const std::optional<std::string>& v) { return v ? v->c_str() : nullptr; }

/// What the batch does to one row of the file, decided before anything is written.
struct Planned {
  int64_t key = 0;                 ///< the risk's key (new: from the sequence)
  bool found = false;              ///< it was in the register
  std::optional<ScoreCodes> now;   ///< its score before the import
  int64_t assessment = 0;          ///< the assessment it appends (0: none)
  int64_t change = 0;              ///< the owner change it appends (0: none)
  std::vector<ChangeRow> changes;  ///< the fields it changes (changes::import_changes), ids once written
};
}  // namespace

ImportResult PgStore::import_risks(const ImportBatch& b) {
  try {
    ImportResult res;
    const std::string at = format_timestamp(b.at);
    pqxx::work tx(*conn_);
    tx.exec(R"sql(CREATE TEMP TABLE riskreg_stage_ids (id TEXT) ON COMMIT DROP;
CREATE TEMP TABLE riskreg_stage_assessments (id BIGINT, risk BIGINT, likelihood TEXT, impact TEXT,
  assessed_by TEXT, assessed_at TEXT, reason TEXT) ON COMMIT DROP)sql");
    {
      CopyIn ids(tx, "riskreg_stage_ids", {"id"});
      for (const auto& ir : b.risks) ids.row({ir.risk.id});
      ids.complete();
    }
    // The existing rows, locked in key order before the chain head (in AuditCopy): the lock
    // order of every other write, so an import and a re-score never deadlock.
    struct Existing {
      int64_t key = 0;
      std::optional<ScoreCodes> now;
      std::map<std::string, std::string> fields;  ///< changes::kImportFields as stored, read under the lock
    };
    std::unordered_map<std::string, Existing> existing;
    for (const auto& r : tx.exec(R"sql(SELECT r.id, r.key, c.likelihood, c.impact, r.title, r.heading,
        r.vulnerability, r.triggers, r.consequences, r.controls, r.target_likelihood, r.target_impact, r.status,
        r.notes FROM risks r LEFT JOIN assessments c ON c.id = r.current_assessment
        WHERE r.id IN (SELECT id FROM riskreg_stage_ids) ORDER BY r.key FOR UPDATE OF r)sql")) {
      Existing e;
      e.key = r[1].as<int64_t>();
      if (!r[2].is_null()) e.now = ScoreCodes{r[2].c_str(), r[3].c_str()};
      auto text = [&](int i) { return r[i].is_null() ? std::string() : std::string(r[i].c_str(), r[i].size()); };
      e.fields = {{"title", text(4)},
                  {"heading", text(5)},
                  {"vulnerability", text(6)},
                  {"triggers", text(7)},
                  {"consequences", text(8)},
                  {"controls", text(9)},
                  {"target", r[10].is_null() ? "" : changes::score_text(ScoreCodes{text(10), text(11)})},
                  {"status", text(12)},
                  {"notes", text(13)}};
      for (const char* list : {"triggers", "consequences", "controls", "notes"})
        if (e.fields[list].empty()) e.fields[list] = "[]";
      existing.emplace(r[0].c_str(), std::move(e));
    }
    // Check the whole file against the register, in file order, as row-by-row writes would.
    std::vector<Planned> plan(b.risks.size());
    int64_t new_risks = 0, assessments = 0, changes = 0;
    for (size_t i = 0; i < b.risks.size(); ++i) {
      if (b.progress) b.progress->rows(static_cast<int64_t>(i + 1));
      const ImportedRisk& ir = b.risks[i];
      const Risk& r = ir.risk;
      Planned& p = plan[i];
      auto it = existing.find(r.id);
      p.found = it != existing.end();
      if (p.found != ir.exists)
        throw Error(ErrorKind::Conflict,
                    p.found ? events::import_created_since(r.id) : events::import_removed_since(r.id));
      if (p.found) {
        p.now = it->second.now;
        p.key = it->second.key;
        if (ir.fields)
          p.changes = changes::import_changes(r.id, it->second.fields, changes::import_values(r, ir.status), b.by, at,
                                              ir.reason);
        if (p.now != ir.expect) throw Error(ErrorKind::Conflict, events::import_rescored_since(r.id));
        ++res.updated;
      } else {
        ++new_risks;
        ++res.created;
        if (ir.status == std::optional<std::string>("closed"))  // a new risk imported closed
          p.changes = changes::import_changes(r.id, {{"status", "open"}}, {{"status", "closed"}}, b.by, at, ir.reason);
        existing.emplace(r.id, Existing{});  // a second row for it is a conflict, as it would be one by one
      }
      if (r.current && (!p.found || ir.rescore)) p.assessment = ++assessments;
      if (r.owner && (!p.found || ir.new_owner)) p.change = ++changes;
    }
    auto keys = pg_next_ids(tx, "risks", "key", new_risks);
    auto assessment_ids = pg_next_ids(tx, "assessments", "id", assessments);
    auto change_ids = pg_next_ids(tx, "owner_changes", "id", changes);
    size_t next_key = 0;
    for (auto& p : plan) {
      if (!p.found) p.key = keys[next_key++];
      if (p.assessment) p.assessment = assessment_ids[static_cast<size_t>(p.assessment - 1)];
      if (p.change) p.change = change_ids[static_cast<size_t>(p.change - 1)];
    }
    res.assessments = assessments;
    res.owner_changes = changes;

    if (new_risks > 0) {
      // New risks carry their current assessment and owner in the row itself (the
      // references are checked at commit). COPY cannot write into a table under row-level
      // security (a manager's import, docs/postgresql.md): for such a user the rows are
      // staged and inserted from there, checked by the policies; the tables' owner copies
      // straight in.
      const bool rls = tx.exec("SELECT row_security_active('risks')")[0][0].as<bool>();
      const std::vector<std::string> columns = {"key",           "id",
                                                "number",        "title",
                                                "heading",       "vulnerability",
                                                "triggers",      "consequences",
                                                "controls",      "target_likelihood",
                                                "target_impact", "notes",
                                                "owner",         "current_assessment"};
      std::string names;
      for (const auto& c : columns) names += (names.empty() ? "" : ", ") + c;
      if (rls)
        tx.exec("CREATE TEMP TABLE riskreg_stage_risks ON COMMIT DROP AS SELECT " + names + " FROM risks WITH NO DATA");
      {
        CopyIn out(tx, rls ? "riskreg_stage_risks" : "risks", columns);
        for (size_t i = 0; i < b.risks.size(); ++i) {
          const Planned& p = plan[i];
          if (p.found) continue;
          const Risk& r = b.risks[i].risk;
          out.row({p.key, r.id, r.number, r.title, r.heading, r.vulnerability, to_json(r.triggers),
                   to_json(r.consequences), to_json(r.controls), r.target ? r.target->likelihood.c_str() : nullptr,
                   r.target ? r.target->impact.c_str() : nullptr, to_json(r.notes), p.change ? opt_c(r.owner) : nullptr,
                   p.assessment ? CopyField(p.assessment) : CopyField(nullptr)});
        }
        out.complete();
      }
      if (rls) tx.exec("INSERT INTO risks (" + names + ") SELECT " + names + " FROM riskreg_stage_risks ORDER BY key");
    }
    // Updates of existing risks: one statement each (an import of updates is a register's
    // own size, not a sector's).
    for (size_t i = 0; i < b.risks.size(); ++i) {
      const Planned& p = plan[i];
      const ImportedRisk& ir = b.risks[i];
      const Risk& r = ir.risk;
      if (!p.found) continue;
      auto target_l = r.target ? std::optional(r.target->likelihood) : std::nullopt;
      auto target_i = r.target ? std::optional(r.target->impact) : std::nullopt;
      if (ir.fields)
        tx.exec_params(R"sql(UPDATE risks SET title = $1, heading = $2, vulnerability = $3, triggers = $4,
            consequences = $5, controls = $6, target_likelihood = $7, target_impact = $8, notes = $9
            WHERE key = $10)sql",
                       r.title, r.heading, r.vulnerability, to_json(r.triggers), to_json(r.consequences),
                       to_json(r.controls), opt_c(target_l), opt_c(target_i), to_json(r.notes), p.key);
      if (p.assessment)
        tx.exec_params(
            "UPDATE risks SET previous_assessment = current_assessment, current_assessment = $1 "
            "WHERE key = $2",
            p.assessment, p.key);
      if (p.change) tx.exec_params("UPDATE risks SET owner = $1 WHERE key = $2", *r.owner, p.key);
    }
    // The fields each row changes (new risks' rows are in by now): the status column, then one
    // change row each, written as SqliteStore writes them, in file order.
    for (auto& p : plan)
      for (auto& row : p.changes) {
        if (row.field == "status") tx.exec_params("UPDATE risks SET status = $1 WHERE key = $2", row.to, p.key);
        row.id = tx.exec_params(R"sql(INSERT INTO changes (risk, kind, field, from_value, to_value, changed_by,
            changed_at, reason) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id)sql",
                                p.key, row.kind, row.field, row.from, row.to, row.by, row.at, row.reason)[0][0]
                     .as<int64_t>();
        ++res.changes;
      }
    if (assessments > 0) {
      // Staged, then inserted: COPY cannot write into a table under row-level security,
      // and the INSERT is checked by the owners' policy.
      CopyIn out(tx, "riskreg_stage_assessments",
                 {"id", "risk", "likelihood", "impact", "assessed_by", "assessed_at", "reason"});
      for (size_t i = 0; i < b.risks.size(); ++i)
        if (plan[i].assessment) {
          const auto& c = *b.risks[i].risk.current;
          out.row({plan[i].assessment, plan[i].key, c.likelihood, c.impact, b.by, at, b.risks[i].reason});
        }
      out.complete();
      tx.exec(R"sql(INSERT INTO assessments (id, risk, likelihood, impact, assessed_by, assessed_at, reason)
          SELECT id, risk, likelihood, impact, assessed_by, assessed_at, reason FROM riskreg_stage_assessments
          ORDER BY id)sql");
    }
    if (changes > 0) {
      CopyIn out(tx, "owner_changes", {"id", "risk", "owner", "changed_by", "changed_at", "reason"});
      for (size_t i = 0; i < b.risks.size(); ++i)
        if (plan[i].change) out.row({plan[i].change, plan[i].key, *b.risks[i].risk.owner, b.by, at, b.risks[i].reason});
      out.complete();
    }
    res.import_id = tx.exec_params(R"sql(INSERT INTO imports (file, sha256, rows, imported_by, imported_at)
        VALUES ($1,$2,$3,$4,$5) RETURNING id)sql",
                                   b.file, b.sha256, b.rows, b.by, at)[0][0]
                        .as<int64_t>();
    // One "import" entry records every row the import appended by id range and digest,
    // which `audit verify` recomputes from the tables (audit/chain.h RowDigest).
    ImportRecord record;  // what the one "import" audit entry records of the rows appended
    for (size_t i = 0; i < b.risks.size(); ++i) {
      const Planned& p = plan[i];
      const ImportedRisk& ir = b.risks[i];
      const Risk& r = ir.risk;
      if (p.assessment) record.add(AssessmentRow{p.assessment, r.id, *r.current, b.by, at, ir.reason});
      if (p.change) record.add(OwnerChange{p.change, r.id, *r.owner, b.by, at, ir.reason});
    }
    AuditCopy audit(tx);
    for (const auto& p : plan)
      for (const auto& row : p.changes) audit.add(row.at, row.by, row.kind, row.subject, events::change_detail(row));
    audit.add(at, b.by, events::kImport, "register", record.detail(b, res));
    audit.complete();
    tx.commit();
    if (b.risks.size() >= 1000) pg_analyze(*conn_);  // a batch that can change the tables' shape
    events::log_committed(events::kImport, "register", audit.next_seq() - 1, where_);
    return res;
  } catch (const pqxx::insufficient_privilege& e) {
    std::string msg = e.what();
    throw Error(ErrorKind::Conflict, where_ + ": refused by the database for user '" + conn_->username() +
                                         "': " + msg.substr(0, msg.find('\n')) + "; nothing was imported");
  } catch (const pqxx::transaction_rollback&) {
    throw Error(ErrorKind::Busy, where_ +
                                     ": the register stayed locked by another writer; nothing was imported, "
                                     "try again");
  } catch (const pqxx::failure& e) {
    std::string msg = e.what();
    throw Error(ErrorKind::Internal, where_ + ": " + msg.substr(0, msg.find('\n')) + "; nothing was imported");
  }
}

}  // namespace riskreg
