#pragma once
/// What a rule can see of one risk: plain values computed once per risk from its
/// RiskView, the clock and the feed links, so evaluating rules allocates nothing.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "domain/matrix.h"
#include "rules/risk_view.h"
#include "store/store.h"

namespace riskreg::rules {

/// The type of a value in a condition. Scale types compare by the matrix's own order.
enum class Type { Bool, Number, String, Likelihood, Impact, Cell, Band, Direction, None };

/// "a number", "a likelihood level" — for type errors.
std::string type_name(Type t);

/// Every field a rule can name (docs/rules.md lists each with an example).
enum class Field : uint8_t {
  Id,
  Title,
  Owner,
  HasOwner,
  Likelihood,
  Impact,
  Cell,
  Band,
  Score,
  AboveAppetite,
  HasTarget,
  TargetLikelihood,
  TargetImpact,
  TargetCell,
  TargetBand,
  TargetScore,
  TargetDistance,
  DaysSinceAssessment,
  HasPrevious,
  PreviousLikelihood,
  PreviousImpact,
  PreviousCell,
  PreviousBand,
  PreviousScore,
  Direction,
  Worsened,
  Priorities,
  Actions,
  Mitigations,
  Upstream,
  UpstreamAbove,
  Closed,
  NextReview,
  DaysToReview,
  DaysSinceReview,
  OpenActions,
  OverdueActions,
  Response,
  AcceptedBy,
  AcceptedUntil,
  DaysToAcceptanceExpiry,
};

struct FieldInfo {
  Field field;
  const char* name;
  Type type;
  bool nullable;       ///< may be `none`
  bool needs_numeric;  ///< only on matrices with score = "product"
};

/// The catalogue of fields, in documentation order.
const std::vector<FieldInfo>& fields();
const FieldInfo* find_field(std::string_view name);
std::vector<std::string> field_names();

/// Direction of the latest score against the one before (see docs/rules.md).
enum class Direction : uint8_t { None = 0, Better = 1, Same = 2, Worse = 3 };
const char* direction_name(Direction d);

/// One risk's facts. Scale positions are ranks (0 = least severe); -1 means unset.
struct RiskFacts {
  std::string id;
  std::string title;
  std::optional<std::string> owner;
  int likelihood = -1, impact = -1, cell = -1, band = -1;
  int target_likelihood = -1, target_impact = -1, target_cell = -1, target_band = -1;
  int previous_likelihood = -1, previous_impact = -1, previous_cell = -1, previous_band = -1;
  std::optional<double> score, target_score, previous_score;
  bool above_appetite = false;
  std::optional<double> target_distance;
  std::optional<double> days_since_assessment;
  Direction direction = Direction::None;
  int priorities = 0, actions = 0;
  /// Actions under its priorities not done or dropped, and those of them past their due date.
  int open_actions = 0, overdue_actions = 0;
  /// The decision above appetite: 0 for none, else 1 + its index in response_kinds()
  /// (domain/response.h); an acceptance's approver and expiry ("" when not tolerated) and the
  /// whole days from now to that expiry (negative once it has passed).
  uint8_t response = 0;
  std::string accepted_by, accepted_until;
  std::optional<double> days_to_acceptance_expiry;
  int upstream = 0, upstream_above = 0;
  bool closed = false;
  std::optional<std::string> next_review;  ///< YYYY-MM-DD
  /// Whole days from now to the next review (negative: overdue), and since the last review.
  std::optional<double> days_to_review, days_since_review;
};

/// The facts of one risk, without its feed counts (upstream, upstream_above stay 0).
RiskFacts facts_of(const RiskView& v, const Matrix& m, Timestamp now);

/// Every risk's facts in the store's order, with feed counts, from one Store::scan_register.
/// Throws Error(Schema) on a score not on the matrix.
std::vector<RiskFacts> load_facts(Store& store, const Matrix& m, Timestamp now);

/// One risk's facts with its feed counts, reading only that risk and its upstream risks.
/// Throws Error(NotFound) for an unknown id.
RiskFacts load_risk_facts(Store& store, const Matrix& m, const std::string& id, Timestamp now);

}  // namespace riskreg::rules
