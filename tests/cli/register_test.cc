// End-to-end: the built riskreg on a fresh Darlington register, compared with golden files,
// and every bad input leaving the register's bytes unchanged.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <filesystem>

#include "support.h"

using namespace riskreg::test;

namespace {
/// The register's bytes and its WAL, so "unchanged" means unchanged.
std::string snapshot(const std::string& db) {
  std::string wal = std::filesystem::exists(db + "-wal") ? read_file(db + "-wal") : "";
  return read_file(db) + "|wal|" + wal;
}

int count_rows(const std::string& db, const char* table) {
  SQLite::Database d(db, SQLite::OPEN_READONLY);
  return d.execAndGet(std::string("SELECT count(*) FROM ") + table).getInt();
}
}  // namespace

TEST_CASE("init builds the Darlington register and matrix reproduces the seed's plot", "[cli][golden]") {
  TempDir dir;
  std::string db = dir.file("register.db");
  auto init = run_riskreg({"--db", db, "init", "--as", "loader"});
  INFO(init.err);
  REQUIRE(init.exit_code == 0);
  CHECK(init.out.find("9 risks") != std::string::npos);
  auto m = run_riskreg({"--db", db, "matrix"});
  REQUIRE(m.exit_code == 0);
  check_golden("matrix-darlington.txt", m.out);
  // The seed's "Plotting the Risks": B-III: 2; B-II: 6, 9; C-III: 1, 4, 7; C-II: 5, 8; D-II: 3.
  auto j = run_riskreg({"--db", db, "matrix", "--json"});
  REQUIRE(j.exit_code == 0);
  for (auto cell : {R"("cell": "B3")", R"("cell": "B2")", R"("cell": "C3")", R"("cell": "C2")", R"("cell": "D2")"})
    CHECK(j.out.find(cell) != std::string::npos);
  CHECK(m.out.find("* R2 ") != std::string::npos);
  CHECK(m.out.find("* R6,R9 ") != std::string::npos);
  CHECK(m.out.find("* R1,R4,R7 ") != std::string::npos);
  CHECK(m.out.find("* R5,R8 ") != std::string::npos);
  CHECK(m.out.find("* R3 ") != std::string::npos);
}

TEST_CASE("list shows every risk, with filters, JSON and CSV", "[cli][golden]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  auto l = run_riskreg({"--db", db, "list"});
  REQUIRE(l.exit_code == 0);
  check_golden("list-darlington.txt", l.out);
  auto above = run_riskreg({"--db", db, "list", "--above-appetite", "--csv"});
  REQUIRE(above.exit_code == 0);
  check_golden("list-above-appetite.csv", above.out);
  auto j = run_riskreg({"--db", db, "list", "--json", "--band", "very-high"});
  REQUIRE(j.exit_code == 0);
  check_golden("list-very-high.json", j.out);
}

TEST_CASE("init refuses to overwrite without --force", "[cli]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  run_riskreg({"--db", db, "score", "R1", "B2", "--reason", "kept"});
  std::string before = snapshot(db);
  auto again = run_riskreg({"--db", db, "init"});
  CHECK(again.exit_code == 8);
  CHECK(again.err ==
        "riskreg: " + db + " already holds a register; use --force to replace it (its history will be lost)\n");
  CHECK(snapshot(db) == before);
  auto forced = run_riskreg({"--db", db, "init", "--force"});
  CHECK(forced.exit_code == 0);
  CHECK(count_rows(db, "assessments") == 9);
}

TEST_CASE("re-score risk 5 to B2: shown with its history", "[cli][golden]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  auto s = run_riskreg({"--db", db, "score", "5", "B2", "--reason", "Savings target raised", "--as", "Risk Owner"},
                       {{"RISKREG_NOW", "2026-12-01T10:30:00Z"}});
  INFO(s.err);
  REQUIRE(s.exit_code == 0);
  CHECK(s.out.rfind("R5  Capacity to deliver MTFP\n  C2 -> B2  band Very high  ABOVE appetite\n", 0) == 0);
  auto show = run_riskreg({"--db", db, "show", "R5"});
  REQUIRE(show.exit_code == 0);
  check_golden("show-r5-after-rescore.txt", show.out);
  auto j = run_riskreg({"--db", db, "show", "R5", "--json"});
  CHECK(j.out.find(R"("reason": "Savings target raised")") != std::string::npos);
  CHECK(j.out.find(R"("current": "B2")") != std::string::npos);
  CHECK(count_rows(db, "assessments") == 10);
}

TEST_CASE("owner assigns an owner and keeps the change", "[cli]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  auto o = run_riskreg({"--db", db, "owner", "R2", "Jan Lefevre", "--as", "manager"});
  REQUIRE(o.exit_code == 0);
  CHECK(o.out == "R2  owner (unassigned) -> Jan Lefevre  (by manager at 2026-11-23T09:00:00Z)\n");
  auto l = run_riskreg({"--db", db, "list", "--owner", "Jan Lefevre", "--csv"});
  CHECK(l.out.find("R2,Recruitment and retention of foster carers,Jan Lefevre,B3") != std::string::npos);
  CHECK(count_rows(db, "owner_changes") == 1);
}

