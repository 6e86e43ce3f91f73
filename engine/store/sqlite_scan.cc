// Whole-register evaluation's read on SQLite (Store::scan_register): a few sequential
// scans of the tables, never a lookup per risk; on a large register the scans are split
// over two threads, each with its own connection on the same snapshot (docs/benchmarks.md).
#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include "core/error.h"
#include "core/parallel.h"
#include "store/sqlite_rows.h"
#include "store/sqlite_store.h"

namespace riskreg {
namespace {

using sqlite_rows::guarded;
using sqlite_rows::Rows;

/// What any write to the tables the scan reads moves, read inside a read transaction: two
/// connections that read the same mark see the same snapshot. Every change riskreg makes
/// appends to the audit log; the other maxima catch rows written around it.
constexpr const char* kSnapshotMark =
    "SELECT (SELECT max(seq) FROM audit), (SELECT max(id) FROM assessments), (SELECT max(id) FROM owner_changes), "
    "(SELECT max(key) FROM risks), (SELECT max(rowid) FROM feeds), (SELECT max(rowid) FROM priority_risks), "
    "(SELECT max(rowid) FROM actions)";

std::string snapshot_mark(SQLite::Database& db) {
  SQLite::Statement st(db, kSnapshotMark);
  st.executeStep();
  std::string out;
  for (int i = 0; i < st.getColumnCount(); ++i) out += std::to_string(st.getColumn(i).getInt64()) + ",";
  return out;
}

/// Looks up std::string keys by string_view, so a column's text needs no copy to be found.
struct TextHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using TextMap = std::unordered_map<std::string, V, TextHash, std::equal_to<>>;

/// Every assessment's score and time, by id, from one scan in id order; a risk's current
/// and previous assessments are then looked up here. A register has few distinct level
/// codes, so each is kept once; the times are kept end to end in one buffer.
class Assessments {
 public:
  struct Score {
    const std::string *likelihood, *impact;
    std::string_view at;
  };

  void read(SQLite::Database& db, const std::string& path) {
    SQLite::Statement range(db, "SELECT min(id), max(id) FROM assessments");
    range.executeStep();
    if (range.getColumn(0).isNull()) return;
    lo_ = range.getColumn(0).getInt64();
    size_t span = static_cast<size_t>(range.getColumn(1).getInt64() - lo_ + 1);
    codes_.assign(span, 0);
    at_.assign(span, 0);
    times_.reserve(span * 20);
    Rows st(db, "SELECT id, likelihood, impact, assessed_at FROM assessments ORDER BY id");
    while (st.step()) {
      size_t slot = static_cast<size_t>(st.integer(0) - lo_);
      uint32_t l = code(l_codes_, st.text(1), path), i = code(i_codes_, st.text(2), path);
      codes_[slot] = l | i << 16;
      std::string_view at = st.text(3);
      if (times_.size() + at.size() + 1 > UINT32_MAX)
        throw Error(ErrorKind::Internal, path + ": too many assessments to scan");
      at_[slot] = static_cast<uint32_t>(times_.size());
      // (riskreg's times are 20 characters; a text past 255 is no timestamp either way, cut short)
      times_.push_back(static_cast<char>(at.size() > 255 ? 255 : at.size()));
      times_.append(at.substr(0, 255));
    }
  }

  /// The assessment with this id; nullopt for an id the table does not hold.
  std::optional<Score> find(int64_t id) const {
    if (id < lo_ || id - lo_ >= static_cast<int64_t>(codes_.size())) return std::nullopt;
    size_t slot = static_cast<size_t>(id - lo_);
    uint32_t c = codes_[slot];
    if (!c) return std::nullopt;
    const char* at = times_.data() + at_[slot];
    return Score{&l_codes_[(c & 0xffff) - 1], &i_codes_[(c >> 16) - 1],
                 std::string_view(at + 1, static_cast<unsigned char>(*at))};
  }

 private:
  static uint32_t code(std::vector<std::string>& codes, std::string_view v, const std::string& path) {
    for (size_t k = 0; k < codes.size(); ++k)
      if (codes[k] == v) return static_cast<uint32_t>(k + 1);
    if (codes.size() >= 0xfffe) throw Error(ErrorKind::Schema, path + ": too many distinct score codes");
    codes.emplace_back(v);
    return static_cast<uint32_t>(codes.size());
  }

