#pragma once
/// An alert as plain values: for a period, every risk above appetite (newly, still) and
/// every risk that dropped below since the previous period, with what a reader needs to act.
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "domain/matrix.h"
#include "rules/rule_set.h"
#include "store/store.h"

namespace riskreg::alert {

/// A calendar month, UTC: [start, next).
struct Period {
  std::string name;  ///< "2026-11"
  Timestamp start;
  Timestamp next;  ///< the start of the following month
};

/// Parses `YYYY-MM`. Throws Error(Usage) naming the expected form.
Period parse_period(const std::string& text);
/// The month holding `t`.
Period period_of(Timestamp t);
/// The month before `p`.
Period previous_period(const Period& p);

struct AlertAction {
  std::string id;
  std::string text;
  std::string lead_officers;  ///< joined with ", "; "" when none
  std::string due;            ///< the completion date as written; "" when none
};

struct AlertPriority {
  std::string id;
  std::string title;
  std::vector<AlertAction> actions;
};

struct AlertRisk {
  std::string id;
  std::string title;
  std::string owner;                  ///< "" when unassigned
  std::string score;                  ///< at the end of the period ("B2")
  std::string band;                   ///< its band's label
  std::string previous_score;         ///< at the end of the previous period; "" when unscored then
  std::string movement;               ///< "unchanged", "worsened from C2", "improved from B2", "new"
  std::vector<std::string> flags;     ///< "RULE: message"
  std::vector<std::string> upstream;  ///< risks above appetite feeding it (directly or not): "R1 (B3) title"
  std::vector<AlertPriority> priorities;
};

struct Alert {
  std::string period;
  std::string register_name;
  std::string as_of;           ///< the state read: the end of the period, or now if earlier
  std::string previous_as_of;  ///< the end of the previous period
  std::vector<AlertRisk> newly_above;
  std::vector<AlertRisk> still_above;
  std::vector<AlertRisk> dropped_below;

  bool empty() const { return newly_above.empty() && still_above.empty() && dropped_below.empty(); }
  /// The owners named in it, sorted, without duplicates ("" excluded).
  std::vector<std::string> owners() const;
  /// Only the risks `owner` owns.
  Alert for_owner(const std::string& owner) const;
};

/// Builds the alert for `period` from the register's history: above appetite at the end of the
/// period (or at `now`, when the period has not ended) against the end of the previous period.
/// Flags come from `rules` evaluated on the register as it stands now.
Alert build_alert(Store& store, const Matrix& m, const rules::RuleSet& rules, const Period& period, Timestamp now);

}  // namespace riskreg::alert
