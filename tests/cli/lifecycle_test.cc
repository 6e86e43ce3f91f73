// The risk lifecycle from the CLI (issue 19): add, edit, target, close, reopen, review, note
// and log, each an audited change that `audit verify` holds the register to.
#include <catch2/catch.hpp>

#include <memory>
#include <nlohmann/json.hpp>

#include "child_process.h"
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

json show(const std::string& db, const std::string& id) {
  return json::parse(ok({"--db", db, "show", id, "--json"}).out);
}

}  // namespace

TEST_CASE("lifecycle: add gives the next free id, the first score, owner, target and a review date by the rules",
          "[cli][lifecycle]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  auto r = ok({"--db", db, "add", "--title", "Loss of key staff", "--current", "c2", "--owner", "Ann Lee", "--target",
               "D3", "--control", "Succession plan", "--trigger", "Retirements", "--as", "manager", "--json"});
  auto j = json::parse(r.out);
  CHECK(j["risk"] == "R10");
  CHECK(j["current"] == "C2");
  CHECK(j["band"] == "high");
  CHECK(j["above_appetite"] == true);
  CHECK(j["target"] == "D3");
  CHECK(j["owner"] == "Ann Lee");
  // review_days = 91 in the shipped flags.toml: 2026-11-23 + 91 days.
  CHECK(j["next_review"] == "2027-02-22");
  auto s = show(db, "R10");
  CHECK(s["controls"] == json::array({"Succession plan"}));
  CHECK(s["triggers"] == json::array({"Retirements"}));
  CHECK(s["status"] == "open");
  CHECK(s["version"] == 3);  // its first assessment, its owner and the "add" change
  // An explicit id, written as a person would, is canonical; the next free one skips it.
  CHECK(json::parse(
            ok({"--db", db, "add", "--id", "r012", "--title", "Twelve", "--current", "E4", "--json"}).out)["risk"] ==
        "R12");
  CHECK(json::parse(ok({"--db", db, "add", "--title", "Thirteen", "--current", "E4", "--json"}).out)["risk"] == "R13");
  auto list = ok({"--db", db, "list", "--json"}).out;
  CHECK(json::parse(list).size() == 12);
  CHECK(ok({"--db", db, "audit", "verify"}).out.find("audit verify: ok") == 0);
}

TEST_CASE("lifecycle: edit appends one change per field, with the value before, and show --history lists them",
          "[cli][lifecycle]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  auto before = show(db, "R1");
  size_t controls = before["controls"].size();
  REQUIRE(controls >= 2);
  auto r =
      ok({"--db", db, "edit", "r1", "--title", "Capacity to deliver the savings plan", "--add-control",
          "Monthly budget clinic", "--remove-control", "1", "--reason", "Plan refreshed", "--as", "ann", "--json"});
  auto j = json::parse(r.out);
  REQUIRE(j["changes"].size() == 3);
  CHECK(j["changes"][0]["field"] == "title");
  CHECK(j["changes"][0]["from"] == before["title"]);
  CHECK(j["changes"][0]["to"] == "Capacity to deliver the savings plan");
  CHECK(j["changes"][1]["field"] == "controls");  // the removal first: numbers as `show` listed them
  CHECK(j["version"] == 4);
  auto after = show(db, "R1");
  CHECK(after["title"] == "Capacity to deliver the savings plan");
  CHECK(after["controls"].size() == controls);
  CHECK(after["controls"][0] == before["controls"][1]);
  CHECK(after["controls"].back() == "Monthly budget clinic");
  auto hist = ok({"--db", db, "show", "R1", "--history"}, {{"COLUMNS", "200"}}).out;
  CHECK(hist.find("title '" + before["title"].get<std::string>() + "' -> 'Capacity to deliver the savings plan'") !=
        std::string::npos);
  CHECK(hist.find("controls + 'Monthly budget clinic'") != std::string::npos);
  CHECK(hist.find("\"Plan refreshed\"") != std::string::npos);
  CHECK(hist.find("version 4") != std::string::npos);
  // The lost-update guard: version 4 now, so 3 is refused.
  auto stale = run_riskreg({"--db", db, "edit", "R1", "--heading", "X", "--reason", "r", "--expect-version", "3"});
  CHECK(stale.exit_code == 8);
  CHECK(ok({"--db", db, "edit", "R1", "--heading", "X", "--reason", "r", "--expect-version", "4"}).exit_code == 0);
  CHECK(ok({"--db", db, "audit", "verify"}).exit_code == 0);
}

