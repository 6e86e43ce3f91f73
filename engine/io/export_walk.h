#pragma once
/// Internal to the exporters (engine/io/export*.cc): the one pass over the register that
/// every export format writes from, risk by risk, each followed by its history.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "domain/matrix.h"
#include "rules/rule_set.h"
#include "store/store.h"

namespace riskreg::exporting {

/// One risk as exported: the same fields in every format.
struct RiskRow {
  std::string id, title, owner, current, target, band;
  bool above_appetite = false;
  std::string status;  ///< "open" or "closed" (riskreg close)
  /// The decision above appetite (riskreg respond): "", "treat", "tolerate", "transfer" or
  /// "terminate", and its terms: "accepted by WHO until DATE at C2", "to PARTY", "".
  std::string response, response_terms;
  std::string response_until;  ///< tolerate: the acceptance's expiry, YYYY-MM-DD; "" otherwise
  std::string heading, vulnerability;
  std::vector<std::string> controls, triggers, consequences, notes, priorities, actions, feeds_to;
  std::vector<Feed> feeds;         ///< the links from it (feeds_to's), as the export's feed table lists them
  std::vector<std::string> flags;  ///< the rule flags raised on it ("UNMITIGATED"), if evaluated
  std::vector<rules::Severity> flag_severities;  ///< each flag's rule's severity, as `flags`
};

/// A score in the matrix's notation ("B2"), or its codes as stored if off the matrix.
std::string score_text(const Matrix& m, const ScoreCodes& s);
/// The band a score falls in, "" if off the matrix.
std::string band_text(const Matrix& m, const ScoreCodes& s);

/// score_text and band_text for every cell of a matrix, written once: what an export writes
/// on each of a million rows.
class CellTexts {
 public:
  explicit CellTexts(const Matrix& m);
  std::string_view score(const ScoreCodes& s);
  std::string_view band(const ScoreCodes& s);

 private:
  const Matrix& m_;
  std::vector<std::string> score_, band_;  ///< by cell index
  std::string off_;  ///< an off-matrix score's codes (score's view of them lasts until its next call)
};

/// A list in one CSV cell: one item per line (items never hold a line break in practice;
/// `riskreg import` splits on line breaks, or on "; " in a cell without any).
std::string lines(const std::vector<std::string>& v);

/// Streams every risk (as of `as_of` when given), in id order, and after each its history
/// up to then, in assessment order, from a constant number of queries (Store::for_each_export).
/// Memory does not grow with the register: one RiskRow is reused, so `on_risk` must copy
/// what it keeps.
///
/// `flags` are the register's rules (its flags.toml) evaluated on each row as `riskreg flags`
/// does, at `now`; with `as_of`, on the register as it stood then and at that time (days
/// since assessment count to the as-of time), feed counts included.
void walk(Store& store, const Matrix& m, const std::optional<std::string>& as_of, Timestamp now,
          const std::function<void(const RiskRow&)>& on_risk,
          const std::function<void(const AssessmentRow&)>& on_assessment);
/// The same, with the flags evaluated at the system clock's now (at the as-of time when given).
void walk(Store& store, const Matrix& m, const std::optional<std::string>& as_of,
          const std::function<void(const RiskRow&)>& on_risk,
          const std::function<void(const AssessmentRow&)>& on_assessment);

}  // namespace riskreg::exporting
