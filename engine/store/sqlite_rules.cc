// SqliteStore's stored rules as versions: the SQL behind `rules apply`, `rules history`,
// `--as-of` and the rules part of `audit verify`.
#include <SQLiteCpp/SQLiteCpp.h>

#include "audit/events.h"
#include "core/error.h"
#include "store/sqlite_rows.h"
#include "store/sqlite_store.h"

namespace riskreg {

using sqlite_rows::guarded;

std::vector<RulesFile> SqliteStore::rules_as_of(const std::string& as_of) {
  return guarded(path_, [&] {
    std::vector<RulesFile> out;
    SQLite::Statement st(*db_, R"sql(SELECT name, content, sha256 FROM rules_files f
        WHERE seq = (SELECT max(seq) FROM rules_files g WHERE g.name = f.name AND g.loaded_at <= ?1) ORDER BY name)sql");
    st.bind(1, as_of);
    while (st.executeStep())
      out.push_back({st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getString()});
    return out;
  });
}

std::vector<StoredRulesFile> SqliteStore::rules_rows() {
  return guarded(path_, [&] {
    std::vector<StoredRulesFile> out;
    SQLite::Statement st(*db_, "SELECT seq, name, content, sha256, loaded_at, loaded_by FROM rules_files ORDER BY seq");
    while (st.executeStep()) {
      StoredRulesFile f;
      f.seq = st.getColumn(0).getInt64();
      f.name = st.getColumn(1).getString();
      f.content = st.getColumn(2).getString();
      f.sha256 = st.getColumn(3).getString();
      f.loaded_at = st.getColumn(4).getString();
      f.loaded_by = st.getColumn(5).getString();
      out.push_back(std::move(f));
    }
    return out;
  });
}

std::vector<AuditEntry> SqliteStore::audit_entries(const std::vector<std::string>& actions) {
  return guarded(path_, [&] {
    std::vector<AuditEntry> out;
    if (actions.empty()) return out;
    std::string marks = "?";
    for (size_t i = 1; i < actions.size(); ++i) marks += ",?";
    SQLite::Statement st(*db_,
                         "SELECT seq, at, actor, action, entity, detail, prev_hash, hash FROM audit "
                         "WHERE action IN (" +
                             marks + ") ORDER BY seq");
    for (size_t i = 0; i < actions.size(); ++i) st.bind(static_cast<int>(i + 1), actions[i]);
    while (st.executeStep())
      out.push_back({st.getColumn(0).getInt64(), st.getColumn(1).getString(), st.getColumn(2).getString(),
                     st.getColumn(3).getString(), st.getColumn(4).getString(), st.getColumn(5).getString(),
                     st.getColumn(6).getString(), st.getColumn(7).getString()});
    return out;
  });
}

AppliedRules SqliteStore::apply_rules(const NewRulesVersion& v) {
  return guarded(path_, [&] {
    const std::string at = format_timestamp(v.at);
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    // The register's first rules are version 1 (the "create" entry); each "rules" entry one more.
    int64_t version =
        1 +
        db_->execAndGet(std::string("SELECT count(*) FROM audit WHERE action = '") + events::kRules + "'").getInt64();
    if (version != v.expect_version)
      throw Error(ErrorKind::Conflict, events::rules_version_conflict(v.expect_version, version));
    AppliedRules out;
    out.version = version + 1;
    SQLite::Statement ins(*db_,
                          "INSERT INTO rules_files (name, content, sha256, loaded_at, loaded_by) VALUES (?,?,?,?,?)");
    for (const auto& f : v.files) {
      ins.reset();
      ins.bind(1, f.name);
      ins.bind(2, f.content);
      ins.bind(3, f.sha256);
      ins.bind(4, at);
      ins.bind(5, v.by);
      ins.exec();
      StoredRulesFile row;
      static_cast<RulesFile&>(row) = f;
      row.seq = db_->getLastInsertRowid();
      row.loaded_at = at;
      row.loaded_by = v.by;
      out.rows.push_back(std::move(row));
    }
    out.audit_seq =
        append_audit(at, v.by, events::kRules, "register", events::rules_detail(out.version, out.rows, v.reason));
    tx.commit();
    events::log_committed(events::kRules, "register", out.audit_seq, path_);
    return out;
  });
}

}  // namespace riskreg
