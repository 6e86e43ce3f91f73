// SqliteStore's lifecycle: the SQL behind store/changes.h.
#include <SQLiteCpp/SQLiteCpp.h>

#include <nlohmann/json.hpp>

#include "audit/events.h"
#include "core/error.h"
#include "core/text.h"
#include "records/json_list.h"
#include "store/changes.h"
#include "store/sqlite_rows.h"
#include "store/sqlite_store.h"

namespace riskreg {

namespace {

/// The column a field is kept in (the target's two are written together).
const char* column_of(const std::string& field) {
  for (const char* c : {"title", "heading", "vulnerability", "triggers", "consequences", "controls", "status",
                        "next_review", "last_review", "response"})
    if (field == c) return c;
  return nullptr;
}

class SqliteChanges : public changes::ChangeBackend {
 public:
  SqliteChanges(SQLite::Database& db, std::function<int64_t(const ChangeRow&, const std::string&)> audit)
      : db_(db), audit_(std::move(audit)) {}

  std::optional<std::map<std::string, std::string>> read_fields(const std::string& id) override {
    SQLite::Statement st(db_, R"sql(SELECT key, title, heading, vulnerability, triggers, consequences, controls,
        target_likelihood, target_impact, status, next_review, last_review, response FROM risks WHERE id = ?)sql");
    st.bind(1, id);
    if (!st.executeStep()) return std::nullopt;
    key_ = st.getColumn(0).getInt64();
    std::map<std::string, std::string> out;
    const char* names[] = {"title", "heading", "vulnerability", "triggers", "consequences", "controls"};
    for (int i = 0; i < 6; ++i) out[names[i]] = st.getColumn(1 + i).getString();
    for (const char* list : {"triggers", "consequences", "controls"})
      if (out[list].empty()) out[list] = "[]";
    out["target"] = st.getColumn(7).isNull()
                        ? ""
                        : changes::score_text(ScoreCodes{st.getColumn(7).getString(), st.getColumn(8).getString()});
    out["status"] = st.getColumn(9).getString();
    out["next_review"] = st.getColumn(10).getString();
    out["last_review"] = st.getColumn(11).getString();
    out["response"] = st.getColumn(12).getString();
    return out;
  }

  void write_field(const std::string&, const std::string& field, const std::string& value) override {
    if (field == "target") {
      auto s = changes::score_from_text(value);
      SQLite::Statement st(db_, "UPDATE risks SET target_likelihood = ?, target_impact = ? WHERE key = ?");
      if (s) {
        st.bind(1, s->likelihood);
        st.bind(2, s->impact);
      } else {
        st.bind(1);
        st.bind(2);
      }
      st.bind(3, key_);
      st.exec();
      return;
    }
    const char* column = column_of(field);
    if (!column) throw Error(ErrorKind::Internal, "no column for the field '" + field + "'");
    SQLite::Statement st(db_, std::string("UPDATE risks SET ") + column + " = ? WHERE key = ?");
    st.bind(1, value);
    st.bind(2, key_);
    st.exec();
  }

  std::string read_link(const std::string& id, const std::string& field) override {
    if (field.rfind("priority:", 0) == 0) {
      std::string priority = field.substr(9);
      SQLite::Statement known(db_, "SELECT 1 FROM priorities WHERE id = ?");
      known.bind(1, priority);
      if (!known.executeStep()) {
        std::vector<std::string> ids;
        SQLite::Statement all(db_, "SELECT id FROM priorities ORDER BY pos");
        while (all.executeStep()) ids.push_back(all.getColumn(0).getString());
        throw Error(ErrorKind::NotFound, events::unknown_priority(priority, ids));
      }
      SQLite::Statement st(db_, "SELECT 1 FROM priority_risks WHERE priority = ? AND risk = ?");
      st.bind(1, priority);
      st.bind(2, key_);
      return st.executeStep() ? "linked" : "";
    }
    std::string to = field.substr(5);
    to_key_ = other_risk(to);
    if (to_key_ == key_) throw Error(ErrorKind::InvalidInput, events::feeds_itself(id));
    SQLite::Statement st(db_, "SELECT basis, transition_probability FROM feeds WHERE from_risk = ? AND to_risk = ?");
    st.bind(1, key_);
    st.bind(2, to_key_);
    if (!st.executeStep()) return "";
    return changes::feed_value(st.getColumn(0).getString(),
                               st.getColumn(1).isNull() ? std::nullopt : std::optional(st.getColumn(1).getDouble()));
  }

