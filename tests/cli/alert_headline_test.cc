// The monthly alert's headline (issue 21): what changed comes first, each movement with who
// re-scored and why, the most severe first.
#include <catch2/catch.hpp>

#include "support.h"

using namespace riskreg::test;

TEST_CASE("alert headline: a risk that worsened and one that improved while still above appetite", "[cli][alert]") {
  TempDir dir;
  const std::string db = dir.file("register.db");
  auto run = [&](const std::vector<std::string>& args, const char* now) {
    std::vector<std::string> a = {"--db", db};
    a.insert(a.end(), args.begin(), args.end());
    auto r = run_riskreg(a, {{"RISKREG_NOW", now}});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r.out;
  };
  run({"init"}, "2026-10-23T09:00:00Z");
  run({"score", "6", "C3", "--reason", "Restructure done", "--as", "ann"}, "2026-11-05T09:00:00Z");
  run({"score", "9", "A1", "--reason", "Outage", "--as", "bob"}, "2026-11-06T09:00:00Z");
  auto alert = run({"alert", "--period", "2026-11"}, "2026-12-01T06:00:00Z");
  INFO(alert);
  // Both still above appetite: no crossing, but the headline names each movement.
  CHECK_THAT(alert, Catch::Contains("9 above appetite (0 newly above, 9 still above), 0 dropped below.\n"));
  CHECK_THAT(alert, Catch::Contains("What changed:\n  1 worsened: R9\n  1 improved: R6\n"));
  CHECK_THAT(alert, Catch::Contains("improved from B2; owner unassigned\n"));
  CHECK_THAT(alert, Catch::Contains("worsened from B2; owner unassigned\n"));
  CHECK_THAT(alert, Catch::Contains("  re-scored by ann on 2026-11-05: Restructure done\n"));
  CHECK_THAT(alert, Catch::Contains("  re-scored by bob on 2026-11-06: Outage\n"));
  // Most severe first: R9 (A1) before R6 (C3).
  auto r9 = alert.find("\nR9  "), r6 = alert.find("\nR6  ");
  REQUIRE(r9 != std::string::npos);
  REQUIRE(r6 != std::string::npos);
  CHECK(r9 < r6);
}
