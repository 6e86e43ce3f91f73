// engine/domain/action_status: an action's due date read from a plan's completion text, and
// which actions are open or overdue.
#include <catch2/catch.hpp>

#include "domain/action_status.h"

using namespace riskreg;

TEST_CASE("due_from_completion reads the last day of the latest month the text names", "[actions]") {
  CHECK(due_from_completion("March 2010") == "2010-03-31");
  CHECK(due_from_completion("Sept 09") == "2009-09-30");
  CHECK(due_from_completion("September 2009") == "2009-09-30");
  CHECK(due_from_completion("2010 April") == "2010-04-30");
  CHECK(due_from_completion("Feb 2008") == "2008-02-29");  // a leap year
  CHECK(due_from_completion("Feb 2009") == "2009-02-28");
  CHECK(due_from_completion("December 2009 Sep 2009") == "2009-12-31");
  CHECK(due_from_completion("July 2009 July 2009\nApril 2009\nMarch 2010\nSept 2009") == "2010-03-31");
  CHECK(due_from_completion("Complete July 2009 Review annually") == "2009-07-31");
  CHECK(due_from_completion("April2009 Ongoing") == "2009-04-30");
  CHECK(due_from_completion("Evaluation July 09") == "2009-07-31");
  // No month with a year: no due date (never a guess).
  CHECK(due_from_completion("Ongoing").empty());
  CHECK(due_from_completion("Spring Term 09").empty());
  CHECK(due_from_completion("").empty());
  CHECK(due_from_completion("Marginal 2010").empty());  // not a month's name
  CHECK(due_from_completion("March 123").empty());      // not a year
}

TEST_CASE("an action is open until done or dropped, and overdue when open past its due date", "[actions]") {
  CHECK(action_open(""));
  CHECK(action_open("not-started"));
  CHECK(action_open("in-progress"));
  CHECK_FALSE(action_open("done"));
  CHECK_FALSE(action_open("dropped"));
  CHECK(action_overdue("", "2010-03-31", "2026-12-06"));
  CHECK_FALSE(action_overdue("", "2010-03-31", "2010-03-31"));  // due on the day, overdue the day after
  CHECK(action_overdue("", "2010-03-31", "2010-04-01"));
  CHECK_FALSE(action_overdue("done", "2010-03-31", "2026-12-06"));
  CHECK_FALSE(action_overdue("in-progress", "", "2026-12-06"));
  CHECK(count_before("2010-03-31,2027-01-01,2009-07-31", "2026-12-06") == 2);
  CHECK(count_before("", "2026-12-06") == 0);
}