  int64_t lo_ = 1;
  std::vector<uint32_t> codes_;  // by id - lo: likelihood code + 1 | (impact code + 1) << 16; 0: none
  std::vector<uint32_t> at_;     // by id - lo: where its time starts in times_ (a length byte, then the text)
  std::string times_;
  std::vector<std::string> l_codes_, i_codes_;
};

/// Phase one, on the first connection: where each risk's key sits in key order (its
/// position), how many priorities mitigate each risk and how many actions those have, and
/// the feed links by position.
struct Layout {
  size_t n = 0;
  int64_t first_key = 0;
  bool dense = false;         // keys first_key .. first_key + n - 1, as riskreg writes them
  std::vector<int64_t> keys;  // in order, when they are not dense (rows inserted with keys of their own)
  std::vector<int> priorities, actions, open_actions;  // by position
  std::vector<std::string> open_dues;                  // by position (RiskBrief::open_action_dues)
  std::vector<std::pair<size_t, size_t>> feeds;

  int64_t key_at(size_t pos) const { return dense ? first_key + static_cast<int64_t>(pos) : keys[pos]; }

  std::optional<size_t> position(int64_t key) const {
    if (dense) {
      if (key < first_key || key - first_key >= static_cast<int64_t>(n)) return std::nullopt;
      return static_cast<size_t>(key - first_key);
    }
    auto it = std::lower_bound(keys.begin(), keys.end(), key);
    if (it == keys.end() || *it != key) return std::nullopt;
    return static_cast<size_t>(it - keys.begin());
  }

  void read_keys(SQLite::Database& db) {
    // count(*) and the key column are read from the smallest index, not the wide table.
    SQLite::Statement range(db, "SELECT count(*), min(key), max(key) FROM risks");
    range.executeStep();
    n = static_cast<size_t>(range.getColumn(0).getInt64());
    first_key = range.getColumn(1).getInt64();
    dense = n == 0 || range.getColumn(2).getInt64() - first_key + 1 == static_cast<int64_t>(n);
    if (dense) return;
    Rows st(db, "SELECT key FROM risks");
    keys.reserve(n);
    while (st.step()) keys.push_back(st.integer(0));
    std::sort(keys.begin(), keys.end());
  }

