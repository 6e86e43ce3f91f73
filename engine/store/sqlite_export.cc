// SqliteStore::for_each_export and audit_head: the whole register streamed for an export
// from five cursors, each in risk key order, merged (store/store.h).
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <bit>
#include <climits>

#include "core/error.h"
#include "core/parallel.h"
#include "store/sqlite_rows.h"
#include "store/sqlite_store.h"

namespace riskreg {

namespace {

using sqlite_rows::kAtTimeCte;
using sqlite_rows::read_list;
using sqlite_rows::Rows;

/// The risks with their texts and the ids of their current and previous assessments (found
/// in their history, read alongside), in key order. Columns: 0 key, 1 id, 2 title, 3 owner,
/// 4-5 target, 6 current, 7 previous, 8 heading, 9 vulnerability, 10-13 triggers,
/// consequences, controls, notes, 14 status, 15 next review, 16 last review, 17 response.
const char* kRisksNow = R"sql(
SELECT r.key, r.id, r.title, r.owner, r.target_likelihood, r.target_impact, r.current_assessment,
       r.previous_assessment, r.heading, r.vulnerability, r.triggers, r.consequences, r.controls, r.notes,
       r.status, r.next_review, r.last_review, r.response
FROM risks r ORDER BY r.key)sql";

/// The same columns as they stood at ?1, from the append-only history (after kAtTimeCte, as
/// for_each_risk_as_of); risks not assessed by then are not in that register.
const char* kRisksAsOf = R"sql(
SELECT r.key, r.id, r.title, t.owner, r.target_likelihood, r.target_impact, t.cur, t.prev,
       r.heading, r.vulnerability, r.triggers, r.consequences, r.controls, r.notes,
       coalesce((SELECT ch.to_value FROM changes ch WHERE ch.risk = r.key AND ch.field = 'status'
                 AND ch.changed_at <= ?1 ORDER BY ch.id DESC LIMIT 1), 'open'),
       coalesce((SELECT ch.to_value FROM changes ch WHERE ch.risk = r.key AND ch.field = 'next_review'
                 AND ch.changed_at <= ?1 ORDER BY ch.id DESC LIMIT 1), ''),
       coalesce((SELECT ch.to_value FROM changes ch WHERE ch.risk = r.key AND ch.field = 'last_review'
                 AND ch.changed_at <= ?1 ORDER BY ch.id DESC LIMIT 1), ''),
       coalesce((SELECT ch.to_value FROM changes ch WHERE ch.risk = r.key AND ch.field = 'response'
                 AND ch.changed_at <= ?1 ORDER BY ch.id DESC LIMIT 1), '')
FROM risks r JOIN at_time t ON t.key = r.key WHERE t.cur IS NOT NULL
ORDER BY r.key)sql";

/// Each mitigated risk's priorities and their actions (NULL for a priority without any), in
/// risk order; a risk's few rows are put in the plan's order (p.pos, a.pos) as they are
/// decoded, which costs less than SQLite's sorter over them all.
const char* kMitigations = R"sql(
SELECT pr.risk, p.pos, pr.priority, a.pos, a.id FROM priority_risks pr
JOIN priorities p ON p.id = pr.priority
LEFT JOIN actions a ON a.priority = pr.priority
ORDER BY pr.risk)sql";

const char* kFeedsOutNow = R"sql(
SELECT f.from_risk, b.id, f.basis, f.transition_probability FROM feeds f JOIN risks b ON b.key = f.to_risk
ORDER BY f.from_risk, f.to_risk)sql";

/// Only to risks in the register at ?1: those assessed by then.
const char* kFeedsOutAsOf = R"sql(
SELECT f.from_risk, b.id, f.basis, f.transition_probability FROM feeds f JOIN risks b ON b.key = f.to_risk
WHERE EXISTS (SELECT 1 FROM assessments x WHERE x.risk = f.to_risk AND x.assessed_at <= ?1)
ORDER BY f.from_risk, f.to_risk)sql";

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

/// One assessment by id, for a risk whose current or previous assessment is not in its own
/// history (a register edited by hand): what a join would have found.
const char* kAssessmentById = R"sql(
SELECT a.id, a.likelihood, a.impact, a.assessed_by, a.assessed_at, a.reason FROM assessments a WHERE a.id = ?)sql";

