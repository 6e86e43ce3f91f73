// engine/core/clock: timestamps as riskreg writes and reads them.
#include <catch2/catch.hpp>

#include <chrono>

#include "core/clock.h"

using riskreg::format_timestamp;
using riskreg::parse_timestamp;

TEST_CASE("parse_timestamp reads riskreg's own form and the shorter ones alike", "[clock]") {
  using namespace std::chrono;
  auto t = parse_timestamp("2026-11-23T09:05:07Z");
  REQUIRE(t);
  CHECK(*t == sys_days{year{2026} / 11 / 23} + hours{9} + minutes{5} + seconds{7});
  CHECK(format_timestamp(*t) == "2026-11-23T09:05:07Z");
  // The same instant without the zone letter, and the date-only and minute forms.
  CHECK(parse_timestamp("2026-11-23T09:05:07") == t);
  CHECK(parse_timestamp("2026-11-23") == sys_days{year{2026} / 11 / 23});
  CHECK(parse_timestamp("2026-11-23T09:05") == sys_days{year{2026} / 11 / 23} + hours{9} + minutes{5});
  CHECK(parse_timestamp("2024-02-29T23:59:59Z"));  // a leap day
  // A leap second has no value of its own (it would be stored as the next minute's 00), and
  // year 0 is no calendar year: both are refused (issue 20).
  CHECK_FALSE(parse_timestamp("2016-12-31T23:59:60Z"));
  CHECK_FALSE(parse_timestamp("2016-12-31T23:59:60"));
  CHECK_FALSE(parse_timestamp("0000-01-01"));
  CHECK_FALSE(parse_timestamp("0000-06-15T12:00:00Z"));
  CHECK(parse_timestamp("0001-01-01"));
}

TEST_CASE("parse_timestamp refuses what is not a time, in riskreg's form or not", "[clock]") {
  for (const char* bad :
       {"2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-11-00T00:00:00Z",
        "2026-11-23T24:00:00Z", "2026-11-23T09:60:00Z", "2026-11-23T09:00:61Z", "2026-11-2xT09:00:00Z",
        "2026-11-23T09:0 :00Z", "2026-11-23 09:00:00Z", "2026-11-23T09:00:00+", "+026-11-23T09:00:00Z",
        "2026-11-23T09:00:00ZZ", "", "yesterday"}) {
    INFO(bad);
    CHECK_FALSE(parse_timestamp(bad));
  }
}
