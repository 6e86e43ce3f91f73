#pragma once
/// A risk's state read against the matrix: cells, band, appetite. What list, matrix,
/// flags and alerts show.
#include <optional>
#include <string>
#include <vector>

#include "domain/matrix.h"
#include "store/store.h"

namespace riskreg {

struct RiskView {
  RiskState state;
  std::optional<Cell> current;
  std::optional<Cell> previous;
  std::optional<Cell> target;
  const Band* band = nullptr;  ///< of the current score
  bool above_appetite = false;
};

/// Throws Error(Schema) if the store holds a code the matrix does not have.
RiskView view_of(const RiskState& s, const Matrix& m);

/// "R5", "r5", "5" and "R05" all name risk R5 (domain/risk_id.h). Throws Error(NotFound)
/// with a "did you mean".
std::string resolve_risk_id(Store& store, const std::string& text);
/// The same, with the state it read of the risk (one read when the text is its id).
RiskState resolve_risk(Store& store, const std::string& text);

/// Parses a score on the matrix. Throws Error(InvalidInput) naming the valid scores.
Cell parse_score(const Matrix& m, const std::string& text);

}  // namespace riskreg
