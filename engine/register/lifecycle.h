#pragma once
/// The risk lifecycle as the CLI drives it (`add`, `edit`, `target`, `close`, `reopen`,
/// `review`, `note`): every check of a request before its transaction, and the request itself.
/// Each write is one Store::apply_change or Store::add_risk: one transaction, one audit entry
/// per changed field (store/changes.h).
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "domain/matrix.h"
#include "store/store.h"

namespace riskreg::lifecycle {

/// `text` as a calendar date, YYYY-MM-DD. Throws Error(InvalidInput) naming `what`:
/// "R5: --next '2026-02-30' is not a date (YYYY-MM-DD)".
std::string parse_date(const std::string& what, const std::string& text);

/// The next `R<n>` no risk has: one more than the highest numbered id.
std::string next_free_id(Store& store);

/// The next review after one on `today` of a risk scored `score`, by the rules' cadence: the
/// flags file's param `review_days_<band>` (the band's name, '-' written '_') when it has one,
/// else `review_days`; none when the rules set no cadence.
std::optional<std::string> next_review_by_rules(const std::vector<RulesFile>& rules, const Matrix& m,
                                                const std::optional<ScoreCodes>& score, Timestamp today);

struct AddRequest {
  std::optional<std::string> id;  ///< as given (canonicalised); none: the next free one
  std::string title;
  std::string current;  ///< a score on the matrix, as given ("C3")
  std::optional<std::string> owner, target, review;
  std::string heading, vulnerability;
  std::vector<std::string> triggers, consequences, controls;
  std::string by, reason;
};

/// Checks and adds a risk. Throws Error(InvalidInput) for a bad field (naming it and, for a
/// score, the valid ones), Error(Conflict) for an id in use.
ChangeRow add(Store& store, const std::vector<RulesFile>& rules, const Matrix& m, Timestamp now, const AddRequest& req);

/// A text a change sets (title, heading, vulnerability, a list item, a note): one line or
/// several as `lines` says, no control characters; `required` refuses it blank.
void check_text(const std::string& what, const std::string& value, bool multi_line, bool required);

/// A reason given with --reason: blank is refused (every change says why).
std::string require_reason(const std::string& risk_id, const std::string& reason);

/// `riskreg action ID [--status S] [--due DATE|none]`, as given.
struct ActionRequest {
  std::string id;
  std::optional<std::string> status, due;
};

/// The action change `req` asks for (kind events::kAction; who, when and why left to fill):
/// the status as one of action_statuses() (any case; "in progress" = in-progress), the due date
/// as YYYY-MM-DD or "" for `none`. Throws Error(InvalidInput) naming the option and the valid
/// values, or when neither is given.
ChangeRequest action_change(const ActionRequest& req);

/// An action's state as a person reads it: "done", "in progress, due 2010-03-31: overdue",
/// "status not recorded, due 2010-03-31 (completion as written: 'March 2010'): overdue".
std::string action_state(const Action& a, const std::string& today);

/// One change as a person reads it, without who or when: "title 'Old' -> 'New'",
/// "controls + 'Weekly audit'", "target C3 -> none", "closed", "note 'Met the auditors'",
/// "added: Title (C3)". Scores in the matrix's notation.
std::string describe(const Matrix& m, const ChangeRow& row);

/// A score stored as text (store/changes.h score_text) in the matrix's notation; "none" for "".
std::string score_shown(const Matrix& m, const std::string& stored);

}  // namespace riskreg::lifecycle
