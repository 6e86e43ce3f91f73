// SqliteStore::for_each_export and audit_head: the whole register streamed for an export
// from five cursors, each in risk key order, merged (store/store.h).
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include "core/error.h"
#include "store/sqlite_rows.h"
#include "store/sqlite_store.h"

namespace riskreg {

namespace {

using sqlite_rows::assign_text;
using sqlite_rows::kAtTimeCte;
using sqlite_rows::read_list;
using sqlite_rows::read_state_into;

/// The risks with their texts and the current and previous assessments, in key order.
/// Columns: 0 id, 1 title, 2 owner, 3-4 target, 5-10 current, 11-16 previous, 17 key,
/// 18 heading, 19 vulnerability, 20-23 triggers, consequences, controls, notes.
const char* kRisksNow = R"sql(
SELECT r.id, r.title, r.owner, r.target_likelihood, r.target_impact,
       c.id, c.likelihood, c.impact, c.assessed_by, c.assessed_at, c.reason,
       p.id, p.likelihood, p.impact, p.assessed_by, p.assessed_at, p.reason, r.key,
       r.heading, r.vulnerability, r.triggers, r.consequences, r.controls, r.notes
FROM risks r
LEFT JOIN assessments c ON c.id = r.current_assessment
LEFT JOIN assessments p ON p.id = r.previous_assessment
ORDER BY r.key)sql";

/// The same columns as they stood at ?1, from the append-only history (after kAtTimeCte, as
/// for_each_risk_as_of).
const char* kRisksAsOf = R"sql(SELECT r.id, r.title, t.owner, r.target_likelihood, r.target_impact,
       c.id, c.likelihood, c.impact, c.assessed_by, c.assessed_at, c.reason,
       p.id, p.likelihood, p.impact, p.assessed_by, p.assessed_at, p.reason, r.key,
       r.heading, r.vulnerability, r.triggers, r.consequences, r.controls, r.notes
FROM risks r JOIN at_time t ON t.key = r.key
JOIN assessments c ON c.id = t.cur
LEFT JOIN assessments p ON p.id = t.prev
ORDER BY r.key)sql";

/// Each mitigated risk's priorities and their actions (NULL for a priority without any).
const char* kMitigations = R"sql(
SELECT pr.risk, pr.priority, a.id FROM priority_risks pr
JOIN priorities p ON p.id = pr.priority
LEFT JOIN actions a ON a.priority = pr.priority
ORDER BY pr.risk, p.pos, a.pos)sql";

const char* kFeedsOut = R"sql(
SELECT f.from_risk, b.id FROM feeds f JOIN risks b ON b.key = f.to_risk ORDER BY f.from_risk, f.to_risk)sql";

const char* kUpstreamNow = R"sql(
SELECT f.to_risk, c.likelihood, c.impact FROM feeds f
JOIN risks a ON a.key = f.from_risk LEFT JOIN assessments c ON c.id = a.current_assessment
ORDER BY f.to_risk)sql";

const char* kUpstreamAsOf = R"sql(
SELECT f.to_risk, c.likelihood, c.impact FROM feeds f
JOIN assessments c ON c.id = (SELECT x.id FROM assessments x WHERE x.risk = f.from_risk AND x.assessed_at <= ?1
                              ORDER BY x.id DESC LIMIT 1)
ORDER BY f.to_risk)sql";

const char* kAssessmentsNow = R"sql(
SELECT a.risk, a.id, a.likelihood, a.impact, a.assessed_by, a.assessed_at, a.reason
FROM assessments a ORDER BY a.risk, a.id)sql";

const char* kAssessmentsAsOf = R"sql(
SELECT a.risk, a.id, a.likelihood, a.impact, a.assessed_by, a.assessed_at, a.reason
FROM assessments a WHERE a.assessed_at <= ?1 ORDER BY a.risk, a.id)sql";

std::string_view view_text(SQLite::Statement& st, int i) {
  SQLite::Column c = st.getColumn(i);
  return {c.getText(""), static_cast<size_t>(c.getBytes())};
}