  void write_link(const std::string& id, const std::string& field, const std::string& value,
                  const std::string& evidence) override {
    if (field.rfind("priority:", 0) == 0) {
      std::string priority = field.substr(9);
      if (value.empty()) {
        SQLite::Statement del(db_, "DELETE FROM priority_risks WHERE priority = ? AND risk = ?");
        del.bind(1, priority);
        del.bind(2, key_);
        del.exec();
      } else {
        SQLite::Statement ins(db_, R"sql(INSERT INTO priority_risks VALUES (?1, ?2,
            (SELECT coalesce(max(pos), -1) + 1 FROM priority_risks WHERE priority = ?1)))sql");
        ins.bind(1, priority);
        ins.bind(2, key_);
        ins.exec();
      }
      return;
    }
    read_link(id, field);  // sets to_key_
    if (value.empty()) {
      SQLite::Statement del(db_, "DELETE FROM feeds WHERE from_risk = ? AND to_risk = ?");
      del.bind(1, key_);
      del.bind(2, to_key_);
      del.exec();
      return;
    }
    auto v = nlohmann::json::parse(value);
    std::string basis = v["basis"].get<std::string>();
    SQLite::Statement up(db_, R"sql(INSERT INTO feeds (from_risk, to_risk, basis, evidence, transition_probability)
        VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (from_risk, to_risk) DO UPDATE SET basis = ?3,
        transition_probability = ?5)sql");
    up.bind(1, key_);
    up.bind(2, to_key_);
    up.bind(3, basis);
    up.bind(4, evidence);
    if (v.contains("probability"))
      up.bind(5, v["probability"].get<double>());
    else
      up.bind(5);
    up.exec();
  }

  int64_t version(const std::string&) override {
    SQLite::Statement st(db_, R"sql(SELECT (SELECT count(*) FROM assessments WHERE risk = ?1)
        + (SELECT count(*) FROM owner_changes WHERE risk = ?1) + (SELECT count(*) FROM changes WHERE risk = ?1))sql");
    st.bind(1, key_);
    st.executeStep();
    return st.getColumn(0).getInt64();
  }

  int64_t insert_change(const ChangeRow& r) override {
    SQLite::Statement st(db_, R"sql(INSERT INTO changes (risk, kind, field, from_value, to_value, changed_by,
        changed_at, reason) VALUES (?,?,?,?,?,?,?,?))sql");
    st.bind(1, key_);
    st.bind(2, r.kind);
    st.bind(3, r.field);
    st.bind(4, r.from);
    st.bind(5, r.to);
    st.bind(6, r.by);
    st.bind(7, r.at);
    st.bind(8, r.reason);
    st.exec();
    return db_.getLastInsertRowid();
  }

  int64_t append_audit(const ChangeRow& row, const std::string& detail) override { return audit_(row, detail); }

  void set_key(int64_t key) { key_ = key; }

 private:
  int64_t other_risk(const std::string& id) {
    SQLite::Statement st(db_, "SELECT key FROM risks WHERE id = ?");
    st.bind(1, id);
    if (!st.executeStep()) throw Error(ErrorKind::NotFound, events::unknown_risk(id));
    return st.getColumn(0).getInt64();
  }

  SQLite::Database& db_;
  std::function<int64_t(const ChangeRow&, const std::string&)> audit_;
  int64_t key_ = 0;     ///< of the risk read_fields found
  int64_t to_key_ = 0;  ///< of the risk a "feed:" field names (read_link)
};

