// riskreg import: a spreadsheet's risks, validated whole, written in one transaction; an
// export imports back exactly; bad files are refused with the line, column and value, and
// leave the register byte for byte as it was.
#include <filesystem>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support.h"

using namespace riskreg::test;
using nlohmann::json;

namespace {
json export_json(const std::string& db, const TempDir& dir, const std::string& name) {
  auto out = dir.file(name);
  auto r = run_riskreg({"--db", db, "export", "--format", "json", "--out", out});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(read_file(out));
}

json risk_in(const json& j, const std::string& id) {
  for (const auto& e : j["risks"])
    if (e["id"] == id) return e;
  return nullptr;
}

struct Refused {
  std::string file;     // the CSV's content
  std::string message;  // the whole of stderr, with "FILE" for the file's path
};
}  // namespace

TEST_CASE("export then import round-trips the Darlington register", "[cli][import]") {
  TempDir dir;
  auto a = init_darlington(dir);
  REQUIRE(run_riskreg({"--db", a, "score", "5", "B2", "--reason", "Savings target raised"}).exit_code == 0);
  REQUIRE(run_riskreg({"--db", a, "owner", "3", "=Jan Lefevre"}).exit_code == 0);
  auto exp = dir.file("a-export");
  REQUIRE(run_riskreg({"--db", a, "export", "--format", "csv", "--out", exp}).exit_code == 0);

  TempDir dir_b;
  auto b = init_darlington(dir_b);
  auto r = run_riskreg({"--db", b, "import", exp + "/risks.csv", "--as", "importer"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "imported " + exp +
                     "/risks.csv (import 1): 0 risks created, 2 updated, 1 assessment and 1 owner "
                     "change appended\n");
  auto exp_b = dir_b.file("b-export");
  REQUIRE(run_riskreg({"--db", b, "export", "--format", "csv", "--out", exp_b}).exit_code == 0);
  // The register itself is the same, cell for cell (the history differs in who and when).
  CHECK(read_file(exp_b + "/risks.csv") == read_file(exp + "/risks.csv"));
  CHECK(read_file(exp_b + "/feeds.csv") == read_file(exp + "/feeds.csv"));
  auto jb = export_json(b, dir_b, "b.json");
  CHECK(risk_in(jb, "R3")["owner"] == "=Jan Lefevre");  // neutralised on export, restored on import
  CHECK(risk_in(jb, "R5")["current"] == "B2");
  // The history was appended to, and the audit chain still verifies.
  int by_importer = 0;
  for (const auto& a : jb["assessments"]) by_importer += a["by"] == "importer" && a["risk"] == "R5";
  CHECK(by_importer == 1);
  auto v = run_riskreg({"--db", b, "audit", "verify"});
  INFO(v.out << v.err);
  CHECK(v.exit_code == 0);

  // Importing the same file again changes nothing but is still recorded.
  auto again = run_riskreg({"--db", b, "import", exp + "/risks.csv"});
  CHECK(again.out == "imported " + exp +
                         "/risks.csv (import 2): 0 risks created, 0 updated, 0 assessments and 0 "
                         "owner changes appended\n");
  CHECK(export_json(b, dir_b, "b2.json")["assessments"].size() == jb["assessments"].size());
}

TEST_CASE("import creates new risks and records the file in imports and the audit log", "[cli][import]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto csv = dir.file("new.csv");
  std::string text =
      "ID,Title,Owner,Current,Target,Controls,Triggers,Reason\r\n"
      "R10,Cyber attack on case records,Ann Smith,B2,D3,\"Backups; Training\",\"Phishing\nWeak passwords\","
      "Quarterly review\r\n"
      "R5,Budget cuts to preventive services,,A2,,,,\r\n";
  write_file(csv, text);
  auto r = run_riskreg({"--db", db, "import", csv, "--as", "ann"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "imported " + csv +
                     " (import 1): 1 risk created, 1 updated, 2 assessments and 1 owner change "
                     "appended\n");
  auto j = export_json(db, dir, "after.json");
  auto r10 = risk_in(j, "R10");
  REQUIRE(r10.is_object());
  CHECK(r10["title"] == "Cyber attack on case records");
  CHECK(r10["owner"] == "Ann Smith");
  CHECK(r10["current"] == "B2");
  CHECK(r10["target"] == "D3");
  CHECK(r10["controls"] == json::array({"Backups", "Training"}));
  CHECK(r10["triggers"] == json::array({"Phishing", "Weak passwords"}));
  CHECK(risk_in(j, "R5")["current"] == "A2");
  CHECK(risk_in(j, "R5")["controls"].empty());  // the file is the register: an empty list clears it
  std::map<std::string, std::string> reason;    // of the latest assessment of each risk
  for (const auto& a : j["assessments"]) reason[a["risk"]] = a["reason"];
  CHECK(reason["R10"] == "Quarterly review");
  CHECK(reason["R5"] == "import " + csv);  // the default

  auto log = json::parse(run_riskreg({"--db", db, "audit", "log", "--json"}).out);
  auto last = log.back();
  CHECK(last["action"] == "import");
  CHECK(last["actor"] == "ann");
  auto detail = last["detail"].is_string() ? json::parse(last["detail"].get<std::string>()) : last["detail"];
  CHECK(detail["rows"] == 2);
  CHECK(detail["sha256"].get<std::string>().size() == 64);
  SQLite::Database sql(db);
  SQLite::Statement st(sql, "SELECT file, sha256, rows, imported_by FROM imports");
  REQUIRE(st.executeStep());
  CHECK(st.getColumn(0).getString() == csv);
  CHECK(st.getColumn(1).getString() == detail["sha256"].get<std::string>());
  CHECK(st.getColumn(2).getInt() == 2);
  CHECK(st.getColumn(3).getString() == "ann");
  CHECK(run_riskreg({"--db", db, "audit", "verify"}).exit_code == 0);
}

TEST_CASE("import --check validates and writes nothing", "[cli][import]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto csv = dir.file("new.csv");
  write_file(csv, "id,title,current\nR10,New,C3\nR1,Recruitment and retention of key staff,A1\n");
  auto before = read_file(db);
  auto r = run_riskreg({"--db", db, "import", "--check", csv});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == csv + ": 2 rows valid; would create 1 risk and update 1\n");
  CHECK(read_file(db) == before);
}

TEST_CASE("import refuses bad files whole: exact message, exit 5, register unchanged", "[cli][import]") {
  TempDir dir;
  auto db = init_darlington(dir);
  // One valid new risk first in each file: it must not be written either.
  const std::string ok = "R10,Valid new risk,C3\n";
  const std::vector<Refused> cases = {
      {"id,titel,current\n" + ok,
       "FILE:1:4: unknown column 'titel'; did you mean 'title'? (columns: id, title, heading, owner, current, "
       "target, vulnerability, triggers, consequences, controls, notes, reason, status)\n  id,titel,current\n     ^\n"},
      {"id,title,current\n" + ok + "R11,Bad score,G5\n",
       "FILE:3:15: column 'current': 'G5' is not a score on the matrix 'Zurich 6x4 (Darlington Children's Services "
       "Departmental Plan 2009-2013)': likelihood is one of A/B/C/D/E/F and impact one of 1/2/3/4 (e.g. D1)\n"
       "  R11,Bad score,G5\n                ^\n"},
      {"id,title,current\n" + ok + "R10,Again,C3\n",
       "FILE:3:1: column 'id': risk 'R10' appears twice (first on line 2)\n  R10,Again,C3\n  ^\n"},
      {"id,title,current\n" + ok + "R11,No score,\n",
       "FILE:3:14: column 'current': risk 'R11' is new and needs a current score\n  R11,No score,\n"
       "               ^\n"},
      {"id,title,current\n" + ok + "R11,\"Unclosed,C3\n",
       "FILE:3:5: the quoted field opened here is never closed\n  R11,\"Unclosed,C3\n      ^\n"},
      {"id,title,current\n" + ok + "R11,Too,many,fields\n",
       "FILE:3:1: this row has 4 fields, the header has 3\n  R11,Too,many,fields\n  ^\n"},
      {"id,title,current\n" + ok + "R11,Caf\xE9,C3\n",
       "FILE:3:8: byte 0xE9 is not UTF-8; save the file as UTF-8 CSV\n"},
      {"title,current\nA,C3\n", "FILE:1:1: the header has no 'id' column\n  title,current\n  ^\n"},
  };
  auto before = read_file(db);
  int n = 0;
  for (const auto& c : cases) {
    auto csv = dir.file("bad" + std::to_string(n++) + ".csv");
    write_file(csv, c.file);
    auto r = run_riskreg({"--db", db, "import", csv});
    std::string want = c.message;
    want.replace(want.find("FILE"), 4, csv);
    INFO(c.file);
    CHECK(r.exit_code == 5);
    CHECK(r.err == "riskreg: " + want);
    CHECK(r.out.empty());
    CHECK(read_file(db) == before);
  }
  auto missing = run_riskreg({"--db", db, "import", dir.file("nope.csv")});
  CHECK(missing.exit_code == 3);
  CHECK(missing.err == "riskreg: cannot read " + dir.file("nope.csv") + "\n");
}

namespace {
/// Darlington plus an import that creates R10 (assessment and owner) and re-scores R5.
std::string imported_darlington(const TempDir& dir) {
  auto db = init_darlington(dir);
  auto csv = dir.file("new.csv");
  write_file(csv,
             "id,title,owner,current\r\n"
             "R10,Cyber attack on case records,Ann Smith,B2\r\n"
             "R5,Capacity to deliver MTFP,Bob Jones,A2\r\n");  // its title: no field change
  auto r = run_riskreg({"--db", db, "import", csv, "--as", "ann"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(run_riskreg({"--db", db, "audit", "verify"}).exit_code == 0);
  return db;
}

}  // namespace

TEST_CASE("an import is one audit entry with the digests of the rows it appended", "[cli][import][audit]") {
  TempDir dir;
  auto db = imported_darlington(dir);
  auto log = json::parse(run_riskreg({"--db", db, "audit", "log", "--json"}).out);
  REQUIRE(log.size() == 2);  // "create", then the one "import" entry
  auto d = log[1]["detail"];
  CHECK(log[1]["action"] == "import");
  CHECK(d["assessments"]["count"] == 2);
  CHECK(d["assessments"]["last"].get<int64_t>() == d["assessments"]["first"].get<int64_t>() + 1);
  CHECK(d["assessments"]["sha256"].get<std::string>().size() == 64);
  CHECK(d["owner_changes"]["count"] == 2);
  CHECK(d["owner_changes"]["sha256"].get<std::string>().size() == 64);
}

TEST_CASE("audit verify catches an imported assessment edited in the file", "[cli][import][audit]") {
  TempDir dir;
  auto db = imported_darlington(dir);
  tamper_sql(db, "UPDATE assessments SET impact = '4' WHERE id = (SELECT max(id) FROM assessments)");
  auto r = run_riskreg({"--db", db, "audit", "verify"});
  CHECK(r.exit_code == 11);
  CHECK_THAT(r.err, Catch::Contains("recorded by the \"import\" entry 2 do not match its digest"));
}

TEST_CASE("audit verify catches an imported owner change edited or deleted", "[cli][import][audit]") {
  TempDir dir;
  auto db = imported_darlington(dir);
  SECTION("edited") { tamper_sql(db, "UPDATE owner_changes SET owner = 'Mallory' WHERE owner = 'Ann Smith'"); }
  SECTION("deleted") { tamper_sql(db, "DELETE FROM owner_changes WHERE owner = 'Bob Jones'"); }
  auto r = run_riskreg({"--db", db, "audit", "verify"});
  CHECK(r.exit_code == 11);
  CHECK_THAT(r.err, Catch::Contains("the owner changes"));
  CHECK_THAT(r.err, Catch::Contains("do not match its digest"));
}

TEST_CASE("import accepts the export's flags column and ignores it", "[cli][import]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto csv = dir.file("flags.csv");
  write_file(csv, "id,title,current,flags\r\nR10,Cyber attack on case records,B2,\"NO_OWNER\nMADE_UP\"\r\n");
  auto r = run_riskreg({"--db", db, "import", csv});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(risk_in(export_json(db, dir, "after.json"), "R10")["title"] == "Cyber attack on case records");
}

TEST_CASE(
    "a large import is checked and written chunk by chunk: a bad last row leaves nothing, a good file "
    "keeps every link",
    "[cli][import]") {
  // 1,500 rows: past the checker's chunks of 512 rows and the writer's 64-row inserts.
  TempDir dir;
  auto db = init_darlington(dir);
  std::string rows = "id,title,owner,current,controls\n";
  for (int i = 100; i < 1600; ++i)
    rows += "R" + std::to_string(i) + ",Risk " + std::to_string(i) + "," +
            (i % 3 ? "Owner " + std::to_string(i % 7) : "") + ",C3,\"Control a\nControl b\"\n";
  auto bad = dir.file("bad.csv");
  write_file(bad, rows + "R1600,Last,Owner,Z9,\n");
  auto before = read_file(db);
  auto refused = run_riskreg({"--db", db, "import", bad});
  CHECK(refused.exit_code == 5);
  CHECK(refused.err.find(bad + ":3002:") != std::string::npos);  // each row takes two lines
  CHECK(read_file(db) == before);

  auto good = dir.file("good.csv");
  write_file(good, rows);
  auto r = run_riskreg({"--db", db, "import", good, "--as", "ann"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("1500 risks created, 0 updated, 1500 assessments and 1000 owner changes appended") !=
        std::string::npos);
  CHECK(run_riskreg({"--db", db, "audit", "verify"}).exit_code == 0);
  SQLite::Database d(db, SQLite::OPEN_READONLY);
  SQLite::Statement fk(d, "PRAGMA foreign_key_check");
  CHECK_FALSE(fk.executeStep());  // every assessment's and owner change's risk is there
  // Each new risk's current assessment is its own, ids in file order, one after another.
  CHECK(d.execAndGet("SELECT count(*) FROM risks r JOIN assessments a ON a.id = r.current_assessment "
                     "WHERE a.risk = r.key AND r.key >= (SELECT key FROM risks WHERE id = 'R100')")
            .getInt() == 1500);
  CHECK(d.execAndGet("SELECT max(id) - min(id) + 1 FROM assessments WHERE reason = 'import " + good + "'").getInt() ==
        1500);
  CHECK(d.execAndGet("SELECT count(*) FROM owner_changes WHERE reason = 'import " + good + "'").getInt() == 1000);
  auto j = export_json(db, dir, "after.json");
  auto r1598 = risk_in(j, "R1598");
  REQUIRE(r1598 != nullptr);
  CHECK(r1598["controls"] == json::array({"Control a", "Control b"}));
  CHECK(r1598["current"] == "C3");
  CHECK(r1598["owner"] == "Owner 2");
  CHECK(risk_in(j, "R1599")["owner"] == "");
}
