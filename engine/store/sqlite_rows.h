#pragma once
/// Internal to the SQLite store (store/sqlite_*.cc): how a risk's row and its list columns
/// are written and read, shared by create, import and the export stream so they cannot drift.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "domain/register.h"
#include "records/json_list.h"
#include "store/store.h"

namespace riskreg::sqlite_rows {

/// How long a connection waits for another process's write lock before giving up (Busy).
inline constexpr int kBusyTimeoutMs = 15000;

/// The page size of a register `riskreg init` creates (SqliteStore, Mode::Create).
inline constexpr int kPageSize = 16384;

/// Runs `f`, turning SQLite's errors into typed ones. SQLITE_BUSY past the timeout is Busy.
template <typename F>
auto guarded(const std::string& path, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const SQLite::Exception& e) {
    int code = e.getErrorCode() & 0xff;
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
      throw Error(ErrorKind::Busy, path + ": the register stayed locked by another process; try again");
    if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
      throw Error(ErrorKind::Schema, path + ": not a riskreg register, or damaged (" + e.what() + ")");
    // The machine, not riskreg, refused: its own exit code (Environment), not a bug's.
    if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_PERM || code == SQLITE_AUTH)
      throw Error(ErrorKind::Environment, path + ": cannot write the register (" + std::string(e.what()) + ")");
    if (code == SQLITE_FULL) throw Error(ErrorKind::Environment, path + ": the disk is full; nothing was written");
    if (code == SQLITE_IOERR)
      throw Error(ErrorKind::Environment,
                  path + ": the disk failed (" + std::string(e.what()) + "); nothing was written");
    if (code == SQLITE_MISMATCH || code == SQLITE_TOOBIG)
      throw Error(ErrorKind::Schema, path + ": not a riskreg register, or damaged (" + e.what() + ")");
    throw Error(ErrorKind::Internal, path + ": " + e.what());
  } catch (const nlohmann::json::exception& e) {
    // A list column that is not the JSON array riskreg writes: a damaged or hand-edited file.
    throw Error(ErrorKind::Schema, path +
                                       ": not a riskreg register, or damaged (a stored list is not a JSON list of "
                                       "text: " +
                                       std::string(e.what()) + ")");
  } catch (const std::filesystem::filesystem_error& e) {
    throw Error(ErrorKind::Environment,
                path + ": " + std::string(e.code().message()) + " (" + e.path1().string() + ")");
  }
}

/// Copies column `i` into `out`, reusing its buffer (no allocation once it is big enough).
void assign_text(SQLite::Statement& st, int i, std::string& out);

/// Column `i` into `out`, or `out` emptied when it is NULL; reuses the buffer.
void assign_opt_text(SQLite::Statement& st, int i, std::optional<std::string>& out);

/// Columns i (likelihood) and i+1 (impact) into `out`, or `out` emptied when i is NULL.
void assign_opt_codes(SQLite::Statement& st, int i, std::optional<ScoreCodes>& out);

/// Reads an assessment from columns first..first+5 (id, likelihood, impact, by, at, reason)
/// into `out`, reusing its strings; empty when the id column is NULL (no such assessment).
void assign_assessment(SQLite::Statement& st, int first, const std::string& risk_id, std::optional<AssessmentRow>& out);

/// Reads a risk-state row into `s`, reusing its strings from the previous row. Columns:
/// 0 id, 1 title, 2 owner, 3-4 target, 5-10 current assessment, 11-16 previous assessment
/// (the layout of the state scan and of the export's risk cursor).
void read_state_into(SQLite::Statement& st, RiskState& s);

/// A list column as stored: a JSON array of strings.
inline std::string list_json(const std::vector<std::string>& v) { return to_json(v); }

/// For the length of one whole-register read (for_each_risk, a load): pages through a memory
/// map (256 MiB) and a 64 MiB page cache, so a million-risk scan that jumps between the risks'
/// and the assessments' b-trees stays CPU-bound. Only there: on a 1 GB register the two cost an
/// interactive command that reads a few rows (show, score) 25-40 ms of mapping, page faults and
/// unmapping. Construct it before the read transaction begins; it puts SQLite's defaults back.
class BulkReads {
 public:
  explicit BulkReads(SQLite::Database& db, int cache_kib = 64 << 10, int64_t mmap_bytes = 256 << 20) : db_(db) {
    db_.exec("PRAGMA mmap_size = " + std::to_string(mmap_bytes));
    db_.exec("PRAGMA cache_size = -" + std::to_string(cache_kib));
  }
  ~BulkReads() {
    // Back to the defaults; a failure here leaves only a larger cache for this connection, and
    // a destructor must not throw.
    try {
      db_.exec("PRAGMA mmap_size = 0");
      db_.exec("PRAGMA cache_size = -2000");
    } catch (const SQLite::Exception&) {
    }
  }
  BulkReads(const BulkReads&) = delete;
  BulkReads& operator=(const BulkReads&) = delete;

