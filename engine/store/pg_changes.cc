// PgStore's lifecycle: the SQL behind store/changes.h, as SqliteStore's (store/sqlite_changes.cc)
// writes it: the same rows, in the same order, with the same audit entries. Each write is one
// transaction that locks the risk's row (SELECT ... FOR UPDATE) before reading what it changes,
// then the chain head (append_audit): the lock order of every PgStore write.
#include <pqxx/pqxx>

#include <nlohmann/json.hpp>

#include "audit/events.h"
#include "core/error.h"
#include "core/text.h"
#include "records/json_list.h"
#include "store/changes.h"
#include "store/pg_guard.h"
#include "store/pg_store.h"

namespace riskreg {

namespace {

using pg::str;

/// The column a field is kept in (the target's two are written together).
const char* column_of(const std::string& field) {
  for (const char* c : {"title", "heading", "vulnerability", "triggers", "consequences", "controls", "status",
                        "next_review", "last_review", "response"})
    if (field == c) return c;
  return nullptr;
}

class PgChanges : public changes::ChangeBackend {
 public:
  PgChanges(pqxx::dbtransaction& tx, std::function<int64_t(const ChangeRow&, const std::string&)> audit)
      : tx_(tx), audit_(std::move(audit)) {}

  std::optional<std::map<std::string, std::string>> read_fields(const std::string& id) override {
    // The row lock first: what is read is what no other writer can change before commit.
    auto res = tx_.exec_params(R"sql(SELECT key, title, heading, vulnerability, triggers, consequences, controls,
        target_likelihood, target_impact, status, next_review, last_review, response FROM risks WHERE id = $1
        FOR UPDATE)sql",
                               id);
    if (res.empty()) return std::nullopt;
    const pqxx::row& r = res[0];
    key_ = r[0].as<int64_t>();
    std::map<std::string, std::string> out;
    const char* names[] = {"title", "heading", "vulnerability", "triggers", "consequences", "controls"};
    for (int i = 0; i < 6; ++i) out[names[i]] = str(r[1 + i]);
    for (const char* list : {"triggers", "consequences", "controls"})
      if (out[list].empty()) out[list] = "[]";
    out["target"] = r[7].is_null() ? "" : changes::score_text(ScoreCodes{str(r[7]), str(r[8])});
    out["status"] = str(r[9]);
    out["next_review"] = str(r[10]);
    out["last_review"] = str(r[11]);
    out["response"] = str(r[12]);
    return out;
  }

  void write_field(const std::string&, const std::string& field, const std::string& value) override {
    if (field == "target") {
      auto s = changes::score_from_text(value);
      tx_.exec_params("UPDATE risks SET target_likelihood = $1, target_impact = $2 WHERE key = $3",
                      s ? std::optional(s->likelihood) : std::nullopt, s ? std::optional(s->impact) : std::nullopt,
                      key_);
      return;
    }
    const char* column = column_of(field);
    if (!column) throw Error(ErrorKind::Internal, "no column for the field '" + field + "'");
    tx_.exec_params(std::string("UPDATE risks SET ") + column + " = $1 WHERE key = $2", value, key_);
  }

  int64_t version(const std::string&) override {
    return tx_
        .exec_params(R"sql(SELECT (SELECT count(*) FROM assessments WHERE risk = $1)
        + (SELECT count(*) FROM owner_changes WHERE risk = $1) + (SELECT count(*) FROM changes WHERE risk = $1))sql",
                     key_)[0][0]
        .as<int64_t>();
  }

