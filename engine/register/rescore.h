#pragma once
/// Re-scoring a risk: validate, append the assessment, report what changed and what the
/// cascade does to the risks it feeds.
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "domain/matrix.h"
#include "graph/cascade.h"
#include "store/store.h"

namespace riskreg {

struct RescoreRequest {
  std::string risk;    ///< as typed ("5", "R5")
  std::string score;   ///< as typed ("B2")
  std::string reason;  ///< required, not blank
  std::string by;
  std::optional<std::string> expect;  ///< lost-update guard: the score the owner last saw
};

struct RescoreResult {
  std::string risk_id;
  std::string title;
  /// The score ours replaced, as the write transaction read it under its lock: right even
  /// when another owner re-scored between our validation and our write.
  std::optional<Cell> from;
  Cell to;
  AssessmentRow assessment;
  int64_t audit_seq = 0;  ///< of the "score" entry
  bool was_above = false;
  bool now_above = false;
  /// "up", "down" or "none": whether the appetite line was crossed, and which way.
  std::string crossed;
  /// How many bands the score moved (positive = worse).
  int band_change = 0;
  /// What the re-score does to the risks it feeds (nothing else is written); none when the
  /// register's rules have no cascade.toml, or none were given.
  std::optional<CascadeResult> cascade;
  /// The acceptance this re-score ended (a worse cell than the one tolerated): why, as the
  /// "lapse" change records it; "" when it ended none.
  std::string lapse;
};

/// Validates everything before writing (unknown risk, bad score, blank reason, the
/// expectation), then appends one assessment in one transaction, which also returns the
/// score it replaced. Computes no cascade. A refused expectation is Error(Conflict) saying
/// what the score now is, who set it, when and why.
RescoreResult rescore(Store& store, const Matrix& m, const Clock& clock, const RescoreRequest& req);

/// The same with the register's rules (read once by the caller; the matrix comes from
/// them): the cascade rule is checked before the write too (Error, nothing written, when
/// cascade.toml is broken), and the cascade of the committed re-score is computed from the
/// part of the register it can reach.
RescoreResult rescore(Store& store, const std::vector<RulesFile>& rules, const Matrix& m, const Clock& clock,
                      const RescoreRequest& req);

}  // namespace riskreg