TEST_CASE("lifecycle: a closed risk leaves list, matrix and flags, stays in show, log and list --all, and reopens",
          "[cli][lifecycle]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  ok({"--db", db, "close", "R6", "--reason", "Merged into R5", "--as", "manager"},
     {{"RISKREG_NOW", "2026-12-01T09:00:00Z"}});
  auto list = json::parse(ok({"--db", db, "list", "--json"}).out);
  CHECK(list.size() == 8);
  for (const auto& e : list) CHECK(e["id"] != "R6");
  auto all = json::parse(ok({"--db", db, "list", "--all", "--json"}).out);
  REQUIRE(all.size() == 9);
  CHECK(all[5]["id"] == "R6");
  CHECK(all[5]["status"] == "closed");
  auto matrix = json::parse(ok({"--db", db, "matrix", "--json"}).out);
  CHECK(matrix["risks"] == 8);
  auto flags = ok({"--db", db, "flags"}, {{"COLUMNS", "200"}}).out;
  CHECK(flags.find("R6 ") == std::string::npos);
  auto shown = ok({"--db", db, "show", "R6"}, {{"COLUMNS", "200"}}).out;
  CHECK(shown.find("Status:        CLOSED since 2026-12-01 (by manager: Merged into R5)") != std::string::npos);
  auto log = ok({"--db", db, "log", "R6"}, {{"COLUMNS", "200"}}).out;
  CHECK(log.find("2026-12-01 09:00  manager  R6  closed \"Merged into R5\"") == 0);
  // The exports carry the status, and as of before the close it was open (point-in-time).
  ok({"--db", db, "export", "--format", "json", "--out", dir.file("now.json")});
  ok({"--db", db, "export", "--format", "json", "--as-of", "2026-11-30", "--out", dir.file("then.json")});
  auto status_in = [&](const std::string& file) {
    const json doc = json::parse(read_file(dir.file(file)));  // kept: the loop reads into it
    for (const auto& r : doc["risks"])
      if (r["id"] == "R6") return r["status"].get<std::string>();
    return std::string("(missing)");
  };
  CHECK(status_in("now.json") == "closed");
  CHECK(status_in("then.json") == "open");
  ok({"--db", db, "reopen", "R6", "--reason", "Split again"});
  CHECK(json::parse(ok({"--db", db, "list", "--json"}).out).size() == 9);
  CHECK(ok({"--db", db, "audit", "verify"}).exit_code == 0);
}

TEST_CASE("lifecycle: review sets the next date, REVIEW_OVERDUE fires after it, target and note are recorded",
          "[cli][lifecycle]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  ok({"--db", db, "review", "R2", "--next", "2027-01-15", "--reason", "Q3 clinic", "--as", "ann"});
  auto s = show(db, "R2");
  CHECK(s["next_review"] == "2027-01-15");
  CHECK(s["last_review"] == "2026-11-23");
  auto before = ok({"--db", db, "flags", "--rule", "REVIEW_OVERDUE"}, {{"RISKREG_NOW", "2027-01-15T09:00:00Z"}}).out;
  CHECK(before.find("R2") == std::string::npos);
  auto after = ok({"--db", db, "flags", "--rule", "REVIEW_OVERDUE"}, {{"RISKREG_NOW", "2027-01-16T09:00:00Z"}}).out;
  CHECK(after.find("R2's review was due on 2027-01-15") != std::string::npos);
  // Without --next: review_days (91) from today.
  ok({"--db", db, "review", "R3"});
  CHECK(show(db, "R3")["next_review"] == "2027-02-22");
  ok({"--db", db, "target", "R2", "C3", "--reason", "Plan agreed"});
  CHECK(show(db, "R2")["target"] == "C3");
  ok({"--db", db, "target", "R2", "none", "--reason", "Withdrawn"});
  CHECK(show(db, "R2")["target"].is_null());
  ok({"--db", db, "note", "R2", "Met the fostering panel", "--as", "ann"});
  auto text = ok({"--db", db, "show", "R2"}, {{"COLUMNS", "200"}}).out;
  CHECK(text.find("2026-11-23 ann: Met the fostering panel") != std::string::npos);
  auto kinds = json::parse(ok({"--db", db, "log", "R2", "--json"}).out);
  std::vector<std::string> seen;
  for (const auto& e : kinds) seen.push_back(e["kind"]);
  CHECK(seen == std::vector<std::string>{"note", "target", "target", "review", "review"});
  auto by_ann = json::parse(ok({"--db", db, "log", "--by", "ANN", "--json"}).out);
  CHECK(by_ann.size() == 3);
  CHECK(ok({"--db", db, "audit", "verify"}).exit_code == 0);
}

