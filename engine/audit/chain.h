#pragma once
/// The tamper-evident audit chain: each entry's hash is SHA-256 over the previous
/// entry's hash and the entry's canonical content.
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "records/records.h"

namespace riskreg {

std::string sha256_hex(std::string_view data);

/// The hash the chain expects for `e` (whose own `hash` field is ignored) after `prev_hash`.
std::string audit_hash(const std::string& prev_hash, const AuditEntry& e);

/// SHA-256 over the canonical JSON of `rows` in id order (id, risk, likelihood, impact,
/// by, at, reason). The "create" entry records it for the initial assessments, which
/// have no "score" entry of their own.
std::string assessments_digest(std::vector<AssessmentRow> rows);

/// A SHA-256 over rows fed one at a time, in id order, each as its canonical JSON array and
/// a line feed: what an "import" audit entry records of the assessments and owner changes
/// it wrote, and what `audit verify` recomputes from the tables (docs/export-import.md).
/// Streaming: memory does not grow with the rows.
class RowDigest {
 public:
  RowDigest();
  ~RowDigest();
  RowDigest(const RowDigest&) = delete;
  RowDigest& operator=(const RowDigest&) = delete;
  /// [id, risk, likelihood, impact, by, at, reason]
  void add(const AssessmentRow& a);
  /// [id, risk, owner, by, at, reason]
  void add(const OwnerChange& c);
  /// [id, texts...]: either of the above from views (what an import's writer has at hand).
  void add(int64_t id, std::initializer_list<std::string_view> texts);
  int64_t count() const { return count_; }
  /// The hex digest so far (the digest can go on being fed).
  std::string hex() const;

 private:
  void line(const std::string& canonical);
  struct State;  // nettle's SHA-256 context (chain.cc)
  std::unique_ptr<State> ctx_;
  std::string buf_;  ///< the line being written, reused
  int64_t count_ = 0;
};

/// What one "import" audit entry records of the rows the import appended: for its assessments
/// and for its owner changes, the id range, the count and a RowDigest. Both stores build the
/// entry with it and `audit verify` reads it back with `covers`, so the format is defined once
/// (docs/export-import.md).
class ImportRecord {
 public:
  /// One kind of row the entry covers, as recorded.
  struct Cover {
    int64_t first = 0, last = 0, count = 0;
    std::string sha256;
  };
  /// Feed the rows in id order, as they are appended.
  void add(const AssessmentRow& a);
  void add(const OwnerChange& c);
  /// The same from views: an assessment [id, risk, likelihood, impact, by, at, reason] or an
  /// owner change [id, risk, owner, by, at, reason].
  void add_assessment(int64_t id, std::initializer_list<std::string_view> texts);
  void add_owner_change(int64_t id, std::initializer_list<std::string_view> texts);
  /// The entry's detail: the batch (file, its SHA-256, rows), the result's counts and the two covers.
  std::string detail(const ImportBatch& batch, const ImportResult& result) const;
  /// The cover of `part` ("assessments" or "owner_changes") in an import entry's detail; none
  /// when the detail holds no such part (an entry from before imports recorded digests).
  static std::optional<Cover> cover(const std::string& detail, const char* part);

 private:
  struct Part {
    RowDigest digest;
    int64_t first = 0, last = 0;
    void note(int64_t id) {
      if (!first) first = id;
      last = id;
    }
  };
  Part assessments_, owners_;
};

/// The prev_hash of the first entry.
inline const std::string kGenesisHash(64, '0');

struct ChainCheck {
  bool ok = true;
  int64_t checked = 0;
  std::optional<int64_t> first_bad_seq;  ///< the first entry that does not verify
  std::string problem;                   ///< what is wrong with it
  std::string head;                      ///< the last good hash
};

/// Walks the log in order and names the first entry that was edited, deleted,
/// inserted or moved.
ChainCheck verify_chain(const std::vector<AuditEntry>& log);

}  // namespace riskreg