class SqliteActions : public changes::ActionBackend {
 public:
  SqliteActions(SQLite::Database& db, std::function<int64_t(const ChangeRow&, const std::string&)> audit)
      : db_(db), audit_(std::move(audit)) {}

  std::optional<std::map<std::string, std::string>> read_action(const std::string& id) override {
    SQLite::Statement st(db_, "SELECT status, due FROM actions WHERE id = ?");
    st.bind(1, id);
    if (!st.executeStep()) return std::nullopt;
    return std::map<std::string, std::string>{{"status", st.getColumn(0).getString()},
                                              {"due", st.getColumn(1).getString()}};
  }

  std::vector<std::string> action_ids() override {
    std::vector<std::string> out;
    SQLite::Statement st(db_, R"sql(SELECT a.id FROM actions a JOIN priorities p ON p.id = a.priority
        ORDER BY p.pos, a.pos)sql");
    while (st.executeStep()) out.push_back(st.getColumn(0).getString());
    return out;
  }

  void write_action(const std::string& id, const std::string& field, const std::string& value) override {
    if (field != "status" && field != "due") throw Error(ErrorKind::Internal, "no action column '" + field + "'");
    SQLite::Statement st(db_, "UPDATE actions SET " + field + " = ? WHERE id = ?");
    st.bind(1, value);
    st.bind(2, id);
    st.exec();
  }

  int64_t action_version(const std::string& id) override {
    SQLite::Statement st(db_, "SELECT count(*) FROM action_changes WHERE action = ?");
    st.bind(1, id);
    st.executeStep();
    return st.getColumn(0).getInt64();
  }

  int64_t insert_action_change(const ChangeRow& r) override {
    SQLite::Statement st(db_, R"sql(INSERT INTO action_changes (action, kind, field, from_value, to_value,
        changed_by, changed_at, reason) VALUES (?,?,?,?,?,?,?,?))sql");
    st.bind(1, r.subject);
    st.bind(2, r.kind);
    st.bind(3, r.field);
    st.bind(4, r.from);
    st.bind(5, r.to);
    st.bind(6, r.by);
    st.bind(7, r.at);
    st.bind(8, r.reason);
    st.exec();
    return db_.getLastInsertRowid();
  }

  int64_t append_audit(const ChangeRow& row, const std::string& detail) override { return audit_(row, detail); }

 private:
  SQLite::Database& db_;
  std::function<int64_t(const ChangeRow&, const std::string&)> audit_;
};

ChangeRow read_change(SQLite::Statement& st) {
  ChangeRow r;
  r.id = st.getColumn(0).getInt64();
  r.subject = st.getColumn(1).getString();
  r.kind = st.getColumn(2).getString();
  r.field = st.getColumn(3).getString();
  r.from = st.getColumn(4).getString();
  r.to = st.getColumn(5).getString();
  r.by = st.getColumn(6).getString();
  r.at = st.getColumn(7).getString();
  r.reason = st.getColumn(8).getString();
  return r;
}

constexpr const char* kChangeSelect = R"sql(SELECT c.id, r.id, c.kind, c.field, c.from_value, c.to_value,
    c.changed_by, c.changed_at, c.reason FROM changes c JOIN risks r ON r.key = c.risk)sql";

}  // namespace

AppliedChange SqliteStore::apply_change(const ChangeRequest& c) {
  return sqlite_rows::guarded(path_, [&] {
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    SqliteChanges b(*db_, [&](const ChangeRow& row, const std::string& detail) {
      return append_audit(row.at, row.by, row.kind, row.subject, detail);
    });
    auto out = changes::apply(b, c);
    tx.commit();
    for (const auto& row : out.rows) events::log_committed(row.kind.c_str(), row.subject, row.audit_seq, path_);
    return out;
  });
}