  int64_t insert_change(const ChangeRow& r) override {
    return tx_
        .exec_params(R"sql(INSERT INTO changes (risk, kind, field, from_value, to_value, changed_by, changed_at,
        reason) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id)sql",
                     key_, r.kind, r.field, r.from, r.to, r.by, r.at, r.reason)[0][0]
        .as<int64_t>();
  }

  int64_t append_audit(const ChangeRow& row, const std::string& detail) override { return audit_(row, detail); }

  std::string read_link(const std::string& id, const std::string& field) override {
    if (field.rfind("priority:", 0) == 0) {
      std::string priority = field.substr(9);
      if (tx_.exec_params("SELECT 1 FROM priorities WHERE id = $1", priority).empty()) {
        std::vector<std::string> ids;
        for (const auto& r : tx_.exec("SELECT id FROM priorities ORDER BY pos")) ids.push_back(str(r[0]));
        throw Error(ErrorKind::NotFound, events::unknown_priority(priority, ids));
      }
      return tx_.exec_params("SELECT 1 FROM priority_risks WHERE priority = $1 AND risk = $2", priority, key_).empty()
                 ? ""
                 : "linked";
    }
    std::string to = field.substr(5);
    auto k = tx_.exec_params("SELECT key FROM risks WHERE id = $1", to);
    if (k.empty()) throw Error(ErrorKind::NotFound, events::unknown_risk(to));
    to_key_ = k[0][0].as<int64_t>();
    if (to_key_ == key_) throw Error(ErrorKind::InvalidInput, events::feeds_itself(id));
    auto f = tx_.exec_params("SELECT basis, transition_probability FROM feeds WHERE from_risk = $1 AND to_risk = $2",
                             key_, to_key_);
    if (f.empty()) return "";
    return changes::feed_value(str(f[0][0]), f[0][1].is_null() ? std::nullopt : std::optional(f[0][1].as<double>()));
  }

  void write_link(const std::string& id, const std::string& field, const std::string& value,
                  const std::string& evidence) override {
    if (field.rfind("priority:", 0) == 0) {
      std::string priority = field.substr(9);
      if (value.empty())
        tx_.exec_params("DELETE FROM priority_risks WHERE priority = $1 AND risk = $2", priority, key_);
      else
        tx_.exec_params(R"sql(INSERT INTO priority_risks VALUES ($1, $2,
            (SELECT coalesce(max(pos), -1) + 1 FROM priority_risks WHERE priority = $1)))sql",
                        priority, key_);
      return;
    }
    read_link(id, field);  // sets to_key_
    if (value.empty()) {
      tx_.exec_params("DELETE FROM feeds WHERE from_risk = $1 AND to_risk = $2", key_, to_key_);
      return;
    }
    auto v = nlohmann::json::parse(value);
    std::optional<double> p;
    if (v.contains("probability")) p = v["probability"].get<double>();
    tx_.exec_params(R"sql(INSERT INTO feeds (from_risk, to_risk, basis, evidence, transition_probability)
        VALUES ($1, $2, $3, $4, $5) ON CONFLICT (from_risk, to_risk) DO UPDATE SET basis = $3,
        transition_probability = $5)sql",
                    key_, to_key_, v["basis"].get<std::string>(), evidence, p);
  }

  void set_key(int64_t key) { key_ = key; }

 private:
  int64_t to_key_ = 0;  ///< of the risk a "feed:" field names (read_link)
  pqxx::dbtransaction& tx_;
  std::function<int64_t(const ChangeRow&, const std::string&)> audit_;
  int64_t key_ = 0;  ///< of the risk read_fields found
};

class PgActions : public changes::ActionBackend {
 public:
  PgActions(pqxx::dbtransaction& tx, std::function<int64_t(const ChangeRow&, const std::string&)> audit)
      : tx_(tx), audit_(std::move(audit)) {}

  std::optional<std::map<std::string, std::string>> read_action(const std::string& id) override {
    // The row lock first, as for a risk's change.
    auto res = tx_.exec_params("SELECT status, due FROM actions WHERE id = $1 FOR UPDATE", id);
    if (res.empty()) return std::nullopt;
    return std::map<std::string, std::string>{{"status", str(res[0][0])}, {"due", str(res[0][1])}};
  }

  std::vector<std::string> action_ids() override {
    std::vector<std::string> out;
    for (const auto& r : tx_.exec("SELECT a.id FROM actions a JOIN priorities p ON p.id = a.priority "
                                  "ORDER BY p.pos, a.pos"))
      out.push_back(str(r[0]));
    return out;
  }

  void write_action(const std::string& id, const std::string& field, const std::string& value) override {
    if (field != "status" && field != "due") throw Error(ErrorKind::Internal, "no action column '" + field + "'");
    tx_.exec_params("UPDATE actions SET " + field + " = $1 WHERE id = $2", value, id);
  }

  int64_t action_version(const std::string& id) override {
    return tx_.exec_params("SELECT count(*) FROM action_changes WHERE action = $1", id)[0][0].as<int64_t>();
  }

  int64_t insert_action_change(const ChangeRow& r) override {
    return tx_
        .exec_params(R"sql(INSERT INTO action_changes (action, kind, field, from_value, to_value, changed_by,
        changed_at, reason) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id)sql",
                     r.subject, r.kind, r.field, r.from, r.to, r.by, r.at, r.reason)[0][0]
        .as<int64_t>();
  }

  int64_t append_audit(const ChangeRow& row, const std::string& detail) override { return audit_(row, detail); }

 private:
  pqxx::dbtransaction& tx_;
  std::function<int64_t(const ChangeRow&, const std::string&)> audit_;
};

