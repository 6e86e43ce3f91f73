// PgStore's stored rules as versions: the SQL behind `rules apply`, `rules history`, `--as-of`
// and the rules part of `audit verify`. Applying rules is the manager's (store/pg_schema.cc
// grants INSERT on rules_files to riskreg_manager only).
#include <pqxx/pqxx>

#include "audit/events.h"
#include "core/error.h"
#include "store/pg_guard.h"
#include "store/pg_store.h"

namespace riskreg {

namespace {
using pg::guarded;
using pg::str;
}  // namespace

std::vector<RulesFile> PgStore::rules_as_of(const std::string& as_of) {
  return guarded(where_, conn_.get(), [&] {
    pqxx::nontransaction tx(*conn_);  // one statement: its own snapshot
    std::vector<RulesFile> out;
    // Times compare as text, byte by byte (COLLATE "C"), as SQLite compares them.
    for (const auto& r : tx.exec_params(R"sql(SELECT name, content, sha256 FROM rules_files f
        WHERE seq = (SELECT max(seq) FROM rules_files g WHERE g.name = f.name AND g.loaded_at COLLATE "C" <= $1)
        ORDER BY name COLLATE "C")sql",
                                        as_of))
      out.push_back({str(r[0]), str(r[1]), str(r[2])});
    return out;
  });
}

std::vector<StoredRulesFile> PgStore::rules_rows() {
  return guarded(where_, conn_.get(), [&] {
    pqxx::nontransaction tx(*conn_);
    std::vector<StoredRulesFile> out;
    for (const auto& r :
         tx.exec("SELECT seq, name, content, sha256, loaded_at, loaded_by FROM rules_files ORDER BY seq")) {
      StoredRulesFile f;
      f.seq = r[0].as<int64_t>();
      f.name = str(r[1]);
      f.content = str(r[2]);
      f.sha256 = str(r[3]);
      f.loaded_at = str(r[4]);
      f.loaded_by = str(r[5]);
      out.push_back(std::move(f));
    }
    return out;
  });
}

std::vector<AuditEntry> PgStore::audit_entries(const std::vector<std::string>& actions) {
  return guarded(where_, conn_.get(), [&] {
    std::vector<AuditEntry> out;
    if (actions.empty()) return out;
    pqxx::nontransaction tx(*conn_);
    std::string list;
    for (const auto& a : actions) list += (list.empty() ? "" : ",") + tx.quote(a);
    for (const auto& r : tx.exec("SELECT seq, at, actor, action, entity, detail, prev_hash, hash FROM audit "
                                 "WHERE action IN (" +
                                 list + ") ORDER BY seq"))
      out.push_back({r[0].as<int64_t>(), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]), str(r[6]), str(r[7])});
    return out;
  });
}

AppliedRules PgStore::apply_rules(const NewRulesVersion& v) {
  return guarded(where_, conn_.get(), [&] {
    const std::string at = format_timestamp(v.at);
    pqxx::work tx(*conn_);
    // The chain head first: it serialises applies, so the version counted is the one in force
    // when this one is appended (append_audit takes the same lock again, harmlessly).
    tx.exec("SELECT id FROM audit_head WHERE id = 1 FOR UPDATE");
    int64_t version =
        1 +
        tx.exec_params("SELECT count(*) FROM audit WHERE action = $1", std::string(events::kRules))[0][0].as<int64_t>();
    if (version != v.expect_version)
      throw Error(ErrorKind::Conflict, events::rules_version_conflict(v.expect_version, version));
    AppliedRules out;
    out.version = version + 1;
    for (const auto& f : v.files) {
      StoredRulesFile row;
      static_cast<RulesFile&>(row) = f;
      try {
        row.seq = tx.exec_params(R"sql(INSERT INTO rules_files (name, content, sha256, loaded_at, loaded_by)
            VALUES ($1,$2,$3,$4,$5) RETURNING seq)sql",
                                 f.name, f.content, f.sha256, at, v.by)[0][0]
                      .as<int64_t>();
      } catch (const pqxx::insufficient_privilege&) {
        throw Error(ErrorKind::Conflict, "refused by the database: user '" + std::string(conn_->username()) +
                                             "' may not apply rules (applying rules is a risk manager's; see "
                                             "docs/postgresql.md)");
      }
      row.loaded_at = at;
      row.loaded_by = v.by;
      out.rows.push_back(std::move(row));
    }
    out.audit_seq =
        append_audit(tx, at, v.by, events::kRules, "register", events::rules_detail(out.version, out.rows, v.reason));
    tx.commit();
    events::log_committed(events::kRules, "register", out.audit_seq, where_);
    return out;
  });
}

}  // namespace riskreg
