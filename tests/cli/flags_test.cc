// Golden CLI tests of the rules engine: riskreg flags, rules check, rules explain, and
// flags in list and show.
#include <filesystem>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support.h"

using namespace riskreg::test;

namespace {

/// Output with the source tree's path removed, so golden files hold relative paths.
std::string relative(std::string s) {
  std::string root = source_path("");
  for (size_t at; (at = s.find(root)) != std::string::npos;) s.erase(at, root.size());
  return s;
}

RunResult ok(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
  auto r = run_riskreg(args, env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

/// A register on the 5x5 numeric matrix with its own rules.
std::string init_numeric(const TempDir& dir) {
  std::string db = dir.file("numeric.db");
  ok({"--db", db, "init", "--data", source_path("tests/fixtures/rules/numeric-5x5/data"), "--rules",
      source_path("tests/fixtures/rules/numeric-5x5/rules")});
  return db;
}

}  // namespace

TEST_CASE("flags: the Darlington flag set", "[cli][flags]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  check_golden("flags-darlington.txt", ok({"--db", db, "flags"}).out);
  check_golden("flags-darlington.json", ok({"--db", db, "flags", "--json"}).out);
}

TEST_CASE("flags: --rule and --severity filter", "[cli][flags]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  check_golden("flags-unmitigated.txt", ok({"--db", db, "flags", "--rule", "UNMITIGATED"}).out);
  // The only critical rule that fires on the seed: no decision is recorded above appetite.
  CHECK(ok({"--db", db, "flags", "--severity", "critical"}).out ==
        ok({"--db", db, "flags", "--rule", "NO_RESPONSE"}).out);
  auto bad = run_riskreg({"--db", db, "flags", "--rule", "UNMITIGATD"});
  CHECK(bad.exit_code == 4);
  CHECK(bad.err ==
        "riskreg: --rule 'UNMITIGATD' is not a rule of this register (rules: ABOVE_APPETITE, NO_TARGET, "
        "NO_RESPONSE, ACCEPTANCE_EXPIRED, ACCEPTANCE_EXPIRING, TREATMENT_WITHOUT_PLAN, TREATMENT_OVERDUE, "
        "UNMITIGATED, STALE_REVIEW, REVIEW_OVERDUE, WORSENED, NO_OWNER); did you mean 'UNMITIGATED'?\n");
  auto sev = run_riskreg({"--db", db, "flags", "--severity", "urgent"});
  CHECK(sev.exit_code == 4);
  CHECK(sev.err == "riskreg: --severity 'urgent' is not a severity (valid: info, warning, critical)\n");
  CHECK(ok({"--db", db, "flags", "--severity", "Critical"}).out ==
        ok({"--db", db, "flags", "--rule", "no_response"}).out);
}

TEST_CASE("flags: most severe first, grouped by rule, and --summary", "[cli][flags]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  auto all = ok({"--db", db, "flags"}).out;
  // The critical rule's group comes first, each group in risk order.
  CHECK(all.rfind("NO_RESPONSE (critical, 9 risks): ", 0) == 0);
  CHECK(all.find("ABOVE_APPETITE (warning, 9 risks)") < all.find("NO_TARGET (warning, 9 risks)"));
  CHECK(all.find("  R5  R5 is above appetite") < all.find("  R6  R6 is above appetite"));
  check_golden("flags-darlington-summary.txt", ok({"--db", db, "flags", "--summary"}).out);
  auto j = nlohmann::json::parse(ok({"--db", db, "flags", "--summary", "--json"}).out);
  REQUIRE(j.size() == 12);
  CHECK(j[0]["rule"] == "NO_RESPONSE");
  CHECK(j[0]["flags"] == 9);
  // The message never says a risk with controls has nothing mitigating it.
  CHECK(all.find("mitigates it") == std::string::npos);
  auto r5 = nlohmann::json::parse(ok({"--db", db, "show", "R5", "--json"}).out);
  CHECK_FALSE(r5["controls"].empty());
}

TEST_CASE("flags: stale and worsened risks after time passes and a re-score", "[cli][flags]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  ok({"--db", db, "score", "R1", "B2", "--reason", "worse", "--as", "tester"},
     {{"RISKREG_NOW", "2027-01-10T09:00:00Z"}});
  // 2027-03-01 is 98 days after the register was created and 50 after R1's re-score.
  auto r = ok({"--db", db, "flags", "--rule", "STALE_REVIEW"}, {{"RISKREG_NOW", "2027-03-01T09:00:00Z"}});
  CHECK(r.out.find("R1 ") == std::string::npos);
  CHECK(r.out.find("R2 was last assessed 98 days ago (limit 91)") != std::string::npos);
  check_golden("flags-worsened.txt", ok({"--db", db, "flags", "--rule", "WORSENED"}).out);
}

TEST_CASE("flags: list and show carry each risk's flags", "[cli][flags]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  auto list = ok({"--db", db, "list"}, {{"COLUMNS", "200"}}).out;
  CHECK(list.find("FLAGS") != std::string::npos);
  CHECK(list.find("ABOVE_APPETITE,NO_TARGET,NO_RESPONSE,UNMITIGATED,NO_OWNER") != std::string::npos);
  auto json = ok({"--db", db, "list", "--json"}).out;
  CHECK(json.find("\"flags\":[\"ABOVE_APPETITE\",\"NO_TARGET\",\"NO_RESPONSE\",\"NO_OWNER\"]") != std::string::npos);
  auto show = ok({"--db", db, "show", "R5"}).out;
  CHECK(show.find("Flags:\n  ABOVE_APPETITE (warning): R5 is at C2 (high), above the appetite line\n"
                  "  NO_TARGET (warning): R5 has no target score\n"
                  "  NO_RESPONSE (critical): R5 is above appetite at C2 and no decision is recorded\n"
                  "    (treat, tolerate, transfer or terminate)\n"
                  "  UNMITIGATED (warning): R5 is above appetite at C2 and no priority or action of\n"
                  "    the plan is linked to it\n"
                  "  NO_OWNER (warning): R5 has no owner\n") != std::string::npos);
  auto show_json = ok({"--db", db, "show", "R1", "--json"}).out;
  CHECK(show_json.find("\"rule\": \"NO_OWNER\"") != std::string::npos);
  CHECK(show_json.find("\"rule\": \"UNMITIGATED\"") == std::string::npos);
}

TEST_CASE("rules check: the default rules and what they flag now", "[cli][rules]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  auto stored = ok({"--db", db, "rules", "check"});
  check_golden("rules-check-darlington.txt", stored.out);
  auto file = ok({"--db", db, "rules", "check", source_path("rules/flags.toml")});
  CHECK(relative(file.out) == "rules/" + stored.out.substr(stored.out.find("flags.toml")));
  // Validating against a matrix file needs no register.
  auto alone = ok({"--db", dir.file("none.db"), "rules", "check", "--matrix", source_path("rules/matrix.toml"),
                   source_path("rules/flags.toml")});
  CHECK(relative(alone.out) == "rules/flags.toml: 12 rules, 4 params: OK\n");
}

TEST_CASE("rules check: every error message, with position, line and caret", "[cli][rules]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  std::vector<std::string> args = {"--db", db, "rules", "check"};
  for (const char* f : {"unknown-field", "bad-level", "type-mismatch", "not-boolean", "syntax", "escaped-band",
                        "placeholder", "severity", "score-not-numeric", "unknown-key", "cell-order", "param-field"})
    args.push_back(source_path(std::string("tests/fixtures/rules/bad/") + f + ".toml"));
  args.push_back(source_path("rules/flags.toml"));
  auto r = run_riskreg(args);
  CHECK(r.exit_code == 5);
  check_golden("rules-check-errors.txt", relative(r.err));
  CHECK(relative(r.out).find("rules/flags.toml: 12 rules, 4 params: OK") == 0);  // good files still checked
}

TEST_CASE("rules explain: each rule's value and its sub-expressions", "[cli][rules]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  check_golden("rules-explain-r5.txt", ok({"--db", db, "rules", "explain", "5"}).out);
  auto one = ok({"--db", db, "rules", "explain", "R1", "--rule", "UNMITIGATED"}).out;
  CHECK(one.find("UNMITIGATED (warning): does not fire") != std::string::npos);
  CHECK(one.find("NO_OWNER") == std::string::npos);
  CHECK(run_riskreg({"--db", db, "rules", "explain", "R99"}).exit_code == 3);
}

TEST_CASE("rules: a 5x5 numeric matrix with its own rules", "[cli][rules]") {
  TempDir dir;
  std::string db = init_numeric(dir);
  check_golden("flags-numeric-5x5.txt", ok({"--db", db, "flags"}).out);
  check_golden("rules-check-numeric-5x5.txt", relative(ok({"--db", db, "rules", "check"}).out));
  // The Darlington rules mostly port, but 'C2' is not a cell here.
  auto r = run_riskreg({"--db", db, "rules", "check", source_path("tests/fixtures/rules/bad/cell-order.toml")});
  CHECK(r.exit_code == 5);
  CHECK(relative(r.err).find(
            "riskreg: tests/fixtures/rules/bad/cell-order.toml:4:16: 'C2' is not a cell of the matrix") == 0);
}

TEST_CASE("flags: show reads the feeders' scores only when a rule uses them", "[cli][flags]") {
  // A rule set with one rule on upstream_above in its message only, and one in its condition:
  // show must evaluate both with the real feed counts (R5 is fed by R2, R7 and R8, all above
  // appetite on Darlington), while the default rules need no feeder at all.
  TempDir dir;
  std::filesystem::copy(source_path("rules"), dir.file("rules"), std::filesystem::copy_options::recursive);
  std::string flags = read_file(dir.file("rules/flags.toml"));
  flags += R"toml(
[[rule]]
name = "FED_BY_ABOVE"
severity = "info"
description = "Fed by risks above appetite."
when = 'upstream_above >= 2'
message = "{id} is fed by {upstream_above} risks above appetite"

[[rule]]
name = "COUNTS_FEEDERS"
severity = "info"
description = "Names its feed count in the message only."
when = 'above_appetite'
message = "{id} has {upstream} feeders"
)toml";
  write_file(dir.file("rules/flags.toml"), flags);
  std::string db = dir.file("r.db");
  ok({"--db", db, "init", "--rules", dir.file("rules")});
  auto out = ok({"--db", db, "show", "R5"}).out;
  CHECK(out.find("R5 is fed by 3 risks above appetite") != std::string::npos);
  CHECK(out.find("R5 has 3 feeders") != std::string::npos);
  auto r1 = ok({"--db", db, "show", "R1"}).out;  // fed by R5 only
  CHECK(r1.find("FED_BY_ABOVE") == std::string::npos);
  CHECK(r1.find("R1 has 1 feeders") != std::string::npos);
}
