// `riskreg respond` (issue 25): the decision above the appetite line, on the record.
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>

#include <nlohmann/json.hpp>

#include "pg_cluster.h"
#include "support.h"

using namespace riskreg::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {
RunResult ok(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
  auto r = run_riskreg(args, env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

/// The rules that flag `id` now, by name.
std::vector<std::string> flags_of(const std::string& db, const std::string& id) {
  auto j = json::parse(ok({"--db", db, "show", id, "--json"}).out);
  std::vector<std::string> out;
  for (const auto& f : j["flags"]) out.push_back(f["rule"]);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}
}  // namespace

TEST_CASE("respond: each decision is recorded, listed, shown and clears NO_RESPONSE", "[cli][respond]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  // Every Darlington risk is above appetite and no decision is recorded.
  CHECK(has(flags_of(db, "R6"), "NO_RESPONSE"));
  auto r = ok({"--db", db, "respond", "6", "tolerate", "--approver", "Director of Children's Services", "--until",
               "2027-03-31", "--reason", "Restructure completes in March", "--as", "manager", "--json"});
  auto j = json::parse(r.out);
  REQUIRE(j["changes"].size() == 1);
  CHECK(j["changes"][0]["kind"] == "respond");
  CHECK(j["changes"][0]["field"] == "response");
  CHECK(j["changes"][0]["from"] == "");
  auto f6 = flags_of(db, "R6");
  CHECK_FALSE(has(f6, "NO_RESPONSE"));
  CHECK_FALSE(has(f6, "ACCEPTANCE_EXPIRING"));  // 2027-03-31 is months away (today 2026-11-23)
  ok({"--db", db, "respond", "5", "treat", "--reason", "Savings plan actions"});
  ok({"--db", db, "respond", "4", "treat", "--reason", "Sufficiency strategy"});
  ok({"--db", db, "respond", "7", "transfer", "--to", "Contractor (design and build)", "--reason", "Fixed price"});
  ok({"--db", db, "respond", "9", "terminate", "--reason", "The ICT programme is stopped"});
  // R5 is treated but the plan links no action to it; R4's three actions are long past due.
  CHECK(has(flags_of(db, "R5"), "TREATMENT_WITHOUT_PLAN"));
  auto f4 = flags_of(db, "R4");
  CHECK(has(f4, "TREATMENT_OVERDUE"));
  CHECK_FALSE(has(f4, "TREATMENT_WITHOUT_PLAN"));
  CHECK(has(flags_of(db, "R1"), "NO_RESPONSE"));

  auto treated = json::parse(ok({"--db", db, "list", "--response", "Treat", "--json"}).out);
  REQUIRE(treated.size() == 2);
  CHECK(treated[0]["id"] == "R4");
  CHECK(treated[1]["id"] == "R5");
  auto tolerated = json::parse(ok({"--db", db, "list", "--response", "tolerate", "--json"}).out);
  REQUIRE(tolerated.size() == 1);
  CHECK(tolerated[0]["accepted_by"] == "Director of Children's Services");
  CHECK(tolerated[0]["accepted_until"] == "2027-03-31");
  CHECK(json::parse(ok({"--db", db, "list", "--response", "none", "--json"}).out).size() == 4);
  auto text = ok({"--db", db, "list"}, {{"COLUMNS", "200"}}).out;
  CHECK(text.find("RESPONSE") != std::string::npos);
  CHECK(text.find("transfer") != std::string::npos);

  // The terminal heat map marks the tolerated risk, with a legend saying how.
  auto matrix = ok({"--db", db, "matrix"}, {{"COLUMNS", "200"}}).out;
  CHECK(matrix.find("R6~") != std::string::npos);
  CHECK(matrix.find("~ after an id: tolerated") != std::string::npos);
  CHECK(json::parse(ok({"--db", db, "matrix", "--json"}).out)["tolerated"] == json::array({"R6"}));
  auto show = ok({"--db", db, "show", "6"}, {{"COLUMNS", "200"}}).out;
  INFO(show);
  CHECK(show.find("Decision:      tolerate (accepted by Director of Children's Services until 2027-03-31 at B2) "
                  "(since 2026-11-23, by manager: Restructure completes in March)") != std::string::npos);
  auto sj = json::parse(ok({"--db", db, "show", "7", "--json"}).out);
  CHECK(sj["response"]["decision"] == "transfer");
  CHECK(sj["response"]["to"] == "Contractor (design and build)");
  // Withdrawn: back to no decision, and flagged again.
  ok({"--db", db, "respond", "9", "none", "--reason", "Programme restarted"});
  CHECK(has(flags_of(db, "R9"), "NO_RESPONSE"));
  auto log = json::parse(ok({"--db", db, "log", "R9", "--json"}).out);
  CHECK(log[0]["what"] == "decision terminate -> none");
  CHECK(ok({"--db", db, "audit", "verify"}).out.find("audit verify: ok") == 0);
  // A decision changed past riskreg fails verify.
  tamper_sql(db, "UPDATE risks SET response = '' WHERE id = 'R7'");
  auto v = run_riskreg({"--db", db, "audit", "verify"});
  CHECK(v.exit_code == 11);
  CHECK(v.out.find("R7: its response is '', not what its last change recorded") != std::string::npos);
}

TEST_CASE("respond: a re-score to a worse cell ends an acceptance, a better one keeps it", "[cli][respond]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  ok({"--db", db, "respond", "5", "tolerate", "--approver", "Director", "--until", "2026-12-15", "--reason",
      "Until the budget is set"});
  // Within the month ahead: expiring.
  CHECK(has(flags_of(db, "R5"), "ACCEPTANCE_EXPIRING"));
  // C2 -> D2 is better: the acceptance stands.
  auto better = ok({"--db", db, "score", "5", "D2", "--reason", "Savings found"}).out;
  CHECK(better.find("acceptance") == std::string::npos);
  CHECK(json::parse(ok({"--db", db, "show", "5", "--json"}).out)["response"]["decision"] == "tolerate");
  // D2 -> B2 is worse than the C2 accepted: the acceptance ends, in the same write, on the record.
  auto worse = ok({"--db", db, "score", "5", "B2", "--reason", "Grant cut"}, {{"COLUMNS", "200"}}).out;
  INFO(worse);
  CHECK(worse.find("Acceptance ended: re-scored to B2, worse than the C2 accepted by Director") != std::string::npos);
  auto s = json::parse(ok({"--db", db, "show", "5", "--json"}).out);
  CHECK(s["response"].is_null());
  CHECK(has(flags_of(db, "R5"), "NO_RESPONSE"));
  auto log = json::parse(ok({"--db", db, "log", "R5", "--json", "--limit", "2"}).out);
  REQUIRE(log.size() == 2);
  CHECK(log[0]["kind"] == "lapse");
  CHECK(log[0]["what"] == "acceptance ended: tolerate (accepted by Director until 2026-12-15 at C2) -> none");
  CHECK(log[1]["kind"] == "score");
  CHECK(ok({"--db", db, "audit", "verify"}).exit_code == 0);
  // An expired acceptance: the clock moved past --until.
  ok({"--db", db, "respond", "6", "tolerate", "--approver", "Director", "--until", "2026-12-01", "--reason", "x"});
  auto later = run_riskreg({"--db", db, "show", "6", "--json"}, {{"RISKREG_NOW", "2026-12-05T09:00:00Z"}});
  REQUIRE(later.exit_code == 0);
  auto lf = json::parse(later.out);
  bool expired = false;
  for (const auto& f : lf["flags"]) expired = expired || f["rule"] == "ACCEPTANCE_EXPIRED";
  CHECK(expired);
}