TEST_CASE("lifecycle: audit verify names a change edited, deleted or inserted, and a field edited in the risks table",
          "[cli][lifecycle][audit]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  ok({"--db", db, "edit", "R5", "--title", "Capacity", "--reason", "Shorter"});
  ok({"--db", db, "close", "R7", "--reason", "Done"});
  auto fails = [&](const std::string& sql, const std::string& message) {
    TempDir copy_dir;
    std::string copy = copy_dir.file("copy.db");
    write_file(copy, read_file(db));
    tamper_sql(copy, sql);
    auto v = run_riskreg({"--db", copy, "audit", "verify"});
    INFO(sql << "\n" << v.out << v.err);
    CHECK(v.exit_code == 11);
    CHECK(v.out.find(message) != std::string::npos);
  };
  fails("DROP TRIGGER changes_append_only_u; UPDATE changes SET to_value = 'Capacity!' WHERE id = 1",
        "change 1 (R5 title) was edited: to is 'Capacity!', audit entry 2 recorded 'Capacity'");
  fails("DROP TRIGGER changes_append_only_d; DELETE FROM changes WHERE id = 2",
        "records change 2 (R7), which is missing from the history (deleted)");
  fails(
      "INSERT INTO changes (risk, kind, field, from_value, to_value, changed_by, changed_at, reason) "
      "VALUES (5, 'close', 'status', 'open', 'closed', 'x', '2026-11-23T09:00:00Z', 'x')",
      "change 3 (R5 status) has no audit entry");
  fails("UPDATE risks SET title = 'Edited' WHERE id = 'R5'",
        "R5: its title is 'Edited', not what its last change recorded, 'Capacity' (the risks table was edited)");
  fails("UPDATE risks SET status = 'open' WHERE id = 'R7'",
        "R7: its status is 'open', not what its last change recorded, 'closed'");
}

TEST_CASE("lifecycle: 8 processes editing different fields of one risk at once lose none", "[cli][lifecycle]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  const std::vector<std::vector<std::string>> edits = {
      {"edit", "R5", "--title", "T1"},
      {"edit", "R5", "--heading", "H1"},
      {"edit", "R5", "--vulnerability", "V1"},
      {"edit", "R5", "--add-trigger", "Trigger 1"},
      {"edit", "R5", "--add-consequence", "Consequence 1"},
      {"edit", "R5", "--add-control", "Control 1"},
      {"target", "R5", "D3"},
      {"note", "R5", "Note 1"},
  };
  std::vector<std::unique_ptr<Child>> children;
  for (size_t i = 0; i < edits.size(); ++i) {
    std::vector<std::string> args = {"--db", db};
    args.insert(args.end(), edits[i].begin(), edits[i].end());
    args.insert(args.end(), {"--reason", "worker " + std::to_string(i), "--as", "w" + std::to_string(i)});
    children.push_back(
        std::make_unique<Child>(args, dir.file(std::to_string(i) + ".out"), dir.file(std::to_string(i) + ".err")));
  }
  for (size_t i = 0; i < children.size(); ++i) {
    INFO(read_file(dir.file(std::to_string(i) + ".err")));
    CHECK(children[i]->wait() == 0);
  }
  auto s = show(db, "R5");
  CHECK(s["title"] == "T1");
  CHECK(s["heading"] == "H1");
  CHECK(s["vulnerability"] == "V1");
  CHECK(s["triggers"].back() == "Trigger 1");
  CHECK(s["consequences"].back() == "Consequence 1");
  CHECK(s["controls"].back() == "Control 1");
  CHECK(s["target"] == "D3");
  CHECK(s["changes"].size() == 8);
  CHECK(s["version"] == 9);
  CHECK(ok({"--db", db, "audit", "verify"}).exit_code == 0);
}

