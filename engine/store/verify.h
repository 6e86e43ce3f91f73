#pragma once
/// `audit verify`: the SHA-256 chain, and the append-only history cross-checked against
/// it. The chain alone cannot see a deleted last entry, nor an assessment edited in its
/// own table; the cross-check can, because every assessment row is recorded by exactly
/// one audit entry ("score", or the "create" entry's digest for the initial ones). Every
/// stored version of the rules files is checked against the hashes the entry that stored it
/// recorded ("create", or a "rules" entry of `rules apply`). Neither sees
/// a chain recomputed after an edit, nor the newest entries deleted with their rows: the
/// anchors given (audit/anchor.h), heads kept outside the register, do (docs/audit.md).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/anchor.h"
#include "store/store.h"

namespace riskreg {

struct AuditProblem {
  std::optional<int64_t> entry;       ///< the audit entry concerned, when there is one
  std::optional<int64_t> assessment;  ///< the assessment row concerned, when there is one
  std::string message;                ///< "entry 7 was edited: ..."
};

struct AuditVerification {
  int64_t entries = 0;  ///< entries in the log
  std::string head;     ///< the hash of the last entry that verified
  /// The log's last entry (what `audit anchor` records), when the log has one.
  std::optional<AuditEntry> last;
  /// In the order found: the chain first, then the history against it. Empty when sound.
  std::vector<AuditProblem> problems;
  /// The anchors the register no longer matches, in the order given, each naming the entry.
  std::vector<AuditProblem> anchor_problems;
  /// For each anchor given, in order, the entry that holds its hash (0 for one that does not).
  std::vector<int64_t> anchored;
  bool ok() const { return problems.empty() && anchor_problems.empty(); }
};

/// Reads the log and the whole assessment history from `store`, and checks the log against
/// each of `anchors`; never throws for tampering (that is a result), only for a store that
/// cannot be read.
AuditVerification verify_audit(Store& store, const std::vector<Anchor>& anchors = {});

}  // namespace riskreg
