// PgStore::import_risks: a validated import written in one transaction (store/store.h), as
// SqliteStore::import_risks writes it.
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "audit/chain.h"
#include "core/error.h"
#include "store/pg_store.h"

using nlohmann::json;

namespace riskreg {

namespace {
std::string list_json(const std::vector<std::string>& v) { return json(v).dump(); }
const char* opt_c(const std::optional<std::string>& v) { return v ? v->c_str() : nullptr; }
}  // namespace

ImportResult PgStore::import_risks(const ImportBatch& b) {
  try {
    ImportResult res;
    const std::string at = format_timestamp(b.at);
    pqxx::work tx(*conn_);
    // Every existing row first, then the chain head (in append_audit): the lock order of
    // every other write, so an import and a re-score never deadlock.
    for (const auto& ir : b.risks)
      if (ir.exists) tx.exec_params("SELECT key FROM risks WHERE id = $1 FOR UPDATE", ir.risk.id);
    RowDigest assessments, owners;
    int64_t first_assessment = 0, last_assessment = 0, first_owner = 0, last_owner = 0;
    int64_t done = 0;
    for (const auto& ir : b.risks) {
      if (b.progress) b.progress->rows(++done);
      const Risk& r = ir.risk;
      auto find = tx.exec_params(R"sql(SELECT r.key, c.likelihood, c.impact FROM risks r
          LEFT JOIN assessments c ON c.id = r.current_assessment WHERE r.id = $1)sql",
                                 r.id);
      bool found = !find.empty();
      if (found != ir.exists)
        throw Error(ErrorKind::Conflict, r.id + (found ? " was created" : " was removed") +
                                             " since the file was checked; nothing was imported, try again");
      int64_t key = 0;
      std::optional<ScoreCodes> now;
      if (found) {
        key = find[0][0].as<int64_t>();
        if (!find[0][1].is_null()) now = ScoreCodes{find[0][1].c_str(), find[0][2].c_str()};
        if (now != ir.expect)
          throw Error(ErrorKind::Conflict, r.id + " was re-scored since the file was checked; nothing was imported, "
                                                  "try again");
      }
      auto target_l = r.target ? std::optional(r.target->likelihood) : std::nullopt;
      auto target_i = r.target ? std::optional(r.target->impact) : std::nullopt;
      std::string number = r.number ? std::to_string(*r.number) : "";
      if (!found) {
        key = tx.exec_params(R"sql(INSERT INTO risks (id, number, title, heading, vulnerability, triggers,
            consequences, controls, target_likelihood, target_impact, notes) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
            RETURNING key)sql",
                             r.id, r.number ? number.c_str() : nullptr, r.title, r.heading, r.vulnerability,
                             list_json(r.triggers), list_json(r.consequences), list_json(r.controls), opt_c(target_l),
                             opt_c(target_i), list_json(r.notes))[0][0]
                  .as<int64_t>();
        ++res.created;
      } else {
        ++res.updated;
        if (ir.fields)
          tx.exec_params(R"sql(UPDATE risks SET title = $1, heading = $2, vulnerability = $3, triggers = $4,
              consequences = $5, controls = $6, target_likelihood = $7, target_impact = $8, notes = $9
              WHERE key = $10)sql",
                         r.title, r.heading, r.vulnerability, list_json(r.triggers), list_json(r.consequences),
                         list_json(r.controls), opt_c(target_l), opt_c(target_i), list_json(r.notes), key);
      }
      if (r.current && (!found || ir.rescore)) {
        int64_t id = tx.exec_params(R"sql(INSERT INTO assessments (risk, likelihood, impact, assessed_by,
            assessed_at, reason) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id)sql",
                                    key, r.current->likelihood, r.current->impact, b.by, at, ir.reason)[0][0]
                         .as<int64_t>();
        tx.exec_params(
            "UPDATE risks SET previous_assessment = current_assessment, current_assessment = $1 WHERE key = $2", id,
            key);
        // Recorded by the one "import" entry's digest, which `audit verify` recomputes.
        assessments.add(AssessmentRow{id, r.id, *r.current, b.by, at, ir.reason});
        if (!first_assessment) first_assessment = id;
        last_assessment = id;
        ++res.assessments;
      }
      if (r.owner && (!found || ir.new_owner)) {
        int64_t id = tx.exec_params(R"sql(INSERT INTO owner_changes (risk, owner, changed_by, changed_at, reason)
            VALUES ($1,$2,$3,$4,$5) RETURNING id)sql",
                                    key, *r.owner, b.by, at, ir.reason)[0][0]
                         .as<int64_t>();
        tx.exec_params("UPDATE risks SET owner = $1 WHERE key = $2", *r.owner, key);
        owners.add(OwnerChange{id, r.id, *r.owner, b.by, at, ir.reason});
        if (!first_owner) first_owner = id;
        last_owner = id;
        ++res.owner_changes;
      }
    }
    res.import_id = tx.exec_params(R"sql(INSERT INTO imports (file, sha256, rows, imported_by, imported_at)
        VALUES ($1,$2,$3,$4,$5) RETURNING id)sql",
                                   b.file, b.sha256, b.rows, b.by, at)[0][0]
                        .as<int64_t>();
    append_audit(tx, at, b.by, "import", "register",
                 json{{"import", res.import_id},
                      {"file", b.file},
                      {"sha256", b.sha256},
                      {"rows", b.rows},
                      {"created", res.created},
                      {"updated", res.updated},
                      {"assessments",
                       {{"count", res.assessments},
                        {"first", first_assessment},
                        {"last", last_assessment},
                        {"sha256", assessments.hex()}}},
                      {"owner_changes",
                       {{"count", res.owner_changes},
                        {"first", first_owner},
                        {"last", last_owner},
                        {"sha256", owners.hex()}}}}
                     .dump());
    tx.commit();
    return res;
  } catch (const pqxx::insufficient_privilege& e) {
    std::string msg = e.what();
    throw Error(ErrorKind::Conflict, where_ + ": refused by the database for user '" + conn_->username() +
                                         "': " + msg.substr(0, msg.find('\n')) + "; nothing was imported");
  } catch (const pqxx::transaction_rollback&) {
    throw Error(ErrorKind::Busy, where_ + ": the register stayed locked by another writer; nothing was imported, "
                                          "try again");
  } catch (const pqxx::failure& e) {
    std::string msg = e.what();
    throw Error(ErrorKind::Internal, where_ + ": " + msg.substr(0, msg.find('\n')) + "; nothing was imported");
  }
}

}  // namespace riskreg