  void read_links(SQLite::Database& db) {
    struct Tally {
      int all = 0, open = 0;
      std::string dues;
    };
    TextMap<Tally> actions_of;
    Rows counts(db, R"sql(SELECT priority, count(*), sum(status NOT IN ('done', 'dropped')),
        coalesce(group_concat(CASE WHEN status NOT IN ('done', 'dropped') AND due <> '' THEN due END, ','), '')
        FROM actions GROUP BY priority)sql");
    while (counts.step())
      actions_of.emplace(counts.text(0), Tally{static_cast<int>(counts.integer(1)), static_cast<int>(counts.integer(2)),
                                               std::string(counts.text(3))});
    priorities.assign(n, 0);
    actions.assign(n, 0);
    open_actions.assign(n, 0);
    open_dues.assign(n, std::string());
    Rows mitigations(db, "SELECT risk, priority FROM priority_risks");
    while (mitigations.step()) {
      auto at = position(mitigations.integer(0));
      if (!at) continue;
      ++priorities[*at];
      if (auto it = actions_of.find(mitigations.text(1)); it != actions_of.end()) {
        actions[*at] += it->second.all;
        open_actions[*at] += it->second.open;
        if (!it->second.dues.empty()) {
          if (!open_dues[*at].empty()) open_dues[*at] += ',';
          open_dues[*at] += it->second.dues;
        }
      }
    }
    Rows links(db, "SELECT from_risk, to_risk FROM feeds ORDER BY from_risk, to_risk");
    while (links.step()) {
      auto from = position(links.integer(0)), to = position(links.integer(1));
      if (from && to) feeds.emplace_back(*from, *to);
    }
  }
};

/// Phase two: the risks at positions [first, last) in key order, each handed to `risk`.
void read_risks(SQLite::Database& db, const std::string& path, const Layout& layout, const Assessments& scores,
                size_t first, size_t last, unsigned worker,
                const std::function<void(unsigned, size_t, const RiskBrief&)>& risk) {
  if (first >= last) return;
  Rows st(db,
          "SELECT key, id, title, owner, target_likelihood, target_impact, current_assessment, "
          "previous_assessment, status, next_review, last_review, response FROM risks WHERE key BETWEEN ? AND ? "
          "ORDER BY key");
  st.bind(1, layout.key_at(first));
  st.bind(2, layout.key_at(last - 1));
  RiskBrief b;
  auto set_score = [&](std::optional<ScoreCodes>& out, int column) {
    auto s = st.null(column) ? std::nullopt : scores.find(st.integer(column));
    if (!s) {
      out.reset();
      return s;
    }
    ScoreCodes& c = out ? *out : out.emplace();
    c.likelihood = *s->likelihood;
    c.impact = *s->impact;
    return s;
  };
  size_t pos = first;
  for (; pos < last && st.step(); ++pos) {
    if (st.integer(0) != layout.key_at(pos))
      throw Error(ErrorKind::Internal, path + ": the register changed under a read transaction");
    b.id.assign(st.text(1));
    b.title.assign(st.text(2));
    if (st.null(3))
      b.owner.reset();
    else
      (b.owner ? *b.owner : b.owner.emplace()).assign(st.text(3));
    if (st.null(4)) {
      b.target.reset();
    } else {
      ScoreCodes& t = b.target ? *b.target : b.target.emplace();
      t.likelihood.assign(st.text(4));
      t.impact.assign(st.text(5));
    }
    auto current = set_score(b.current, 6);
    set_score(b.previous, 7);
    if (current)
      b.assessed_at.assign(current->at);
    else
      b.assessed_at.clear();
    b.priorities = layout.priorities[pos];
    b.actions = layout.actions[pos];
    b.open_actions = layout.open_actions[pos];
    b.open_action_dues.assign(layout.open_dues[pos]);
    b.closed = st.text(8) == "closed";
    b.next_review.assign(st.text(9));
    b.last_review.assign(st.text(10));
    b.response.assign(st.text(11));
    risk(worker, pos, b);
  }
  if (pos != last) throw Error(ErrorKind::Internal, path + ": the register changed under a read transaction");
}

}  // namespace

void SqliteStore::scan_register(const std::function<void(size_t risks, unsigned workers)>& start,
                                const std::function<void(unsigned worker, size_t position, const RiskBrief&)>& risk,
                                const std::function<void(size_t from, size_t to)>& feed) {
  guarded(path_, [&] {
    // SQLite's default page cache (2 MiB) and no memory map, unlike the other whole-register
    // reads (sqlite_rows::BulkReads): every read here is sequential, so a larger cache only
    // costs page faults filling it (64 MiB on each connection took 0.5 s of 1.9 s on a
    // 1,000,000-risk register), and two maps held 1 GiB resident between them.
    SQLite::Transaction snapshot(*db_);  // (the first read below fixes its snapshot)
    // The key range tells (at once) whether the register is large enough to split; how many
    // risks there are exactly is counted below, at the same time as the other work.
    int64_t span = 0;
    {
      SQLite::Statement range(*db_, "SELECT coalesce(max(key) - min(key) + 1, 0) FROM risks");
      range.executeStep();
      span = range.getColumn(0).getInt64();
    }

    // A second connection for a large register, when its read transaction sees the same
    // snapshot as ours; otherwise (a write came in between) everything is read here.
    std::unique_ptr<SQLite::Database> twin;
    std::optional<SQLite::Transaction> twin_snapshot;
    if (worth_splitting(static_cast<size_t>(span), parallel_scan_from_)) {
      twin = std::make_unique<SQLite::Database>(path_, SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX,
                                                sqlite_rows::kBusyTimeoutMs);
      twin_snapshot.emplace(*twin);
      if (snapshot_mark(*twin) != snapshot_mark(*db_)) {
        twin_snapshot.reset();
        twin.reset();
      }
    }
    SQLite::Database& other = twin ? *twin : *db_;
    const bool apart = twin != nullptr;

    // Phase one: the layout here, the assessments there. (run_both rethrows the other
    // thread's failure here, inside guarded, which types SQLite's errors for both.)
    Layout layout;
    Assessments scores;
    run_both(
        apart,
        [&] {
          layout.read_keys(*db_);
          layout.read_links(*db_);
        },
        [&] { scores.read(other, path_); });

    // Phase two: each connection reads half of the risks.
    const size_t n = layout.n;
    start(n, apart ? 2 : 1);
    const size_t half = apart ? n / 2 : n;
    run_both(
        apart, [&] { read_risks(*db_, path_, layout, scores, 0, half, 0, risk); },
        [&] { read_risks(other, path_, layout, scores, half, n, apart ? 1 : 0, risk); });

    for (auto [from, to] : layout.feeds) feed(from, to);
    if (twin_snapshot) twin_snapshot->commit();
    snapshot.commit();
  });
}

}  // namespace riskreg
