// The register's history in imports and exports (issues 19 and 22): an import records each field
// it changes as a versioned change; `export --as-of` rebuilds every field, link and note as it
// stood; the exports carry the owner history and the field history. On SQLite and PostgreSQL.
#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "pg_cluster.h"
#include "support.h"

using namespace riskreg::test;
using nlohmann::json;

namespace {

RunResult ok(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
  auto r = run_riskreg(args, env);
  INFO(args[1] << " " << args[2] << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

std::map<std::string, std::string> at(const std::string& when) { return {{"RISKREG_NOW", when}}; }

/// A Darlington register on SQLite (in `dir`) and one on a fresh PostgreSQL database, both made by "loader".
std::vector<std::string> both_stores(const TempDir& dir) {
  std::string lite = init_darlington(dir);
  std::string url = pg_cluster().fresh_database();
  ok({"--db", url, "init", "--as", "loader"});
  return {lite, url};
}

/// Runs a Python script with Debian's python3 (python3-openpyxl); its stdout and stderr.
std::string python(const std::string& script, const TempDir& dir) {
  auto path = dir.file("check.py");
  write_file(path, script);
  return shell("/usr/bin/python3 " + path + " 2>&1").out;
}

}  // namespace

TEST_CASE("history: an import after an edit records each field it changes, audit verify passes and log shows it",
          "[cli][history][import][postgres]") {
  TempDir dir;
  std::vector<std::string> logs;
  for (const auto& db : both_stores(dir)) {
    INFO(db);
    ok({"--db", db, "edit", "5", "--title", "Edited title", "--reason", "clearer", "--as", "ann"},
       at("2026-12-01T10:00:00Z"));
    const std::string file = dir.file("changes.csv");
    write_file(file,
               "id,title,controls,notes,target,status,reason\n"
               "R5,Imported title,Budget clinic; Monthly report,Imported note,D3,closed,Quarterly review file\n");
    const std::string before = dir.file(std::to_string(logs.size()) + "-before.json");
    ok({"--db", db, "export", "--format", "json", "--out", before}, at("2026-12-01T12:00:00Z"));
    auto imp = ok({"--db", db, "import", file, "--as", "importer"}, at("2026-12-02T10:00:00Z"));
    CHECK_THAT(imp.out, Catch::Contains("0 risks created, 1 updated"));
    auto v = ok({"--db", db, "audit", "verify"});
    CHECK_THAT(v.out, Catch::StartsWith("audit verify: ok"));
    auto s = json::parse(ok({"--db", db, "show", "5", "--json"}).out);
    CHECK(s["title"] == "Imported title");
    CHECK(s["controls"] == json::array({"Budget clinic", "Monthly report"}));
    CHECK(s["status"] == "closed");
    auto log = ok({"--db", db, "log", "R5"}, {{"COLUMNS", "200"}}).out;
    CHECK_THAT(log, Catch::Contains("importer  R5  import: title 'Edited title' -> 'Imported title' \"Quarterly "
                                    "review file\""));
    CHECK_THAT(log, Catch::Contains("importer  R5  import: closed"));
    CHECK_THAT(log, Catch::Contains("import: target"));
    CHECK_THAT(log, Catch::Contains("ann  R5  title"));
    // Every field an import changed is a change of kind "import", each with its own entry.
    auto kinds = json::parse(ok({"--db", db, "log", "R5", "--kind", "import", "--json"}).out);
    CHECK(kinds.size() == 5);  // title, controls, notes, target, status
    CHECK_THAT(log, Catch::Contains("importer  R5  import: notes + 'Imported note'"));
    // The notes are versioned too: as of before the import, the export has the notes R5 had then.
    const std::string then = dir.file(std::to_string(logs.size()) + "-then.json");
    ok({"--db", db, "export", "--format", "json", "--out", then, "--as-of", "2026-12-01T12:00:00Z"},
       at("2026-12-03T00:00:00Z"));
    auto r5_of = [](const json& j) {
      for (const auto& r : j["risks"])
        if (r["id"] == "R5") return r;
      return json();
    };
    auto was = r5_of(json::parse(read_file(before))), rebuilt = r5_of(json::parse(read_file(then)));
    CHECK(rebuilt["notes"] == was["notes"]);
    CHECK(s["notes"] == json::array({"Imported note"}));
    CHECK(rebuilt["notes"] != s["notes"]);
    // The same file again changes nothing: no change row, no entry for R5.
    ok({"--db", db, "import", file, "--as", "importer"}, at("2026-12-03T10:00:00Z"));
    CHECK(ok({"--db", db, "log", "R5"}, {{"COLUMNS", "200"}}).out == log);
    CHECK_THAT(ok({"--db", db, "audit", "verify"}).out, Catch::StartsWith("audit verify: ok"));
    logs.push_back(log);
  }
  CHECK(logs[0] == logs[1]);
}

TEST_CASE("history: an import's change row edited behind riskreg's back fails audit verify", "[cli][history][import]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  const std::string file = dir.file("changes.csv");
  write_file(file,
             "id,heading,title,current,status\nR5,A new heading,Capacity to deliver MTFP,,\nR10,Cyber attack,Cyber "
             "attack,C2,closed\n");
  ok({"--db", db, "import", file});
  CHECK_THAT(ok({"--db", db, "audit", "verify"}).out, Catch::StartsWith("audit verify: ok"));
  // A new risk imported closed is closed, and its status is a change of its own.
  CHECK(json::parse(ok({"--db", db, "show", "R10", "--json"}).out)["status"] == "closed");
  CHECK_THAT(ok({"--db", db, "log", "R10"}).out, Catch::Contains("R10  import: closed"));
  // A status that is not one is refused, naming the valid ones.
  write_file(file, "id,status\nR5,shut\n");
  auto bad = run_riskreg({"--db", db, "import", file});
  CHECK(bad.exit_code != 0);
  CHECK_THAT(bad.err, Catch::Contains("column 'status': risk 'R5': 'shut' is not a status (valid: open, closed)"));
  tamper_sql(db, "DROP TRIGGER changes_append_only_u; UPDATE changes SET to_value = 'Forged' WHERE kind = 'import'");
  auto v = run_riskreg({"--db", db, "audit", "verify"});
  CHECK(v.exit_code != 0);
  CHECK_THAT(v.out + v.err, Catch::Contains("(R5 heading) was edited: to is 'Forged'"));
}

TEST_CASE("history: export --as-of rebuilds titles, controls, links and notes, and the exports carry both histories",
          "[cli][history][export][postgres]") {
  TempDir dir;
  std::vector<std::string> field_csvs;
  int n = 0;
  for (const auto& db : both_stores(dir)) {
    INFO(db);
    const std::string p = dir.file(std::to_string(n++));
    std::filesystem::create_directories(p);
    const auto before_env = at("2026-11-30T00:00:00Z"), after_env = at("2026-12-02T00:00:00Z");
    ok({"--db", db, "export", "--format", "json", "--out", p + "/orig.json"}, before_env);
    const auto change = at("2026-12-01T10:00:00Z");
    ok({"--db", db, "edit", "5", "--title", "Savings plan at risk", "--add-control", "Weekly check", "--reason",
        "Plan refreshed", "--as", "ann"},
       change);
    ok({"--db", db, "link", "6", "P3.1", "--reason", "Mitigates it", "--as", "manager"}, change);
    ok({"--db", db, "note", "5", "Asked finance for figures", "--as", "ann"}, change);
    ok({"--db", db, "owner", "3", "Jan Lefevre", "--reason", "New head of service", "--as", "manager"}, change);
    ok({"--db", db, "export", "--format", "json", "--out", p + "/cur.json"}, after_env);
    ok({"--db", db, "export", "--format", "json", "--out", p + "/past.json", "--as-of", "2026-11-30T00:00:00Z"},
       after_env);
    ok({"--db", db, "export", "--format", "json", "--out", p + "/then.json", "--as-of", "2026-12-02T00:00:00Z"},
       after_env);
    auto orig = json::parse(read_file(p + "/orig.json")), cur = json::parse(read_file(p + "/cur.json")),
         past = json::parse(read_file(p + "/past.json")), then = json::parse(read_file(p + "/then.json"));
    // Before the changes, the register as the export made then had it; after them, as now.
    CHECK(past["risks"] == orig["risks"]);
    CHECK(then["risks"] == cur["risks"]);
    CHECK(past["risks"] != cur["risks"]);
    auto risk = [](const json& j, const std::string& id) {
      for (const auto& r : j["risks"])
        if (r["id"] == id) return r;
      return json();
    };
    CHECK(risk(cur, "R5")["title"] == "Savings plan at risk");
    CHECK(risk(past, "R5")["title"] != "Savings plan at risk");
    CHECK(risk(cur, "R5")["controls"].back() == "Weekly check");
    auto has = [](const json& list, const std::string& v) {
      return std::find(list.begin(), list.end(), v) != list.end();
    };
    CHECK(has(risk(cur, "R6")["priorities"], "P3.1"));
    CHECK_FALSE(has(risk(past, "R6")["priorities"], "P3.1"));
    CHECK(risk(cur, "R3")["owner"] == "Jan Lefevre");
    CHECK(risk(past, "R3")["owner"] != "Jan Lefevre");
    // The field history: the edit's two fields, the link and the note, none of them before.
    CHECK(past["field_history"].empty());
    const json& fh = cur["field_history"];
    REQUIRE(fh.size() == 4);
    CHECK(fh[0] == json{{"at", "2026-12-01T10:00:00Z"},
                        {"by", "ann"},
                        {"risk", "R5"},
                        {"field", "title"},
                        {"from", risk(orig, "R5")["title"]},
                        {"to", "Savings plan at risk"},
                        {"reason", "Plan refreshed"},
                        {"kind", "edit"}});
    CHECK(fh[1]["field"] == "controls");
    CHECK_THAT(fh[1]["to"].get<std::string>(), Catch::EndsWith("\nWeekly check"));
    CHECK(fh[2]["field"] == "priority:P3.1");
    CHECK(fh[2]["to"] == "linked");
    CHECK(fh[3]["field"] == "note");
    CHECK(fh[3]["to"] == "Asked finance for figures");
    // The owner history: every owner change up to the time.
    auto owners_of = [](const json& j, const std::string& id) {
      std::vector<std::string> out;
      for (const auto& o : j["owner_history"])
        if (o["risk"] == id) out.push_back(o["owner"]);
      return out;
    };
    CHECK(owners_of(cur, "R3").back() == "Jan Lefevre");
    CHECK(owners_of(past, "R3").size() + 1 == owners_of(cur, "R3").size());
    CHECK(cur["manifest"]["rows"]["field_history"] == 4);
    CHECK(cur["manifest"]["rows"]["owner_history"] == cur["owner_history"].size());

    // CSV: two more files, the manifest still verifiable, and --force still replaces the folder.
    const std::string csv = p + "/csv";
    ok({"--db", db, "export", "--format", "csv", "--out", csv}, after_env);
    auto fields = read_file(csv + "/field_history.csv");
    CHECK_THAT(fields, Catch::StartsWith("at,by,risk,field,from,to,reason,kind\r\n"));
    CHECK_THAT(fields,
               Catch::Contains("2026-12-01T10:00:00Z,ann,R5,note,,Asked finance for figures,Note added,note\r\n"));
    CHECK_THAT(read_file(csv + "/owner_history.csv"),
               Catch::Contains("R3,Jan Lefevre,manager,2026-12-01T10:00:00Z,New head of service\r\n"));
    CHECK_THAT(read_file(csv + "/risks.csv"), Catch::StartsWith("id,title,owner,current,target,band,above_appetite,"));
    CHECK_THAT(ok({"--db", db, "audit", "verify", "--manifest", csv}).out, Catch::StartsWith("audit verify: ok"));
    ok({"--db", db, "export", "--format", "csv", "--out", csv, "--force"}, after_env);
    field_csvs.push_back(fields);

    // XLSX: the two sheets, read back.
    const std::string book = p + "/book.xlsx";
    ok({"--db", db, "export", "--format", "xlsx", "--out", book, "--as-of", "2026-12-02T00:00:00Z"}, after_env);
    auto got = python(R"py(
import openpyxl, datetime
wb = openpyxl.load_workbook(")py" +
                          book + R"py(")
print(",".join(wb.sheetnames))
fh = wb["Field history"]
print([c.value for c in fh[1]])
for row in fh.iter_rows(min_row=2, values_only=True):
    print(row[0].isoformat() if isinstance(row[0], datetime.datetime) else row[0], "|", "|".join(str(v) for v in row[1:]))
oh = wb["Owner history"]
print("owner", [row for row in oh.iter_rows(min_row=2, values_only=True) if row[0] == "R3"][-1][:3])
)py",
                      dir);
    CHECK_THAT(got,
               Catch::StartsWith("Risks,Assessments,Feeds,Heat map,Manifest,Owner history,Field history,Decisions\n"
                                 "['at', 'by', 'risk', 'field', 'from', 'to', 'reason', 'kind']\n"));
    CHECK_THAT(got,
               Catch::Contains("2026-12-01T10:00:00 | ann|R5|note|None|Asked finance for figures|Note added|note\n"));
    CHECK_THAT(got, Catch::Contains("| manager|R6|priority:P3.1|None|linked|Mitigates it|link\n"));
    CHECK_THAT(got, Catch::Contains("owner ('R3', 'Jan Lefevre', 'manager')\n"));
  }
  CHECK(field_csvs[0] == field_csvs[1]);
}
