#pragma once
/// `audit verify`: the SHA-256 chain, and the append-only history cross-checked against
/// it. The chain alone cannot see a deleted last entry, nor an assessment edited in its
/// own table; the cross-check can, because every assessment row is recorded by exactly
/// one audit entry ("score", or the "create" entry's digest for the initial ones).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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
  /// In the order found: the chain first, then the history against it. Empty when sound.
  std::vector<AuditProblem> problems;
  bool ok() const { return problems.empty(); }
};

/// Reads the log and the whole assessment history from `store`; never throws for
/// tampering (that is a result), only for a store that cannot be read.
AuditVerification verify_audit(Store& store);

}  // namespace riskreg