bool SqliteStore::lapse(const NewAssessment& a) {
  SqliteChanges b(*db_, [&](const ChangeRow& row, const std::string& detail) {
    return append_audit(row.at, row.by, row.kind, row.subject, detail);
  });
  return changes::apply_lapse(b, a.risk_id, a.lapse_from, a.by, a.at, a.lapse_reason).has_value();
}

AppliedChange SqliteStore::apply_action_change(const ChangeRequest& c) {
  return sqlite_rows::guarded(path_, [&] {
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    SqliteActions b(*db_, [&](const ChangeRow& row, const std::string& detail) {
      return append_audit(row.at, row.by, row.kind, row.subject, detail);
    });
    auto out = changes::apply_action(b, c);
    tx.commit();
    for (const auto& row : out.rows) events::log_committed(row.kind.c_str(), row.subject, row.audit_seq, path_);
    return out;
  });
}

std::optional<Action> SqliteStore::action(const std::string& action_id) {
  return sqlite_rows::guarded(path_, [&]() -> std::optional<Action> {
    // The id as written first, through its index; only when none has it, any case (a scan: the
    // index is not case-blind, and a register of a million risks has some 650,000 actions).
    const char* columns = R"sql(SELECT id, priority, text, lead_officers_as_written, lead_officers,
        milestones, completion, resources, pis_as_written, pis, targets, notes, status, due FROM actions )sql";
    SQLite::Statement exact(*db_, std::string(columns) + "WHERE id = ?");
    exact.bind(1, action_id);
    SQLite::Statement any_case(*db_, std::string(columns) + "WHERE id = ? COLLATE NOCASE ORDER BY id LIMIT 1");
    any_case.bind(1, action_id);
    SQLite::Statement& st = exact.executeStep() ? exact : any_case;
    if (&st == &any_case && !any_case.executeStep()) return std::nullopt;
    Action a;
    int j = 0;
    a.id = st.getColumn(j++).getString();
    a.priority_id = st.getColumn(j++).getString();
    a.text = st.getColumn(j++).getString();
    a.lead_officers_as_written = st.getColumn(j++).getString();
    a.lead_officers = from_json(st.getColumn(j++).getString());
    a.milestones = from_json(st.getColumn(j++).getString());
    a.completion = st.getColumn(j++).getString();
    a.resources = st.getColumn(j++).getString();
    a.pis_as_written = st.getColumn(j++).getString();
    a.pis = from_json(st.getColumn(j++).getString());
    a.targets = st.getColumn(j++).getString();
    a.notes = from_json(st.getColumn(j++).getString());
    a.status = st.getColumn(j++).getString();
    a.due = st.getColumn(j++).getString();
    return a;
  });
}

std::vector<std::string> SqliteStore::action_ids() {
  return sqlite_rows::guarded(path_, [&] { return SqliteActions(*db_, nullptr).action_ids(); });
}

std::vector<ChangeRow> SqliteStore::action_changes(const std::string& action_id) {
  return sqlite_rows::guarded(path_, [&] {
    std::vector<ChangeRow> out;
    std::string sql = R"sql(SELECT id, action, kind, field, from_value, to_value, changed_by, changed_at, reason
        FROM action_changes)sql";
    if (!action_id.empty()) sql += " WHERE action = ?";
    SQLite::Statement st(*db_, sql + " ORDER BY id");
    if (!action_id.empty()) st.bind(1, action_id);
    while (st.executeStep()) out.push_back(read_change(st));
    return out;
  });
}