 private:
  SQLite::Database& db_;
};

/// A query stepped through SQLite's C API. The whole-register scans and the export read tens
/// of millions of columns, and SQLiteCpp's Column copies a shared pointer (two atomic operations) for each
/// one; here a column is one call. Errors throw SQLite::Exception, as SQLiteCpp's do.
class Rows {
 public:
  Rows(SQLite::Database& db, const char* sql) : db_(db.getHandle()) {
    check(sqlite3_prepare_v2(db_, sql, -1, &st_, nullptr));
  }
  ~Rows() { sqlite3_finalize(st_); }
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;

  void bind(int i, int64_t v) { check(sqlite3_bind_int64(st_, i, v)); }
  void bind(int i, std::string_view v) {
    check(sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  }
  int parameters() const { return sqlite3_bind_parameter_count(st_); }
  void reset() { sqlite3_reset(st_); }
  double real(int i) const { return sqlite3_column_double(st_, i); }
  bool step() {
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) check(rc);
    return false;
  }
  bool null(int i) const { return sqlite3_column_type(st_, i) == SQLITE_NULL; }
  int64_t integer(int i) const { return sqlite3_column_int64(st_, i); }
  /// The column's text, valid until the next step.
  std::string_view text(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, i));
    return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(st_, i))) : std::string_view();
  }

 private:
  void check(int rc) const {
    if (rc != SQLITE_OK) throw SQLite::Exception(db_, rc);
  }
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
};

/// Reads a list column into `out`, reusing its strings' buffers. Arrays of plain strings
/// (what list_json writes) are read directly; anything else goes through the JSON parser.
void read_list(std::string_view text, std::vector<std::string>& out);

inline void bind_opt(SQLite::Statement& st, int i, const std::optional<std::string>& v) {
  if (v)
    st.bind(i, *v);
  else
    st.bind(i);
}
inline void bind_opt(SQLite::Statement& st, int i, const std::optional<double>& v) {
  if (v)
    st.bind(i, *v);
  else
    st.bind(i);
}

/// The columns kInsertRisk writes, in order. `current_assessment` is bound by the caller
/// (NULL when it sets it after inserting the assessment).
inline constexpr const char* kInsertRisk = R"sql(INSERT INTO risks (id, number, title, heading, vulnerability,
    triggers, consequences, controls, target_likelihood, target_impact, spontaneous_probability, notes, owner,
    current_assessment) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?))sql";

/// Binds a risk's descriptive fields to parameters first .. first+7: title, heading,
/// vulnerability, triggers, consequences, controls (from `lists`, encode_lists), target
/// likelihood, target impact (the order both kInsertRisk and import's UPDATE of an existing
/// risk name them). Nothing is copied: `r` and `lists` must outlive the statement's next step.
inline void bind_risk_fields(SQLite::Statement& st, int first, const Risk& r, const ListsJson& lists) {
  st.bindNoCopy(first, r.title);
  st.bindNoCopy(first + 1, r.heading);
  st.bindNoCopy(first + 2, r.vulnerability);
  for (int i = 0; i < 3; ++i) st.bindNoCopy(first + 3 + i, lists[static_cast<size_t>(i)]);
  if (r.target) {
    st.bindNoCopy(first + 6, r.target->likelihood);
    st.bindNoCopy(first + 7, r.target->impact);
  } else {
    st.bind(first + 6);
    st.bind(first + 7);
  }
}

/// Binds parameters 1-13 of kInsertRisk from `r` (every field a risk row holds), as
/// bind_risk_fields: without copies.
inline void bind_risk_row(SQLite::Statement& st, const Risk& r, const ListsJson& lists) {
  st.bindNoCopy(1, r.id);
  if (r.number)
    st.bind(2, *r.number);
  else
    st.bind(2);
  bind_risk_fields(st, 3, r, lists);
  bind_opt(st, 11, r.spontaneous_probability);
  st.bindNoCopy(12, lists[3]);
  if (r.owner)
    st.bindNoCopy(13, *r.owner);
  else
    st.bind(13);
}

/// The start of a query over the register as it stood at ?1: a CTE `at_time(key, cur, prev,
/// owner)` giving each risk's current and previous assessment and its owner from the
/// append-only history. Join it on `at_time.key = risks.key`.
inline constexpr const char* kAtTimeCte = R"sql(
WITH at_time AS (
  SELECT r.key,
         (SELECT a.id FROM assessments a WHERE a.risk = r.key AND a.assessed_at <= ?1 ORDER BY a.id DESC LIMIT 1) AS cur,
         (SELECT a.id FROM assessments a WHERE a.risk = r.key AND a.assessed_at <= ?1 ORDER BY a.id DESC LIMIT 1 OFFSET 1) AS prev,
         (SELECT o.owner FROM owner_changes o WHERE o.risk = r.key AND o.changed_at <= ?1 ORDER BY o.id DESC LIMIT 1) AS owner
  FROM risks r)
)sql";

}  // namespace riskreg::sqlite_rows
