// `riskreg action` (issue 19): an action's status and due date as audited, versioned changes;
// open and overdue actions in the rule fields, `trace` and `log`.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "support.h"

using namespace riskreg::test;
using nlohmann::json;

namespace {
RunResult ok(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
  auto r = run_riskreg(args, env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}
}  // namespace

TEST_CASE("action: shows an action with its due date read from the plan, plainly overdue", "[cli][actions]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  auto text = ok({"--db", db, "action", "p3.1-a2"}, {{"COLUMNS", "200"}}).out;
  INFO(text);
  CHECK(text.find("P3.1-A2") == 0);
  CHECK(text.find("State         status not recorded, due 2009-07-31 (completion as written: 'July 2009'): OVERDUE") !=
        std::string::npos);
  CHECK(text.find("History       none: nothing recorded since the register was created") != std::string::npos);
  auto j = json::parse(ok({"--db", db, "action", "P3.1-A2", "--json"}).out);
  CHECK(j["priority"] == "P3.1");
  CHECK(j["due"] == "2009-07-31");
  CHECK(j["status"] == "");
  CHECK(j["open"] == true);
  CHECK(j["overdue"] == true);
  CHECK(j["version"] == 0);
}

TEST_CASE("action: --status and --due append versioned changes that log, trace, rules and verify see",
          "[cli][actions]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  // Before: R4's three actions (P3.1) are all open and all past their 2009-2010 dates.
  auto r = ok({"--db", db, "action", "P3.1-A2", "--status", "In Progress", "--reason", "Started at last", "--as", "ann",
               "--json"});
  auto j = json::parse(r.out);
  REQUIRE(j["changes"].size() == 1);
  CHECK(j["changes"][0]["field"] == "status");
  CHECK(j["changes"][0]["from"] == "");
  CHECK(j["changes"][0]["to"] == "in-progress");
  CHECK(j["version"] == 1);
  r = ok({"--db", db, "action", "P3.1-A2", "--status", "done", "--due", "2027-03-31", "--reason", "Finished",
          "--expect-version", "1"});
  CHECK(r.out.find("P3.1-A2  status in-progress -> done") != std::string::npos);
  CHECK(r.out.find("P3.1-A2  due 2009-07-31 -> 2027-03-31") != std::string::npos);
  CHECK(r.out.find("P3.1-A2  done") != std::string::npos);
  // A stale version is refused and writes nothing.
  auto stale =
      run_riskreg({"--db", db, "action", "P3.1-A2", "--status", "dropped", "--reason", "x", "--expect-version", "1"});
  CHECK(stale.exit_code == 8);
  CHECK(stale.err.find("P3.1-A2: its version is 3, not the expected 1") != std::string::npos);
  // The same status again is refused.
  auto same = run_riskreg({"--db", db, "action", "P3.1-A2", "--status", "done", "--reason", "x"});
  CHECK(same.exit_code == 4);
  CHECK(same.err == "riskreg: P3.1-A2: the status is already done; nothing was written\n");

  auto log = json::parse(ok({"--db", db, "log", "P3.1-A2", "--json"}).out);
  REQUIRE(log.size() == 3);
  CHECK(log[0]["kind"] == "action");
  CHECK(log[0]["what"] == "due 2009-07-31 -> 2027-03-31");
  CHECK(log[2]["what"] == "status not recorded -> in-progress");
  CHECK(log[2]["by"] == "ann");
  auto text = ok({"--db", db, "action", "P3.1-A2"}, {{"COLUMNS", "200"}}).out;
  CHECK(text.find("ann  status not recorded -> in-progress  \"Started at last\"") != std::string::npos);

  // trace marks the two still overdue and not the done one.
  auto trace = ok({"--db", db, "trace", "R4"}, {{"COLUMNS", "300"}}).out;
  INFO(trace);
  size_t overdue = 0;
  for (size_t at = trace.find("OVERDUE"); at != std::string::npos; at = trace.find("OVERDUE", at + 1)) ++overdue;
  CHECK(overdue == 2);
  CHECK(trace.find("P3.1-A2") != std::string::npos);
  CHECK(trace.find("status: done") != std::string::npos);

  // The rule fields: open_actions and overdue_actions, usable in any rule.
  std::string rules = dir.file("overdue.toml");
  write_file(rules,
             "[[rule]]\nname = \"ACTIONS_OVERDUE\"\nseverity = \"warning\"\n"
             "when = \"overdue_actions > 0 and open_actions >= 2\"\n"
             "message = \"{overdue_actions} of {open_actions} open actions are overdue\"\n");
  auto check = ok({"--db", db, "rules", "check", rules}, {{"COLUMNS", "200"}}).out;
  INFO(check);
  CHECK(check.find("ACTIONS_OVERDUE") != std::string::npos);
  CHECK(check.find("R4") != std::string::npos);

  CHECK(ok({"--db", db, "audit", "verify"}).out.find("audit verify: ok") == 0);
  tamper_sql(db, "UPDATE actions SET status = '' WHERE id = 'P3.1-A2'");
  auto v = run_riskreg({"--db", db, "audit", "verify"});
  CHECK(v.exit_code == 11);
  CHECK(v.out.find("P3.1-A2: its status is '', not what its last change recorded, 'done' (the actions table was "
                   "edited)") != std::string::npos);
}