TEST_CASE("riskreg respond on PostgreSQL: an owner may treat their own risk, only the manager tolerates",
          "[cli][postgres][roles][respond]") {
  auto& cl = pg_cluster();
  std::string url = cl.fresh_database();
  REQUIRE(run_riskreg({"--db", url, "init"}).exit_code == 0);
  REQUIRE(run_riskreg({"--db", url, "owner", "5", "Jan Lefevre", "--reason", "named"}).exit_code == 0);
  REQUIRE(run_riskreg({"migrate", "--roles", "--to", url}).exit_code == 0);
  cl.exec(url,
          "CREATE ROLE janr LOGIN IN ROLE riskreg_owner; INSERT INTO riskreg_users VALUES ('janr', 'Jan Lefevre')");
  std::string as_jan = cl.url(pg_db_name(url), "janr");
  auto treat = run_riskreg({"--db", as_jan, "respond", "5", "treat", "--reason", "Savings plan"});
  INFO(treat.err);
  CHECK(treat.exit_code == 0);
  auto head = run_riskreg({"--db", url, "audit", "verify"}).out;
  auto tolerate = run_riskreg({"--db", as_jan, "respond", "5", "tolerate", "--approver", "Jan", "--until", "2027-01-31",
                               "--reason", "self-approved"});
  CHECK(tolerate.exit_code == 8);
  CHECK(tolerate.err ==
        "riskreg: R5: refused by the database: user 'janr' may not record this decision on this risk (risk owners "
        "may record treat, or withdraw it, only on the risks they own; tolerate, transfer and terminate are a risk "
        "manager's; see docs/postgresql.md)\n");
  auto other = run_riskreg({"--db", as_jan, "respond", "4", "treat", "--reason", "not mine"});
  CHECK(other.exit_code == 8);
  CHECK_THAT(other.err, Catch::StartsWith("riskreg: R4: refused by the database: user 'janr' may not record this "
                                          "decision on this risk"));
  auto after = run_riskreg({"--db", url, "audit", "verify"});
  CHECK(after.exit_code == 0);
  CHECK(after.out == head);
  // The manager (the cluster's admin here) tolerates, and verify holds on PostgreSQL too.
  auto manager = run_riskreg({"--db", url, "respond", "6", "tolerate", "--approver", "Director", "--until",
                              "2027-03-31", "--reason", "accepted"});
  CHECK(manager.exit_code == 0);
  CHECK(run_riskreg({"--db", url, "audit", "verify"}).exit_code == 0);
}

