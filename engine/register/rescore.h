#pragma once
/// Re-scoring a risk: validate, append the assessment, report what changed.
#include <optional>
#include <string>

#include "core/clock.h"
#include "domain/matrix.h"
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
  std::optional<Cell> from;
  Cell to;
  AssessmentRow assessment;
  bool was_above = false;
  bool now_above = false;
  /// "up", "down" or "none": whether the appetite line was crossed, and which way.
  std::string crossed;
  /// How many bands the score moved (positive = worse).
  int band_change = 0;
};

/// Validates everything before writing (unknown risk, bad score, blank reason), then
/// appends one assessment in one transaction.
RescoreResult rescore(Store& store, const Matrix& m, const Clock& clock, const RescoreRequest& req);

}  // namespace riskreg