TEST_CASE("lifecycle: link and feed are versioned, change what the rules see, and a new cycle is reported",
          "[cli][lifecycle]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  auto unmitigated = [&] {
    return ok({"--db", db, "flags", "--rule", "UNMITIGATED"}, {{"COLUMNS", "200"}}).out.find("R6 ") !=
           std::string::npos;
  };
  REQUIRE(unmitigated());
  ok({"--db", db, "link", "R6", "P3.1", "--reason", "Budget clinics cover it", "--as", "manager"});
  CHECK(!unmitigated());
  auto s = show(db, "R6");
  bool linked = false;
  for (const auto& p : s["priorities"]) linked |= p["id"] == "P3.1";  // (s is kept: the loop reads into it)
  CHECK(linked);
  auto again = run_riskreg({"--db", db, "link", "R6", "P3.1", "--reason", "again"});
  CHECK(again.exit_code == 4);
  CHECK(again.err == "riskreg: R6 is already linked to P3.1; nothing was written\n");
  auto unknown = run_riskreg({"--db", db, "link", "R6", "P3.9", "--reason", "typo"});
  CHECK(unknown.exit_code == 3);
  CHECK(unknown.err.find("unknown priority 'P3.9'") != std::string::npos);
  ok({"--db", db, "unlink", "R6", "P3.1", "--reason", "Clinics wound up"});
  CHECK(unmitigated());
  // R5 feeds R3 in the seed: R3 -> R5 closes a loop, which is allowed and said.
  auto fed = ok({"--db", db, "feed", "R3", "R5", "--basis", "inferred", "--probability", "0.2", "--reason",
                 "Placements overspend hits the MTFP"},
                {{"COLUMNS", "200"}});
  CHECK(fed.out.find("feeds R5 (inferred, probability 0.2)") != std::string::npos);
  CHECK(fed.out.find("This link closes a cycle: R3 -> R5 -> R3") != std::string::npos);
  bool feeds = false;
  const json r3 = show(db, "R3");
  for (const auto& f : r3["feeds"]) feeds |= f["to"] == "R5";
  CHECK(feeds);
  ok({"--db", db, "unfeed", "R3", "R5", "--reason", "Not borne out"});
  auto bad_basis = run_riskreg({"--db", db, "feed", "R3", "R5", "--basis", "stat", "--reason", "x"});
  CHECK(bad_basis.exit_code == 4);
  CHECK(bad_basis.err == "riskreg: --basis 'stat' is not a basis; did you mean 'stated'? (valid: stated, inferred)\n");
  auto log = json::parse(ok({"--db", db, "log", "--json"}).out);
  std::vector<std::string> kinds;
  for (size_t i = 0; i < 4; ++i) kinds.push_back(log[i]["kind"]);
  CHECK(kinds == std::vector<std::string>{"unfeed", "feed", "unlink", "link"});
  CHECK(ok({"--db", db, "audit", "verify"}).exit_code == 0);
  // A link riskreg changed, then removed behind its back, fails verify.
  ok({"--db", db, "link", "R6", "P3.1", "--reason", "Back on"});
  tamper_sql(db, "DELETE FROM priority_risks WHERE priority = 'P3.1' AND risk = 6");
  auto v2 = run_riskreg({"--db", db, "audit", "verify"});
  CHECK(v2.exit_code == 11);
  CHECK(v2.out.find("R6: its priority:P3.1 is '', not what its last change recorded, 'linked'") != std::string::npos);
}