TEST_CASE("respond: the decisions reach the XLSX Decisions sheet and the printed committee paper",
          "[cli][respond][export][print]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  ok({"--db", db, "respond", "6", "tolerate", "--approver", "Director of Children's Services", "--until", "2027-03-31",
      "--reason", "Restructure completes in March", "--as", "manager"});
  ok({"--db", db, "respond", "5", "treat", "--reason", "Savings plan actions", "--as", "owner5"});
  ok({"--db", db, "respond", "7", "transfer", "--to", "Contractor (design and build)", "--reason", "Fixed price",
      "--as", "manager"});
  ok({"--db", db, "respond", "9", "terminate", "--reason", "The ICT programme is stopped", "--as", "manager"});
  ok({"--db", db, "close", "9", "--reason", "Programme stopped"});

  // XLSX: one row per open risk above appetite (R9 is closed: out), the undecided in bold red.
  auto book = dir.file("register.xlsx");
  ok({"--db", db, "export", "--format", "xlsx", "--out", book});
  auto script = dir.file("check.py");
  write_file(script, R"py(
import openpyxl, datetime, sys
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Decisions"]
print([c.value for c in ws[1]], ws.freeze_panes, ws.auto_filter.ref)
for row in ws.iter_rows(min_row=2):
    v = [c.value.isoformat() if isinstance(c.value, datetime.datetime) else c.value for c in row]
    print("|".join(str(x) for x in v), "| bold" if row[2].font.b else "", "| fill" if row[1].fill.fgColor.rgb not in (None, "00000000") else "")
)py");
  auto got = shell("/usr/bin/python3 " + script + " " + book + " 2>&1").out;  // Debian's, with python3-openpyxl
  INFO(got);
  CHECK_THAT(got,
             Catch::StartsWith("['risk', 'score', 'decision', 'terms', 'by', 'since', 'until', 'reason'] A2 A1:H9\n"));
  CHECK_THAT(got, Catch::Contains("R6|B2|tolerate|accepted by Director of Children's Services until 2027-03-31 at "
                                  "B2|manager|2026-11-23T09:00:00|2027-03-31T00:00:00|Restructure completes in March"));
  CHECK_THAT(got, Catch::Contains("R5|C2|treat|None|owner5|2026-11-23T09:00:00|None|Savings plan actions"));
  CHECK_THAT(got, Catch::Contains("R7|"));
  CHECK_THAT(got, Catch::Contains("|transfer|to Contractor (design and build)|manager|"));
  CHECK_THAT(got, Catch::Contains("R1|C3|none recorded|None|None|None|None|None | bold | fill\n"));
  CHECK(got.find("R9|") == std::string::npos);

  // The committee paper: the decisions table sits with the above-appetite table, before the feed graph,
  // and each decision's row (risk to reason) prints whole on one page.
  auto html = dir.file("register.html");
  ok({"--db", db, "export", "--format", "html", "--out", html});
  auto pdf = dir.file("paper.pdf");
  chromium(dir, html, "--no-pdf-header-footer --print-to-pdf=" + pdf);
  REQUIRE(fs::exists(pdf));
  std::string before_graph;
  for (int p = 1; p <= 3; ++p) {
    auto t = shell("pdftotext -layout -f " + std::to_string(p) + " -l " + std::to_string(p) + " " + pdf + " -").out;
    if (t.find("Feed graph") != std::string::npos) break;
    before_graph += t;
  }
  INFO(before_graph);
  REQUIRE(before_graph.find("Decisions above appetite") != std::string::npos);
  CHECK(std::regex_search(before_graph, std::regex("R6\\s+B2\\s+tolerate accepted by Director")));
  CHECK(std::regex_search(before_graph, std::regex("R5\\s+C2\\s+treat\\s+owner5\\s+2026-11-23")));
  CHECK(std::regex_search(before_graph, std::regex("R1\\s+C3\\s+none recorded")));
  CHECK(before_graph.find("2027-03-31") != std::string::npos);
  CHECK(before_graph.find("Restructure completes") != std::string::npos);
}