ChangeRow read_change(const pqxx::row& r) {
  ChangeRow c;
  c.id = r[0].as<int64_t>();
  c.subject = str(r[1]);
  c.kind = str(r[2]);
  c.field = str(r[3]);
  c.from = str(r[4]);
  c.to = str(r[5]);
  c.by = str(r[6]);
  c.at = str(r[7]);
  c.reason = str(r[8]);
  return c;
}

constexpr const char* kChangeSelect = R"sql(SELECT c.id, r.id, c.kind, c.field, c.from_value, c.to_value,
    c.changed_by, c.changed_at, c.reason FROM changes c JOIN risks r ON r.key = c.risk)sql";

/// Rows per round trip when streaming every change (for_each_change): bounded memory.
constexpr int kChangePage = 5000;

}  // namespace

AppliedChange PgStore::apply_change(const ChangeRequest& c) {
  return pg::guarded(where_, conn_.get(), [&] {
    pqxx::work tx(*conn_);
    PgChanges b(tx, [&](const ChangeRow& row, const std::string& detail) {
      return append_audit(tx, row.at, row.by, row.kind, row.subject, detail);
    });
    AppliedChange out;
    try {
      out = changes::apply(b, c);
    } catch (const pqxx::insufficient_privilege&) {
      // Row-level security (an owner's change to another's risk, or a close, reopen by an
      // owner) or a column the role may not update.
      const bool decision = c.kind == events::kRespond || c.kind == events::kLapse;
      throw Error(ErrorKind::Conflict,
                  c.risk_id + ": refused by the database: user '" + conn_->username() + "' may not " +
                      (decision ? "record this decision on this risk (risk owners may record treat, or withdraw it, "
                                  "only on the risks they own; tolerate, transfer and terminate are a risk "
                                  "manager's; see docs/postgresql.md)"
                                : c.kind + " this risk (risk owners may edit, target, review and note only the "
                                           "risks they own; adding, closing and reopening are a risk manager's; "
                                           "see docs/postgresql.md)"));
    }
    tx.commit();
    for (const auto& row : out.rows) events::log_committed(row.kind.c_str(), row.subject, row.audit_seq, where_);
    return out;
  });
}

bool PgStore::lapse(pqxx::dbtransaction& tx, const NewAssessment& a) {
  PgChanges b(tx, [&](const ChangeRow& row, const std::string& detail) {
    return append_audit(tx, row.at, row.by, row.kind, row.subject, detail);
  });
  return changes::apply_lapse(b, a.risk_id, a.lapse_from, a.by, a.at, a.lapse_reason).has_value();
}

AppliedChange PgStore::apply_action_change(const ChangeRequest& c) {
  return pg::guarded(where_, conn_.get(), [&] {
    pqxx::work tx(*conn_);
    PgActions b(tx, [&](const ChangeRow& row, const std::string& detail) {
      return append_audit(tx, row.at, row.by, row.kind, row.subject, detail);
    });
    AppliedChange out;
    try {
      out = changes::apply_action(b, c);
    } catch (const pqxx::insufficient_privilege&) {
      throw Error(ErrorKind::Conflict, c.risk_id + ": refused by the database: user '" + conn_->username() +
                                           "' may not set an action's status or due date (that is a risk "
                                           "manager's; see docs/postgresql.md)");
    }
    tx.commit();
    for (const auto& row : out.rows) events::log_committed(row.kind.c_str(), row.subject, row.audit_seq, where_);
    return out;
  });
}

std::vector<std::string> PgStore::action_ids() {
  return pg::guarded(where_, conn_.get(), [&] {
    pqxx::read_transaction tx(*conn_);
    return PgActions(tx, nullptr).action_ids();
  });
}

std::vector<ChangeRow> PgStore::action_changes(const std::string& action_id) {
  return pg::guarded(where_, conn_.get(), [&] {
    pqxx::read_transaction tx(*conn_);
    std::vector<ChangeRow> out;
    std::string sql = R"sql(SELECT id, action, kind, field, from_value, to_value, changed_by, changed_at, reason
        FROM action_changes)sql";
    auto res = action_id.empty() ? tx.exec(sql + " ORDER BY id")
                                 : tx.exec_params(sql + " WHERE action = $1 ORDER BY id", action_id);
    for (const auto& r : res) out.push_back(read_change(r));
    return out;
  });
}