/// A cursor whose rows start with a risk key, read alongside the risks in key order.
class Cursor {
 public:
  Cursor(SQLite::Database& db, const char* sql, const std::optional<std::string>& as_of) : st_(db, sql) {
    if (as_of && st_.parameters() > 0) st_.bind(1, *as_of);
    advance();
  }
  /// Skips rows of risks before `key`; true while the current row belongs to `key`.
  bool at(int64_t key) {
    while (more_ && key_ < key) advance();
    return more_ && key_ == key;
  }
  void advance() {
    more_ = st_.step();
    if (more_) key_ = st_.integer(0);
  }
  const Rows& row() const { return st_; }

 private:
  Rows st_;
  bool more_ = false;
  int64_t key_ = 0;
};

/// The next slot of `v` to fill, reusing the buffers of what was there; `n` counts the
/// slots filled (the caller cuts `v` to `n` when done).
template <typename T>
T& next_slot(std::vector<T>& v, size_t& n) {
  return n < v.size() ? v[n++] : (++n, v.emplace_back());
}

void assign(std::string& out, std::string_view v) { out.assign(v.data(), v.size()); }

/// A batch of risks' rows as the reading thread copies them out of SQLite, for the calling
/// thread to decode: texts end to end in one buffer and numbers in another, so reading a
/// column costs a copy and no allocation. What a risk's record holds, in order, is written by
/// `read` and read back by `decode` (for_each_export).
class RawBatch {
 public:
  void clear() {
    bytes_.clear();
    ends_.clear();
    nums_.clear();
    risks = 0;
  }
  void text(std::string_view v) {
    bytes_.append(v);
    ends_.push_back(bytes_.size());
  }
  void num(int64_t v) { nums_.push_back(v); }
  size_t bytes() const { return bytes_.size(); }
  size_t risks = 0;

  /// Reads a batch back in the order it was written.
  class Reader {
   public:
    explicit Reader(const RawBatch& b) : b_(b) {}
    std::string_view text() {
      size_t from = t_ ? b_.ends_[t_ - 1] : 0, to = b_.ends_[t_++];
      return {b_.bytes_.data() + from, to - from};
    }
    int64_t num() { return b_.nums_[n_++]; }

   private:
    const RawBatch& b_;
    size_t t_ = 0, n_ = 0;
  };

 private:
  std::string bytes_;
  std::vector<size_t> ends_;
  std::vector<int64_t> nums_;
};

constexpr int64_t kNull = INT64_MIN;  ///< a NULL id in a RawBatch

/// An assessment as `read` writes it (likelihood, impact, by, at, reason), into `a`.
void decode_assessment(RawBatch::Reader& in, int64_t id, const std::string& risk_id, AssessmentRow& a) {
  a.id = id;
  assign(a.risk_id, risk_id);
  assign(a.score.likelihood, in.text());
  assign(a.score.impact, in.text());
  assign(a.by, in.text());
  assign(a.at, in.text());
  assign(a.reason, in.text());
}

/// One mitigation row while a risk's rows are put in the plan's order.
struct Mitigation {
  int64_t priority_pos, action_pos;
  std::string_view priority, action;  ///< action empty when the priority has none
  bool has_action;
};

}  // namespace

std::string SqliteStore::audit_head(const std::optional<std::string>& as_of) {
  return sqlite_rows::guarded(path_, [&] {
    SQLite::Statement st(*db_, as_of ? "SELECT hash FROM audit WHERE at <= ? ORDER BY seq DESC LIMIT 1"
                                     : "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1");
    if (as_of) st.bind(1, *as_of);
    return st.executeStep() ? st.getColumn(0).getString() : std::string();
  });
}

std::optional<AuditEntry> SqliteStore::audit_last() {
  return sqlite_rows::guarded(path_, [&]() -> std::optional<AuditEntry> {
    SQLite::Statement st(
        *db_, "SELECT seq, at, actor, action, entity, detail, prev_hash, hash FROM audit ORDER BY seq DESC LIMIT 1");
    if (!st.executeStep()) return std::nullopt;
    return AuditEntry{st.getColumn(0).getInt64(),  st.getColumn(1).getString(), st.getColumn(2).getString(),
                      st.getColumn(3).getString(), st.getColumn(4).getString(), st.getColumn(5).getString(),
                      st.getColumn(6).getString(), st.getColumn(7).getString()};
  });
}