TEST_CASE("the database path: --db, RISKREG_DB, and the XDG default", "[cli]") {
  TempDir dir;
  auto r = run_riskreg({"init"}, {{"XDG_DATA_HOME", dir.file("xdg")}});
  REQUIRE(r.exit_code == 0);
  CHECK(std::filesystem::exists(dir.file("xdg/riskreg/register.db")));
  auto e = run_riskreg({"list", "--csv"}, {{"RISKREG_DB", dir.file("xdg/riskreg/register.db")}});
  CHECK(e.exit_code == 0);
  CHECK(e.out.find("R9,") != std::string::npos);
}

TEST_CASE("bad input: one line, documented exit code, register unchanged", "[cli][errors]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  std::string before = snapshot(db);
  struct Case {
    std::vector<std::string> args;
    int code;
    std::string err;
  };
  std::vector<Case> cases = {
      {{"score", "R10", "B2", "--reason", "x"}, 3, "riskreg: unknown risk 'R10'; did you mean 'R1'?\n"},
      {{"score", "X5", "B2", "--reason", "x"}, 3, "riskreg: unknown risk 'X5'; did you mean 'R5'?\n"},
      {{"show", "R99"}, 3, "riskreg: unknown risk 'R99'; did you mean 'R9'?\n"},
      {{"score", "R5", "G5", "--reason", "x"},
       4,
       "riskreg: 'G5' is not a score on the matrix 'Zurich 6x4 (Darlington Children's Services Departmental Plan "
       "2009-2013)': likelihood is one of A/B/C/D/E/F and impact one of 1/2/3/4 (e.g. D1)\n"},
      {{"score", "R5", "C7", "--reason", "x"},
       4,
       "riskreg: 'C7' is not a score on the matrix 'Zurich 6x4 (Darlington Children's Services Departmental Plan "
       "2009-2013)': likelihood is one of A/B/C/D/E/F and impact one of 1/2/3/4 (e.g. D1); did you mean 'C1'?\n"},
      {{"score", "R5", "B2", "--reason", ""},
       4,
       "riskreg: R5: a re-score needs a reason (--reason TEXT), and it cannot be blank\n"},
      {{"score", "R5", "B2"}, 2, "riskreg: --reason is required (see riskreg --help)\n"},
      {{"score", "R5", "B2", "--reason", "x", "--expect", "D4"},
       8,
       "riskreg: R5: the score is no longer the expected one (someone re-scored it); check it with 'riskreg show "
       "R5' and try again\n"},
      {{"owner", "R5", " "}, 4, "riskreg: R5: the owner's name cannot be blank\n"},
      {{"sore", "R5", "B2"},
       2,
       "riskreg: unknown command 'sore'; did you mean 'score'? (commands: init, list, show, score, owner, matrix, …"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"--db", db};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = run_riskreg(args);
    INFO(c.args[0] << " " << (c.args.size() > 1 ? c.args[1] : ""));
    CHECK(r.exit_code == c.code);
    // A trailing "…" means: compare the start only (the command list grows).
    if (c.err.size() > 3 && c.err.compare(c.err.size() - 3, 3, "…") == 0)
      CHECK(r.err.rfind(c.err.substr(0, c.err.size() - 3), 0) == 0);
    else
      CHECK(r.err == c.err);
    CHECK(r.out.empty());
  }
  CHECK(snapshot(db) == before);
}

TEST_CASE("bad input: malformed data, no database, a newer database", "[cli][errors]") {
  TempDir dir;
  auto bad = run_riskreg({"--db", dir.file("new.db"), "init", "--data", source_path("tests/fixtures/data/bad-score")});
  CHECK(bad.exit_code == 5);
  CHECK(bad.err.find("tests/fixtures/data/bad-score/risks.toml:4:11: 'G5' is not a score") != std::string::npos);
  CHECK(bad.err.find("  current = \"G5\"\n            ^") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("new.db")));

  auto none = run_riskreg({"--db", dir.file("missing.db"), "list"});
  CHECK(none.exit_code == 6);
  CHECK(none.err == "riskreg: no register at " + dir.file("missing.db") + "; create one with 'riskreg init'\n");
  CHECK_FALSE(std::filesystem::exists(dir.file("missing.db")));

  std::string db = init_darlington(dir);
  {
    SQLite::Database d(db, SQLite::OPEN_READWRITE);
    d.exec("PRAGMA user_version = 42");
  }
  std::string before = snapshot(db);
  auto newer = run_riskreg({"--db", db, "score", "R5", "B2", "--reason", "x"});
  CHECK(newer.exit_code == 7);
  CHECK(newer.err == "riskreg: " + db +
                         ": the register has schema version 42, newer than this riskreg understands (2); "
                         "use a newer riskreg\n");
  CHECK(snapshot(db) == before);

  // A malformed data folder never replaces an existing register, even with --force.
  std::string good = dir.file("good.db");
  run_riskreg({"--db", good, "init"});
  std::string kept = snapshot(good);
  auto forced = run_riskreg({"--db", good, "init", "--force", "--data", source_path("tests/fixtures/data/bad-key")});
  CHECK(forced.exit_code == 5);
  CHECK(snapshot(good) == kept);
}

TEST_CASE("every command has --help", "[cli]") {
  for (auto cmd : {"init", "list", "show", "score", "owner", "matrix"}) {
    auto r = run_riskreg({cmd, "--help"});
    INFO(cmd);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Usage:") != std::string::npos);
  }
}