ChangeRow PgStore::add_risk(const NewRisk& n) {
  return pg::guarded(where_, conn_.get(), [&] {
    pqxx::work tx(*conn_);
    const Risk& r = n.risk;
    const std::string at = format_timestamp(n.at);
    int64_t key = 0;
    try {
      // A concurrent add of the same id waits on the unique index, then fails here.
      auto ins = tx.exec_params(R"sql(INSERT INTO risks (id, number, title, heading, vulnerability, triggers,
          consequences, controls, target_likelihood, target_impact, spontaneous_probability, notes, owner,
          next_review) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)
          ON CONFLICT (id) DO NOTHING RETURNING key)sql",
                                r.id, r.number, r.title, r.heading, r.vulnerability, to_json(r.triggers),
                                to_json(r.consequences), to_json(r.controls),
                                r.target ? std::optional(r.target->likelihood) : std::nullopt,
                                r.target ? std::optional(r.target->impact) : std::nullopt, r.spontaneous_probability,
                                to_json(r.notes), r.owner, n.next_review);
      if (ins.empty()) throw Error(ErrorKind::Conflict, events::risk_exists(r.id));
      key = ins[0][0].as<int64_t>();
    } catch (const pqxx::insufficient_privilege&) {
      throw Error(ErrorKind::Conflict, r.id + ": refused by the database: user '" + conn_->username() +
                                           "' may not add a risk (adding risks is a risk manager's; see "
                                           "docs/postgresql.md)");
    }
    // The same entries, in the same order, as SqliteStore::add_risk: the "add" change, then
    // the first score, then the owner.
    PgChanges b(tx, [&](const ChangeRow& row, const std::string& detail) {
      return append_audit(tx, row.at, row.by, row.kind, row.subject, detail);
    });
    b.set_key(key);
    ChangeRow added = changes::record_add(b, n);
    if (r.current) {
      AssessmentRow row{0, r.id, *r.current, n.by, at, n.reason};
      row.id = tx.exec_params(R"sql(WITH ins AS (INSERT INTO assessments (risk, likelihood, impact, assessed_by,
          assessed_at, reason) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id)
        UPDATE risks SET current_assessment = (SELECT id FROM ins) WHERE key = $1 RETURNING current_assessment)sql",
                              key, row.score.likelihood, row.score.impact, row.by, row.at, row.reason)[0][0]
                   .as<int64_t>();
      append_audit(tx, at, n.by, events::kScore, r.id, events::score_detail(row, std::nullopt));
    }
    if (r.owner) {
      OwnerChange o{0, r.id, *r.owner, n.by, at, n.reason};
      o.id = tx.exec_params(R"sql(INSERT INTO owner_changes (risk, owner, changed_by, changed_at, reason)
          VALUES ($1,$2,$3,$4,$5) RETURNING id)sql",
                            key, o.owner, o.by, o.at, o.reason)[0][0]
                 .as<int64_t>();
      append_audit(tx, at, n.by, events::kOwner, r.id, events::owner_detail(o));
    }
    tx.commit();
    events::log_committed(events::kAdd, r.id, added.audit_seq, where_);
    return added;
  });
}

std::vector<ChangeRow> PgStore::changes(const std::string& risk_id) {
  return pg::guarded(where_, conn_.get(), [&] {
    pqxx::read_transaction tx(*conn_);
    std::vector<ChangeRow> out;
    for (const auto& r : tx.exec_params(std::string(kChangeSelect) + " WHERE r.id = $1 ORDER BY c.id", risk_id))
      out.push_back(read_change(r));
    return out;
  });
}

void PgStore::for_each_change(const std::function<void(const ChangeRow&)>& visit) {
  // Pages in id order, each its own short read: `visit` may call the store.
  int64_t after = 0;
  for (;;) {
    auto page = pg::guarded(where_, conn_.get(), [&] {
      pqxx::read_transaction tx(*conn_);
      return tx.exec_params(
          std::string(kChangeSelect) + " WHERE c.id > $1 ORDER BY c.id LIMIT " + std::to_string(kChangePage), after);
    });
    for (const auto& row : page) visit(read_change(row));
    if (page.size() < static_cast<size_t>(kChangePage)) return;
    after = page[page.size() - 1][0].as<int64_t>();
  }
}

int64_t PgStore::risk_version(const std::string& risk_id) {
  return pg::guarded(where_, conn_.get(), [&]() -> int64_t {
    pqxx::nontransaction tx(*conn_);  // one statement: its own snapshot
    auto res = tx.exec_params(R"sql(SELECT (SELECT count(*) FROM assessments a WHERE a.risk = r.key)
        + (SELECT count(*) FROM owner_changes o WHERE o.risk = r.key)
        + (SELECT count(*) FROM changes c WHERE c.risk = r.key) FROM risks r WHERE r.id = $1)sql",
                              risk_id);
    if (res.empty()) throw Error(ErrorKind::NotFound, events::unknown_risk(risk_id));
    return res[0][0].as<int64_t>();
  });
}

}  // namespace riskreg
