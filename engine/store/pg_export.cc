// PgStore::for_each_export: the whole register streamed for an export from five server-side
// cursors (DECLARE ... CURSOR, fetched a batch at a time), each in risk key order, merged as
// SqliteStore's are (store/sqlite_export.cc). One query per table whatever the register's
// size, in one read-only snapshot; memory bounded by a batch of each cursor.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <pqxx/pqxx>

#include "core/error.h"
#include "records/json_list.h"
#include "store/pg_store.h"

namespace riskreg {

namespace {

constexpr int kFetch = 4000;  ///< rows per FETCH

/// A server-side cursor over rows whose column 0 is a risk key, read alongside the risks.
class PgCursor {
 public:
  PgCursor(pqxx::dbtransaction& tx, std::string name, const std::string& sql) : tx_(tx), name_(std::move(name)) {
    tx_.exec("DECLARE " + name_ + " NO SCROLL CURSOR FOR " + sql);
    fetch();
  }
  /// Skips rows of risks before `key`; true while the current row belongs to `key`.
  bool at(int64_t key) {
    while (more() && key_ < key) advance();
    return more() && key_ == key;
  }
  bool more() const { return i_ < static_cast<int64_t>(page_.size()); }
  /// The next row; false at the end.
  bool step() {
    if (started_) advance();
    started_ = true;
    return more();
  }
  void advance() {
    if (++i_ >= static_cast<int64_t>(page_.size()) && static_cast<int64_t>(page_.size()) == kFetch) fetch();
    if (more()) key_ = page_[i_][0].as<int64_t>();
  }
  pqxx::row row() const { return page_[i_]; }
  int64_t fetches() const { return fetches_; }

 private:
  void fetch() {
    page_ = tx_.exec("FETCH " + std::to_string(kFetch) + " FROM " + name_);
    ++fetches_;
    i_ = 0;
    if (more()) key_ = page_[0][0].as<int64_t>();
  }
  pqxx::dbtransaction& tx_;
  std::string name_;
  pqxx::result page_;
  int64_t i_ = 0, key_ = 0, fetches_ = 0;
  bool started_ = false;
};

std::string text(const pqxx::field& f) { return f.is_null() ? std::string() : f.c_str(); }

AssessmentRow assessment(const pqxx::row& r, int first, const std::string& risk_id) {
  return {r[first].as<int64_t>(), risk_id,           {text(r[first + 1]), text(r[first + 2])}, text(r[first + 3]),
          text(r[first + 4]),     text(r[first + 5])};
}

}  // namespace

void PgStore::for_each_export(const std::optional<std::string>& as_of, bool upstream,
                              const std::function<void(ExportRisk&)>& on_risk) {
  try {
    // One snapshot for every cursor.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(*conn_);
    auto t0 = std::chrono::steady_clock::now();
    // Times compare as text, byte by byte, as SQLite compares them.
    const std::string then = as_of ? tx.quote(*as_of) + " COLLATE \"C\"" : std::string();
    // A lifecycle field as it stood then: the last change of it made by then (as SqliteStore's
    // kRisksAsOf reads it), `none` before any.
    auto status_then = [&](const char* field, const char* none) {
      return std::string(
                 "\n       coalesce((SELECT ch.to_value FROM changes ch WHERE ch.risk = r.key AND ch.field = '") +
             field + "' AND ch.changed_at COLLATE \"C\" <= " + then + " ORDER BY ch.id DESC LIMIT 1), '" + none + "')";
    };
    const std::string risks_sql =
        as_of ? R"sql(SELECT r.key, r.id, r.title, r.target_likelihood, r.target_impact, r.heading, r.vulnerability,
       r.triggers, r.consequences, r.controls, r.notes,
       (SELECT o.owner FROM owner_changes o WHERE o.risk = r.key AND o.changed_at COLLATE "C" <= )sql" +
                    then + R"sql( ORDER BY o.id DESC LIMIT 1),
       (SELECT a.id FROM assessments a WHERE a.risk = r.key AND a.assessed_at COLLATE "C" <= )sql" +
                    then + R"sql( ORDER BY a.id DESC LIMIT 1) AS cur,
       (SELECT a.id FROM assessments a WHERE a.risk = r.key AND a.assessed_at COLLATE "C" <= )sql" +
                    then + R"sql( ORDER BY a.id DESC LIMIT 1 OFFSET 1),)sql" + status_then("status", "open") + ", " +
                    status_then("next_review", "") + ", " + status_then("last_review", "") + ", " +
                    status_then("response", "") + R"sql(
FROM risks r ORDER BY r.key)sql"
              : R"sql(SELECT r.key, r.id, r.title, r.target_likelihood, r.target_impact, r.heading, r.vulnerability,
       r.triggers, r.consequences, r.controls, r.notes, r.owner, r.current_assessment, r.previous_assessment,
       r.status, r.next_review, r.last_review, r.response
FROM risks r ORDER BY r.key)sql";
    const std::string when = as_of ? " WHERE a.assessed_at COLLATE \"C\" <= " + then : std::string();
    PgCursor risks(tx, "riskreg_x_risks", risks_sql);
    PgCursor hist(tx, "riskreg_x_history",
                  R"sql(SELECT a.risk, a.id, a.likelihood, a.impact, a.assessed_by,
       a.assessed_at, a.reason FROM assessments a)sql" +
                      when + " ORDER BY a.risk, a.id");
    PgCursor mits(tx, "riskreg_x_mitigations", R"sql(SELECT pr.risk, pr.priority, a.id FROM priority_risks pr
JOIN priorities p ON p.id = pr.priority LEFT JOIN actions a ON a.priority = pr.priority
ORDER BY pr.risk, p.pos, a.pos)sql");
    PgCursor feeds(tx, "riskreg_x_feeds",
                   std::string(R"sql(SELECT f.from_risk, b.id, f.basis, f.transition_probability FROM feeds f
JOIN risks b ON b.key = f.to_risk)sql") +
                       (as_of ? " WHERE EXISTS (SELECT 1 FROM assessments x WHERE x.risk = f.to_risk AND "
                                "x.assessed_at COLLATE \"C\" <= " +
                                    then + ")"
                              : std::string()) +
                       " ORDER BY f.from_risk, f.to_risk");
    std::optional<PgCursor> up;
    if (upstream)
      up.emplace(tx, "riskreg_x_upstream",
                 as_of ? R"sql(SELECT f.to_risk, c.likelihood, c.impact FROM feeds f
JOIN assessments c ON c.id = (SELECT x.id FROM assessments x WHERE x.risk = f.from_risk
                              AND x.assessed_at COLLATE "C" <= )sql" +
                             then + R"sql( ORDER BY x.id DESC LIMIT 1)
ORDER BY f.to_risk, f.from_risk)sql"
                       : R"sql(SELECT f.to_risk, c.likelihood, c.impact FROM feeds f
