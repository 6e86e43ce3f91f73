#pragma once
/// An alert as plain values: for a period, every risk above appetite (newly, still) and
/// every risk that dropped below since the previous period, with what a reader needs to act:
/// a headline of what changed, who re-scored and why, overdue actions, the feeding risks.
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "domain/matrix.h"
#include "rules/rule_set.h"
#include "store/store.h"

namespace riskreg::alert {

/// A calendar month in a time zone: [start, next). Months are local: a scheduler that runs
/// on the 1st at 06:00 in Europe/London or Asia/Tokyo reports the month that just ended there.
struct Period {
  std::string name;  ///< "2026-11"
  std::string zone;  ///< the IANA zone the month is read in ("Europe/London", "UTC")
  Timestamp start;   ///< local midnight on the 1st, as a UTC instant
  Timestamp next;    ///< the start of the following month
};

/// The zone periods are read in: `name` (an IANA name such as "Europe/London"), else the
/// machine's (`TZ` when it names a zone, else /etc/localtime). Throws Error(InvalidInput)
/// naming an unknown zone. Returns the zone's canonical name.
std::string resolve_zone(const std::string& name);
/// Whether `name` is a zone the time zone database knows.
bool known_zone(const std::string& name);

/// Parses `YYYY-MM` as a month of `zone`. Throws Error(Usage) naming the expected form.
Period parse_period(const std::string& text, const std::string& zone = "UTC");
/// The month of `zone` holding `t`.
Period period_of(Timestamp t, const std::string& zone = "UTC");
/// The month before `p`, in the same zone.
Period previous_period(const Period& p);
/// `t` as local time in `zone`: "2026-11-05 10:00 GMT".
std::string local_time(Timestamp t, const std::string& zone);
/// `t`'s local date in `zone`: "2026-11-05".
std::string local_date(Timestamp t, const std::string& zone);

struct AlertAction {
  std::string id;
  std::string text;
  std::string lead_officers;  ///< joined with ", "; "" when none
  std::string due;            ///< the completion date as written; "" when none
  /// The due date, read as a month ("March 2010", "Sept 09", "2010 April"), has passed by the
  /// end of the period. The register records no completion of actions, so an action past its
  /// date is "overdue" unless someone says otherwise; undated and unreadable dates ("Ongoing")
  /// are never marked.
  bool overdue = false;
};

struct AlertPriority {
  std::string id;
  std::string title;
  std::vector<AlertAction> actions;
};

/// A risk above appetite that feeds a listed one.
struct Feeder {
  std::string id;
  std::string score;
  std::string title;
  std::vector<std::string> via;  ///< the risks in between, nearest the feeder first; empty when direct
  std::string text() const;      ///< "R7 (B2) title" or "R7 (B2) title, via R2"
};

/// The last re-score of a risk inside the period.
struct Rescore {
  std::string by;
  std::string at;  ///< as stored (UTC)
  std::string reason;
};

struct AlertRisk {
  std::string id;
  std::string title;
  std::string owner;               ///< "" when unassigned
  std::string score;               ///< at the end of the period ("B2")
  std::string band;                ///< its band's name ("very-high")
  std::string band_colour;         ///< its band's colour ("#d7191c")
  int severity = 0;                ///< band rank × 100 + cell ranks: higher is more severe
  std::string previous_score;      ///< at the end of the previous period; "" when unscored then
  std::string movement;            ///< "unchanged", "worsened from C2", "improved from B2", "new"
  std::optional<Rescore> rescore;  ///< who re-scored it in the period, and why
  std::vector<std::string> flags;  ///< "RULE: message", without the flags every listed risk carries
  std::vector<Feeder> upstream;    ///< above-appetite risks feeding it: direct first, then by distance
  std::vector<AlertPriority> priorities;
  int overdue_actions = 0;
  int open_actions = 0;
  int heat_row = -1, heat_col = -1;  ///< its cell in Alert::heat; -1 when unscored
  /// The decision above appetite at the end of the period (`riskreg respond`): "none", "treat",
  /// "tolerate", "transfer" or "terminate", and as a person reads it ("tolerate (accepted by ...)").
  std::string decision = "none";
  std::string decision_text = "none recorded";
  std::string accepted_until;  ///< tolerate: YYYY-MM-DD
};

/// The above-appetite risks (newly and still above) with one decision, for the headline.
struct DecisionGroup {
  std::string decision;            ///< "none", "treat", "tolerate", "transfer", "terminate"
  std::string title;               ///< "without a decision", "treated", ...
  std::vector<std::string> items;  ///< "R4 (2 open actions, 1 overdue)", "R6 (Director, until 2027-03-31)"
};

/// A risk closed in the period (`riskreg close`) and still closed at its end: it has left the
/// alert's lists, and the headline says so.
struct ClosedRisk {
  std::string id;
  std::string title;
  std::string owner;            ///< at the end of the period; "" when unassigned
  std::string score;            ///< its last score ("B2"); "" when unscored
  std::string band;             ///< its band's name ("very-high")
  bool above_appetite = false;  ///< its last score is above the appetite line
  std::string by;               ///< who closed it
  std::string at;               ///< when (UTC, as stored)
  std::string reason;
};

/// An open risk whose next review (`riskreg review`, `add --review`, rules' review_days) falls
/// by the end of the period: due, or overdue once its day has passed.
struct ReviewDue {
  std::string id;
  std::string title;
  std::string owner;        ///< "" when unassigned
  std::string due;          ///< YYYY-MM-DD
  std::string last_review;  ///< YYYY-MM-DD; "" when never reviewed
  /// Its day had passed by the alert's day (the as-of time's local date: today for the current
  /// month, the period's last day for a month that has ended). Due on the day is not overdue.
  bool overdue = false;
  int days_overdue = 0;  ///< whole days since it was due, when overdue
};

/// One line of the headline: a kind of change and the risks it concerns.
struct Change {
  std::string what;              ///< "newly above appetite", "worsened", "improved", "dropped below appetite", "closed"
  std::vector<std::string> ids;  ///< most severe first (closed: in the order closed)
};

/// One cell of the heat map: how many listed (above-appetite) risks sit in it.
struct HeatCell {
  std::string score;  ///< "B2"
  std::string colour;
  bool above = false;  ///< above the appetite line
  int count = 0;
};

struct HeatRow {
  std::string likelihood;  ///< the level's code
  std::vector<HeatCell> cells;
};

struct Alert {
  std::string period;
  std::string zone;
  std::string register_name;
  std::string as_of;           ///< the state read: the end of the period, or now if earlier (UTC)
  std::string previous_as_of;  ///< the end of the previous period (UTC)
  std::string as_of_local, previous_as_of_local;
  /// The register held an assessment by the end of the period. When false the alert says so
  /// rather than "no risk is above appetite".
  bool held_assessment = false;
  /// The register held an assessment by the end of the previous period: without one, every
  /// risk is "new" and there is no movement to report.
  bool held_previous = false;
  std::vector<AlertRisk> newly_above;
  std::vector<AlertRisk> still_above;
  std::vector<AlertRisk> dropped_below;
  std::vector<ClosedRisk> closed;  ///< closed in the period, in the order closed
  /// Reviews due by the end of the period (`review_by`), overdue first, then by date and risk.
  std::vector<ReviewDue> reviews;
  std::string review_by;        ///< the period's last day, local (YYYY-MM-DD)
  std::string today;            ///< the as-of time's local date: what "overdue" is counted from
  std::vector<Change> changes;  ///< the headline, in that order; kinds with no risk left out
  /// The above-appetite risks by decision: without one first, then treated, tolerated,
  /// transferred, terminated (groups with no risk left out).
  std::vector<DecisionGroup> decisions;
  /// Acceptances (tolerate) that expire within the month after the alert's day, and those that
  /// have expired by it: "R6 (Director, until 2026-12-15)".
  std::vector<std::string> expiring, expired;
  std::vector<std::string> common_flags;  ///< rules every risk above appetite carries, named once
  std::vector<std::string> impact_codes;  ///< heat map columns, most severe first
  std::vector<HeatRow> heat;              ///< heat map rows, most severe likelihood first

  bool empty() const {
    return newly_above.empty() && still_above.empty() && dropped_below.empty() && closed.empty() && reviews.empty();
  }
  /// The owners named in it (of listed, closed and review-due risks), sorted, without duplicates ("" excluded).
  std::vector<std::string> owners() const;
  int overdue_reviews() const;
  /// Only the risks `owner` owns (headline, heat map, closed risks and reviews cut to them too).
  Alert for_owner(const std::string& owner) const;
};

/// Builds the alert for `period` from the register's history: above appetite at the end of the
/// period (or at `now`, when the period has not ended) against the end of the previous period.
/// Flags come from `rules` evaluated on the register as it stands now. Each list is sorted most
/// severe first (band, then cell), then by risk number. Closed risks (as of the end) leave the
/// lists; those closed during the period are listed with who closed them and why (the
/// register's changes); open risks' reviews due by the period's last day are listed, as they
/// stood at the end.
Alert build_alert(Store& store, const Matrix& m, const rules::RuleSet& rules, const Period& period, Timestamp now);

}  // namespace riskreg::alert