ChangeRow SqliteStore::add_risk(const NewRisk& n) {
  return sqlite_rows::guarded(path_, [&] {
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    {
      SQLite::Statement held(*db_, "SELECT 1 FROM risks WHERE id = ?");
      held.bind(1, n.risk.id);
      if (held.executeStep()) throw Error(ErrorKind::Conflict, events::risk_exists(n.risk.id));
    }
    std::string at = format_timestamp(n.at);
    ListsJson lists;
    encode_lists(n.risk, lists);
    SQLite::Statement ins(*db_, sqlite_rows::kInsertRisk);
    sqlite_rows::bind_risk_row(ins, n.risk, lists);
    ins.bind(14);
    ins.exec();
    int64_t key = db_->getLastInsertRowid();
    {
      SQLite::Statement rev(*db_, "UPDATE risks SET next_review = ? WHERE key = ?");
      rev.bind(1, n.next_review);
      rev.bind(2, key);
      rev.exec();
    }
    SqliteChanges b(*db_, [&](const ChangeRow& row, const std::string& detail) {
      return append_audit(row.at, row.by, row.kind, row.subject, detail);
    });
    b.set_key(key);
    ChangeRow added = changes::record_add(b, n);
    if (n.risk.current) {
      AssessmentRow row{0, n.risk.id, *n.risk.current, n.by, at, n.reason};
      SQLite::Statement a(*db_, R"sql(INSERT INTO assessments (risk, likelihood, impact, assessed_by, assessed_at,
          reason) VALUES (?,?,?,?,?,?))sql");
      a.bind(1, key);
      a.bind(2, row.score.likelihood);
      a.bind(3, row.score.impact);
      a.bind(4, row.by);
      a.bind(5, row.at);
      a.bind(6, row.reason);
      a.exec();
      row.id = db_->getLastInsertRowid();
      SQLite::Statement cur(*db_, "UPDATE risks SET current_assessment = ? WHERE key = ?");
      cur.bind(1, row.id);
      cur.bind(2, key);
      cur.exec();
      append_audit(at, n.by, events::kScore, n.risk.id, events::score_detail(row, std::nullopt));
    }
    if (n.risk.owner) {
      OwnerChange o{0, n.risk.id, *n.risk.owner, n.by, at, n.reason};
      SQLite::Statement ins_o(
          *db_, "INSERT INTO owner_changes (risk, owner, changed_by, changed_at, reason) VALUES (?,?,?,?,?)");
      ins_o.bind(1, key);
      ins_o.bind(2, o.owner);
      ins_o.bind(3, o.by);
      ins_o.bind(4, o.at);
      ins_o.bind(5, o.reason);
      ins_o.exec();
      o.id = db_->getLastInsertRowid();
      append_audit(at, n.by, events::kOwner, n.risk.id, events::owner_detail(o));
    }
    tx.commit();
    events::log_committed(events::kAdd, n.risk.id, added.audit_seq, path_);
    return added;
  });
}

std::vector<ChangeRow> SqliteStore::changes(const std::string& risk_id) {
  return sqlite_rows::guarded(path_, [&] {
    std::vector<ChangeRow> out;
    SQLite::Statement st(*db_, std::string(kChangeSelect) + " WHERE r.id = ? ORDER BY c.id");
    st.bind(1, risk_id);
    while (st.executeStep()) out.push_back(read_change(st));
    return out;
  });
}

void SqliteStore::for_each_change(const std::function<void(const ChangeRow&)>& visit) {
  sqlite_rows::guarded(path_, [&] {
    SQLite::Statement st(*db_, std::string(kChangeSelect) + " ORDER BY c.id");
    while (st.executeStep()) visit(read_change(st));
  });
}

int64_t SqliteStore::risk_version(const std::string& risk_id) {
  return sqlite_rows::guarded(path_, [&]() -> int64_t {
    SQLite::Statement st(*db_, R"sql(SELECT (SELECT count(*) FROM assessments a WHERE a.risk = r.key)
        + (SELECT count(*) FROM owner_changes o WHERE o.risk = r.key)
        + (SELECT count(*) FROM changes c WHERE c.risk = r.key) FROM risks r WHERE r.id = ?)sql");
    st.bind(1, risk_id);
    if (!st.executeStep()) throw Error(ErrorKind::NotFound, events::unknown_risk(risk_id));
    return st.getColumn(0).getInt64();
  });
}

}  // namespace riskreg