JOIN risks a ON a.key = f.from_risk LEFT JOIN assessments c ON c.id = a.current_assessment
ORDER BY f.to_risk, f.from_risk)sql");

    ExportRisk r;
    int64_t n = 0;
    while (risks.step()) {
      const pqxx::row row = risks.row();
      if (as_of && row[12].is_null()) continue;  // not assessed by then: not in that register
      const int64_t key = row[0].as<int64_t>();
      RiskState& s = r.state;
      s.id = text(row[1]);
      s.title = text(row[2]);
      s.target.reset();
      if (!row[3].is_null()) s.target = ScoreCodes{text(row[3]), text(row[4])};
      r.heading = text(row[5]);
      r.vulnerability = text(row[6]);
      r.triggers = from_json(text(row[7]));
      r.consequences = from_json(text(row[8]));
      r.controls = from_json(text(row[9]));
      r.notes = from_json(text(row[10]));
      s.closed = text(row[14]) == "closed";
      s.next_review = text(row[15]);
      s.last_review = text(row[16]);
      s.response = text(row[17]);
      s.owner.reset();
      if (!row[11].is_null()) s.owner = text(row[11]);
      r.history.clear();
      for (; hist.at(key); hist.advance()) r.history.push_back(assessment(hist.row(), 1, s.id));
      // The current and previous assessments, found in the history just read (always, unless
      // the register was edited by hand: then read by id, as the join it replaces would).
      auto pick = [&](const pqxx::field& f, std::optional<AssessmentRow>& out) {
        out.reset();
        if (f.is_null()) return;
        const int64_t id = f.as<int64_t>();
        for (auto it = r.history.rbegin(); it != r.history.rend(); ++it)
          if (it->id == id) {
            out = *it;
            return;
          }
      };
      pick(row[12], s.current);
      pick(row[13], s.previous);
      r.priorities.clear();
      r.actions.clear();
      for (; mits.at(key); mits.advance()) {
        const pqxx::row m = mits.row();
        std::string p = text(m[1]);
        if (r.priorities.empty() || r.priorities.back() != p) r.priorities.push_back(std::move(p));
        if (!m[2].is_null()) r.actions.push_back(text(m[2]));
      }
      s.priorities = static_cast<int>(r.priorities.size());
      s.actions = static_cast<int>(r.actions.size());
      r.feeds.clear();
      for (; feeds.at(key); feeds.advance()) {
        const pqxx::row f = feeds.row();
        Feed& out = r.feeds.emplace_back();
        out.from = s.id;
        out.to = text(f[1]);
        out.basis = text(f[2]);
        if (!f[3].is_null()) out.transition_probability = f[3].as<double>();
      }
      r.upstream.clear();
      if (up)
        for (; up->at(key); up->advance()) {
          const pqxx::row u = up->row();
          r.upstream.push_back(u[1].is_null() ? std::nullopt : std::optional(ScoreCodes{text(u[1]), text(u[2])}));
        }
      on_risk(r);
      ++n;
    }
    spdlog::debug("postgresql: export read {} risks in {:.1f} ms ({} fetches)", n,
                  std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(),
                  risks.fetches() + hist.fetches() + mits.fetches() + feeds.fetches() + (up ? up->fetches() : 0));
  } catch (const pqxx::failure& e) {
    std::string msg = e.what();
    throw Error(ErrorKind::Internal, where_ + ": " + msg.substr(0, msg.find('\n')));
  }
}

}  // namespace riskreg