void SqliteStore::for_each_export(const std::optional<std::string>& as_of, bool upstream,
                                  const std::function<void(ExportRisk&)>& on_risk) {
  sqlite_rows::guarded(path_, [&] {
    // A 64 MiB page cache and no memory map: the feeds' lookups of the risks they feed land
    // all over the file, and a map that large would count the whole file as the export's
    // memory (docs/benchmarks.md, "Export and import"). On 16 KiB pages an 8 MiB cache holds
    // too few of them, and every miss is a 16 KiB read.
    sqlite_rows::BulkReads bulk(*db_, 64 << 10, 0);
    SQLite::Transaction snapshot(*db_);  // the cursors read one state of the register
    Rows risks(*db_, as_of ? (std::string(kAtTimeCte) + kRisksAsOf).c_str() : kRisksNow);
    if (as_of) risks.bind(1, *as_of);
    Cursor mitigations(*db_, kMitigations, as_of);
    Cursor feeds(*db_, as_of ? kFeedsOutAsOf : kFeedsOutNow, as_of);
    std::optional<Cursor> up;
    if (upstream) up.emplace(*db_, as_of ? kUpstreamAsOf : kUpstreamNow, as_of);
    Cursor hist(*db_, as_of ? kAssessmentsAsOf : kAssessmentsNow, as_of);
    Rows by_id(*db_, kAssessmentById);

    // The reading thread: every cursor stepped in key order, each risk's rows copied raw into
    // the batch, handed on about every 256 risks or 1 MiB.
    auto read = [&](const std::function<void(RawBatch&)>& yield) {
      RawBatch b;
      auto opt_text = [&](const Rows& row, int i) {
        b.num(row.null(i) ? 0 : 1);
        if (!row.null(i)) b.text(row.text(i));
      };
      while (risks.step()) {
        const int64_t key = risks.integer(0);
        ++b.risks;
        b.text(risks.text(1));
        b.text(risks.text(2));
        opt_text(risks, 3);
        opt_text(risks, 4);
        if (!risks.null(4)) b.text(risks.text(5));
        for (int i = 8; i <= 17; ++i) b.text(risks.text(i));
        const int64_t cur = risks.null(6) ? kNull : risks.integer(6), prev = risks.null(7) ? kNull : risks.integer(7);
        bool cur_seen = false, prev_seen = false;
        for (; hist.at(key); hist.advance()) {
          const Rows& row = hist.row();
          const int64_t id = row.integer(1);
          cur_seen |= id == cur;
          prev_seen |= id == prev;
          b.num(id);
          for (int i = 2; i <= 6; ++i) b.text(row.text(i));
        }
        b.num(kNull);  // end of the history
        // The current and previous assessments: their ids, found in the history just read
        // (always, unless the register was edited by hand), else read here.
        for (auto [id, seen] : {std::pair{cur, cur_seen}, std::pair{prev, prev_seen}}) {
          b.num(id);
          if (id == kNull || seen) continue;
          by_id.reset();
          by_id.bind(1, id);
          const bool found = by_id.step();
          b.num(found ? 1 : 0);
          if (found)
            for (int i = 1; i <= 5; ++i) b.text(by_id.text(i));
        }
        for (; mitigations.at(key); mitigations.advance()) {
          const Rows& row = mitigations.row();
          b.num(row.integer(1));
          b.text(row.text(2));
          b.num(row.null(4) ? kNull : row.integer(3));
          if (!row.null(4)) b.text(row.text(4));
        }
        b.num(kNull);
        for (; feeds.at(key); feeds.advance()) {
          const Rows& row = feeds.row();
          b.num(row.null(3) ? 1 : 2);
          b.text(row.text(1));
          b.text(row.text(2));
          if (!row.null(3)) b.num(std::bit_cast<int64_t>(row.real(3)));
        }
        b.num(0);
        if (up)
          for (; up->at(key); up->advance()) {
            b.num(1);
            opt_text(up->row(), 1);
            if (!up->row().null(1)) b.text(up->row().text(2));
          }
        b.num(0);
        if (b.risks >= 256 || b.bytes() >= (size_t{1} << 20)) {
          yield(b);
          b.clear();
        }
      }
      if (b.risks) yield(b);
    };

    // The calling thread: each risk decoded into the reused row and handed to on_risk.
    ExportRisk r;  // reused: its strings and vectors keep their buffers from risk to risk
    std::vector<Mitigation> mits;
    // A risk's current or previous assessment, as read() wrote it after the history.
    auto current = [&](RawBatch::Reader& in, std::optional<AssessmentRow>& out) {
      const int64_t id = in.num();
      if (id == kNull) {
        out.reset();
        return;
      }
      for (auto it = r.history.rbegin(); it != r.history.rend(); ++it)
        if (it->id == id) {
          out = *it;
          return;
        }
      if (!in.num()) {  // pointing at no assessment at all: as the join it replaces, none
        out.reset();
        return;
      }
      decode_assessment(in, id, r.state.id, out ? *out : out.emplace());
    };
    auto decode = [&](RawBatch& b) {
      RawBatch::Reader in(b);
      for (size_t k = 0; k < b.risks; ++k) {
        RiskState& s = r.state;
        assign(s.id, in.text());
        assign(s.title, in.text());
        if (in.num())
          assign(s.owner ? *s.owner : s.owner.emplace(), in.text());
        else
          s.owner.reset();
        if (in.num()) {
          ScoreCodes& t = s.target ? *s.target : s.target.emplace();
          assign(t.likelihood, in.text());
          assign(t.impact, in.text());
        } else {
          s.target.reset();
        }
        assign(r.heading, in.text());
        assign(r.vulnerability, in.text());
        read_list(in.text(), r.triggers);
        read_list(in.text(), r.consequences);
        read_list(in.text(), r.controls);
        read_list(in.text(), r.notes);
        s.closed = in.text() == "closed";
        assign(s.next_review, in.text());
        assign(s.last_review, in.text());
        assign(s.response, in.text());

        size_t nh = 0;
        for (int64_t id; (id = in.num()) != kNull;) decode_assessment(in, id, s.id, next_slot(r.history, nh));
        r.history.resize(nh);
        current(in, s.current);
        current(in, s.previous);

        mits.clear();
        for (int64_t pos; (pos = in.num()) != kNull;) {
          Mitigation& m = mits.emplace_back();
          m.priority_pos = pos;
          m.priority = in.text();
          m.action_pos = in.num();
          m.has_action = m.action_pos != kNull;
          m.action = m.has_action ? in.text() : std::string_view();
        }
        std::stable_sort(mits.begin(), mits.end(), [](const Mitigation& a, const Mitigation& b) {
          return a.priority_pos != b.priority_pos ? a.priority_pos < b.priority_pos : a.action_pos < b.action_pos;
        });
        size_t np = 0, na = 0;
        for (const auto& m : mits) {
          if (np == 0 || r.priorities[np - 1] != m.priority) assign(next_slot(r.priorities, np), m.priority);
          if (m.has_action) assign(next_slot(r.actions, na), m.action);
        }
        r.priorities.resize(np);
        r.actions.resize(na);
        s.priorities = static_cast<int>(np);
        s.actions = static_cast<int>(na);

        size_t nf = 0;
        for (int64_t kind; (kind = in.num()) != 0;) {
          Feed& f = next_slot(r.feeds, nf);
          assign(f.from, s.id);
          assign(f.to, in.text());
          assign(f.basis, in.text());
          f.transition_probability = kind == 2 ? std::optional(std::bit_cast<double>(in.num())) : std::nullopt;
        }
        r.feeds.resize(nf);

        size_t nu = 0;
        while (in.num() != 0) {
          auto& u = next_slot(r.upstream, nu);
          if (in.num()) {
            ScoreCodes& c = u ? *u : u.emplace();
            assign(c.likelihood, in.text());
            assign(c.impact, in.text());
          } else {
            u.reset();
          }
        }
        r.upstream.resize(nu);

        on_risk(r);
      }
    };
    pipeline<RawBatch>(two_cores(), read, decode, 1, 4);
  });
}

}  // namespace riskreg
