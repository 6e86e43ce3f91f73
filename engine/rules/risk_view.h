#pragma once
/// A risk's state read against the matrix: cells, band, appetite. What list, matrix,
/// flags and alerts show, and what a rule's facts are built from (rules/facts.h).
#include <optional>
#include <string>

#include "domain/matrix.h"
#include "records/records.h"

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

/// Parses a score on the matrix. Throws Error(InvalidInput) naming the valid scores.
Cell parse_score(const Matrix& m, const std::string& text);

}  // namespace riskreg