/// A cursor whose rows start with a risk key, read alongside the risks in key order.
class Cursor {
 public:
  Cursor(SQLite::Database& db, const char* sql, const std::optional<std::string>& as_of) : st_(db, sql) {
    if (as_of && st_.getBindParameterCount() > 0) st_.bind(1, *as_of);
    advance();
  }
  /// Skips rows of risks before `key`; true while the current row belongs to `key`.
  bool at(int64_t key) {
    while (more_ && key_ < key) advance();
    return more_ && key_ == key;
  }
  void advance() {
    more_ = st_.executeStep();
    if (more_) key_ = st_.getColumn(0).getInt64();
  }
  SQLite::Statement& row() { return st_; }

 private:
  SQLite::Statement st_;
  bool more_ = false;
  int64_t key_ = 0;
};

template <typename T>
T& next_slot(std::vector<T>& v, size_t& n) {
  return n < v.size() ? v[n++] : (++n, v.emplace_back());
}

}  // namespace

std::string SqliteStore::audit_head(const std::optional<std::string>& as_of) {
  return sqlite_rows::guarded(path_, [&] {
    SQLite::Statement st(*db_, as_of ? "SELECT hash FROM audit WHERE at <= ? ORDER BY seq DESC LIMIT 1"
                                     : "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1");
    if (as_of) st.bind(1, *as_of);
    return st.executeStep() ? st.getColumn(0).getString() : std::string();
  });
}

void SqliteStore::for_each_export(const std::optional<std::string>& as_of, bool upstream,
                                  const std::function<void(const ExportRisk&)>& on_risk,
                                  const std::function<void(const AssessmentRow&)>& on_assessment) {
  sqlite_rows::guarded(path_, [&] {
    sqlite_rows::BulkReads bulk(*db_);
    SQLite::Statement risks(*db_, as_of ? std::string(kAtTimeCte) + kRisksAsOf : std::string(kRisksNow));
    if (as_of) risks.bind(1, *as_of);
    Cursor mitigations(*db_, kMitigations, as_of);
    Cursor feeds(*db_, kFeedsOut, as_of);
    std::optional<Cursor> up;
    if (upstream) up.emplace(*db_, as_of ? kUpstreamAsOf : kUpstreamNow, as_of);
    Cursor hist(*db_, as_of ? kAssessmentsAsOf : kAssessmentsNow, as_of);

    // One row reused for every risk: its strings and vectors keep their buffers.
    ExportRisk r;
    AssessmentRow a;
    while (risks.executeStep()) {
      RiskState& s = r.state;
      read_state_into(risks, s);
      const int64_t key = risks.getColumn(17).getInt64();
      assign_text(risks, 18, r.heading);
      assign_text(risks, 19, r.vulnerability);
      read_list(view_text(risks, 20), r.triggers);
      read_list(view_text(risks, 21), r.consequences);
      read_list(view_text(risks, 22), r.controls);
      read_list(view_text(risks, 23), r.notes);

      size_t np = 0, na = 0;
      for (; mitigations.at(key); mitigations.advance()) {
        auto& row = mitigations.row();
        std::string_view priority = view_text(row, 1);
        if (np == 0 || r.priorities[np - 1] != priority) next_slot(r.priorities, np).assign(priority);
        if (!row.getColumn(2).isNull()) next_slot(r.actions, na).assign(view_text(row, 2));
      }
      r.priorities.resize(np);
      r.actions.resize(na);
      s.priorities = static_cast<int>(np);
      s.actions = static_cast<int>(na);

      size_t nf = 0;
      for (; feeds.at(key); feeds.advance()) next_slot(r.feeds_to, nf).assign(view_text(feeds.row(), 1));
      r.feeds_to.resize(nf);

      size_t nu = 0;
      if (up)
        for (; up->at(key); up->advance())
          sqlite_rows::assign_opt_codes(up->row(), 1, next_slot(r.upstream, nu));
      r.upstream.resize(nu);

      on_risk(r);

      for (; hist.at(key); hist.advance()) {
        auto& row = hist.row();
        a.id = row.getColumn(1).getInt64();
        a.risk_id = s.id;
        assign_text(row, 2, a.score.likelihood);
        assign_text(row, 3, a.score.impact);
        assign_text(row, 4, a.by);
        assign_text(row, 5, a.at);
        assign_text(row, 6, a.reason);
        on_assessment(a);
      }
    }
  });
}

}  // namespace riskreg
