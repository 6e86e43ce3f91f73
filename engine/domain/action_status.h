#pragma once
/// An action's status and due date (`riskreg action`). A plan states when each action is to be
/// complete only as written ("March 2010", "Sept 09", "Ongoing"); riskreg reads a due date from
/// that text when the register is created (due_from_completion) and keeps the text as written.
/// Neither the plan nor the appendix records a status: until someone sets one it is "" (not
/// recorded), and such an action counts as open.
#include <string>
#include <string_view>
#include <vector>

namespace riskreg {

/// The statuses `riskreg action --status` accepts, in workflow order.
const std::vector<std::string>& action_statuses();

/// True for an action that is still to be done: its status is not recorded, not-started or in-progress.
bool action_open(std::string_view status);

/// The due date (YYYY-MM-DD) a plan's completion text names: the last day of the latest
/// month-and-year in it ("March 2010" -> 2010-03-31, "Sept 09" -> 2009-09-30,
/// "2010 April" -> 2010-04-30, "December 2009 Sep 2009" -> 2009-12-31); "" when it names
/// none ("Ongoing", "Spring Term 09", "").
std::string due_from_completion(std::string_view completion);

/// True when `due` (YYYY-MM-DD) is before `today` (YYYY-MM-DD) for an open action.
bool action_overdue(std::string_view status, std::string_view due, std::string_view today);

/// How many of `dues` (YYYY-MM-DD dates joined by ',', as RiskState::open_action_dues holds
/// them) are before `today`.
int count_before(std::string_view dues, std::string_view today);

}  // namespace riskreg
