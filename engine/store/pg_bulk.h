#pragma once
/// Bulk writes to PostgreSQL: `COPY table (columns) FROM STDIN` in text format, one row at a
/// time into libpq's buffer, so a million rows cost one statement rather than a million
/// round trips. Used by `init`/`generate` (PgStore::fill), `migrate` (pg_copy.cc) and bulk
/// re-scores. The rows go into the caller's transaction: nothing is visible before it commits.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pqxx {
class connection_base;
class dbtransaction;
class tablewriter;
}  // namespace pqxx

namespace riskreg {

/// One field of a COPY row: text, a number, or SQL NULL (a null `const char*`, an empty
/// optional, nullptr). Numbers are formatted into the field itself, so a row needs no
/// allocation but its line.
class CopyField {
 public:
  CopyField(std::nullptr_t) {}                      // NOLINT: implicit, so rows read like VALUES lists
  CopyField(const char* s) : null_(s == nullptr) {  // NOLINT
    if (s) set(s);
  }
  CopyField(const std::string& s) : null_(false) { set(s); }    // NOLINT
  CopyField(const std::optional<std::string>& s) : null_(!s) {  // NOLINT
    if (s) set(*s);
  }
  CopyField(int64_t v);                                     // NOLINT
  CopyField(int v) : CopyField(static_cast<int64_t>(v)) {}  // NOLINT
  CopyField(std::optional<int> v);                          // NOLINT
  /// Written exactly (shortest round-trip form), as libpqxx writes a double.
  CopyField(std::optional<double> v);  // NOLINT

  bool null() const { return null_; }
  std::string_view text() const { return {ptr_ ? ptr_ : buf_, len_}; }

 private:
  void set(std::string_view s) {
    ptr_ = s.data();
    len_ = s.size();
  }
  bool null_ = true;
  const char* ptr_ = nullptr;  ///< the caller's text; null when it is a number in buf_
  size_t len_ = 0;
  char buf_[32] = {};  ///< so a copied field keeps its number
};

class CopyIn {
 public:
  CopyIn(pqxx::dbtransaction& tx, const std::string& table, const std::vector<std::string>& columns);
  ~CopyIn();
  CopyIn(const CopyIn&) = delete;
  CopyIn& operator=(const CopyIn&) = delete;

  /// One row, its fields in the order of `columns`.
  void row(std::initializer_list<CopyField> fields);
  void row(const std::vector<CopyField>& fields);
  /// Ends the COPY and checks the server accepted every row (throws pqxx's error if not).
  void complete();

 private:
  void row(const CopyField* begin, const CopyField* end);
  void add(const CopyField& f);
  std::unique_ptr<pqxx::tablewriter> w_;
  std::string line_;
  int64_t rows_ = 0;
};

}  // namespace riskreg

namespace riskreg {

/// Fresh planner statistics after a bulk write (generate, migrate, a large import), run after its
/// commit: until autovacuum gets to them, the server plans the next read as if the tables still
/// held what they held before (the first `list` of a generated 100,000-risk register took 158 s
/// with the per-risk counts planned as scans, 2.8 s after ANALYZE). Tables the user may not
/// analyze are skipped without a message; autovacuum analyzes them later.
void pg_analyze(pqxx::connection_base& c);

/// `n` fresh values of `table.column`'s identity sequence, ascending, in one round trip.
/// In one session with no other writer they are consecutive, as SQLite's rowids would be.
std::vector<int64_t> pg_next_ids(pqxx::dbtransaction& tx, const std::string& table, const std::string& column,
                                 int64_t n);

/// Appends entries to the audit chain by COPY. Construct it after locking the rows the
/// write changes: it locks the chain head (the lock order of every write), reads the last
/// entry, then chains each added entry onto it. No other statement may run on the
/// connection until complete().
class AuditCopy {
 public:
  explicit AuditCopy(pqxx::dbtransaction& tx);
  void add(const std::string& at, const std::string& actor, const std::string& action, const std::string& entity,
           const std::string& detail);
  void complete() { copy_->complete(); }
  /// The sequence number the next added entry takes (the last added one's plus one).
  int64_t next_seq() const { return seq_; }

 private:
  std::string prev_hash_;
  int64_t seq_ = 1;
  std::unique_ptr<CopyIn> copy_;
};

}  // namespace riskreg