TEST_CASE("respond: the monthly alert names expired and expiring acceptances, and export --as-of has the decision then",
          "[cli][respond][alert][export]") {
  TempDir dir;
  std::string db = dir.file("register.db");
  auto on = [](const char* t) { return std::map<std::string, std::string>{{"RISKREG_NOW", t}}; };
  ok({"--db", db, "init"}, on("2026-10-23T09:00:00Z"));
  ok({"--db", db, "respond", "6", "tolerate", "--approver", "Director", "--until", "2026-11-20", "--reason",
      "Until the restructure", "--as", "manager"},
     on("2026-11-01T09:00:00Z"));
  ok({"--db", db, "respond", "2", "tolerate", "--approver", "Director", "--until", "2026-12-20", "--reason",
      "Until the fostering review", "--as", "manager"},
     on("2026-11-02T09:00:00Z"));
  ok({"--db", db, "respond", "6", "treat", "--reason", "Restructure plan adopted", "--as", "manager"},
     on("2026-12-03T09:00:00Z"));
  // The November alert, sent on 1 December: R6's acceptance ran out on the 20th, R2's runs out within the month ahead.
  auto alert = ok({"--db", db, "alert", "--period", "2026-11"}, on("2026-12-01T06:00:00Z")).out;
  INFO(alert);
  CHECK_THAT(alert, Catch::Contains("  2 tolerated: R6 (accepted by Director until 2026-11-20 at B2); R2 (accepted by "
                                    "Director until 2026-12-20 at B3)\n"));
  CHECK_THAT(alert, Catch::Contains("\nAcceptances EXPIRED: R6 (accepted by Director until 2026-11-20 at B2); a "
                                    "decision is needed again.\n"));
  CHECK_THAT(alert, Catch::Contains("\nAcceptances expiring within the month: R2 (accepted by Director until "
                                    "2026-12-20 at B3); renew or decide.\n"));
  CHECK_THAT(alert, Catch::Contains("  7 without a decision: "));

  // As of 30 November R6 was tolerated; today it is treated.
  auto r6 = [&](const std::vector<std::string>& extra) {
    auto out = dir.file("export" + std::to_string(extra.size()) + ".json");
    std::vector<std::string> args = {"--db", db, "export", "--format", "json", "--out", out};
    args.insert(args.end(), extra.begin(), extra.end());
    ok(args, on("2026-12-05T09:00:00Z"));
    const json j = json::parse(read_file(out));
    for (const auto& r : j["risks"])
      if (r["id"] == "R6") return r;
    return json();
  };
  auto then = r6({"--as-of", "2026-11-30T00:00:00Z"}), now = r6({});
  CHECK(then["response"] == "tolerate");
  CHECK(then["response_terms"] == "accepted by Director until 2026-11-20 at B2");
  CHECK(now["response"] == "treat");
  CHECK(now["response_terms"] == "");
}
