// End-to-end: the built riskreg on a fresh Darlington register, compared with golden files,
// and every bad input leaving the register's bytes unchanged.
#include <SQLiteCpp/SQLiteCpp.h>
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "store/schema.h"
#include "support.h"

using namespace riskreg::test;
namespace fs = std::filesystem;

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
  CHECK(s.out.rfind("R5  Capacity to deliver MTFP\n  C2 -> B2  band very-high  ABOVE appetite\n", 0) == 0);
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
      {{"score", "R5", "B2"},
       2,
       "riskreg: --reason is required\nUsage: riskreg score [OPTIONS] id score  (riskreg help score)\n"},
      {{"score", "R5", "B2", "--reason", "x", "--expect", "D4"},
       8,
       "riskreg: R5: the score is no longer the expected one: --expect D4, but it is now C2, set by loader at "
       "2026-11-23T09:00:00Z (\"Initial score from the data folder darlington-2009\"); check it with 'riskreg show "
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
  CHECK(newer.err == "riskreg: " + db + ": the register has schema version 42, newer than this riskreg understands (" +
                         std::to_string(riskreg::current_schema_version()) + "); use a newer riskreg\n");
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

// ---- issue 21: one vocabulary, usable help, output that fits the terminal ----

namespace {
/// A word for a shell, single-quoted.
std::string sh(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

/// Runs riskreg in a real pseudo-terminal `cols` columns wide (util-linux `script`), as a
/// person at a terminal sees it: the test environment without NO_COLOR, plus `env`. Returns
/// what the terminal received, "\r\n" read as "\n".
std::string in_terminal(const std::vector<std::string>& args, int cols, std::map<std::string, std::string> env = {}) {
  auto base = riskreg_env();
  base.erase("NO_COLOR");
  for (const auto& [k, v] : env) base[k] = v;
  std::string inner = "stty cols " + std::to_string(cols) + " rows 60; exec " + sh(RISKREG_BINARY);
  for (const auto& a : args) inner += " " + sh(a);
  std::string cmd = "env -i";
  for (const auto& [k, v] : base) cmd += " " + sh(k + "=" + v);
  cmd += " script -qec " + sh(inner) + " /dev/null </dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  ::pclose(p);
  std::string clean;
  for (char c : out)
    if (c != '\r') clean += c;
  return clean;
}

RunResult must(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
  auto r = run_riskreg(args, env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}
}  // namespace

TEST_CASE("one vocabulary: a band by name or label in any case, unknown values refused", "[cli][vocabulary]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  std::string by_name = must({"--db", db, "list", "--band", "very-high", "--csv"}).out;
  CHECK(by_name.find("R6,") != std::string::npos);
  CHECK(by_name.find("R1,") == std::string::npos);
  for (const char* b : {"Very high", "VERY-HIGH", "very high", " Very High "})
    CHECK(must({"--db", db, "list", "--band", b, "--csv"}).out == by_name);
  std::string before = snapshot(db);
  auto bad = run_riskreg({"--db", db, "list", "--band", "bogus"});
  CHECK(bad.exit_code == 4);
  CHECK(bad.err == "riskreg: --band 'bogus' is not a band of this matrix (valid: very-high, high, medium, low)\n");
  auto typo = run_riskreg({"--db", db, "list", "--band", "hihg"});
  CHECK(typo.exit_code == 4);
  CHECK(typo.err ==
        "riskreg: --band 'hihg' is not a band of this matrix (valid: very-high, high, medium, low); did you mean "
        "'high'?\n");
  auto rule = run_riskreg({"--db", db, "flags", "--rule", "no_ownr"});
  CHECK(rule.exit_code == 4);
  CHECK(rule.err ==
        "riskreg: --rule 'no_ownr' is not a rule of this register (rules: ABOVE_APPETITE, NO_TARGET, NO_RESPONSE, "
        "ACCEPTANCE_EXPIRED, ACCEPTANCE_EXPIRING, TREATMENT_WITHOUT_PLAN, TREATMENT_OVERDUE, UNMITIGATED, "
        "STALE_REVIEW, REVIEW_OVERDUE, WORSENED, NO_OWNER); did you mean 'NO_OWNER'?\n");
  // A rule's name in another case is the same rule.
  CHECK(must({"--db", db, "flags", "--rule", "no_owner"}).out == must({"--db", db, "flags", "--rule", "NO_OWNER"}).out);
  // Owners match whatever their case; bands are written by name everywhere.
  must({"--db", db, "owner", "R2", "Jan Lefevre", "--as", "manager"});
  CHECK(must({"--db", db, "list", "--owner", "jan lefevre", "--csv"}).out.find("R2,") != std::string::npos);
  CHECK(must({"--db", db, "show", "R6"}).out.find("Band:          very-high  ABOVE the appetite line\n") !=
        std::string::npos);
  CHECK(snapshot(db) != before);  // the owner was written; the refusals before it wrote nothing
}

TEST_CASE("list --owner: a name that owns no risk is refused with the owners", "[cli][vocabulary]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  // Darlington's seed names no owner.
  std::string before = snapshot(db);
  auto none = run_riskreg({"--db", db, "list", "--owner", "Jan Lefevre"});
  CHECK(none.exit_code == 4);
  CHECK(none.err == "riskreg: --owner 'Jan Lefevre' owns no risk of this register (no risk has an owner yet)\n");
  CHECK(none.out.empty());
  CHECK(snapshot(db) == before);
  must({"--db", db, "owner", "R5", "Jan Lefevre", "--as", "manager"});
  must({"--db", db, "owner", "R2", "Ann Nobody", "--as", "manager"});
  must({"--db", db, "owner", "R9", "jan lefevre", "--as", "manager"});
  before = snapshot(db);
  // Every output format refuses alike, before printing anything.
  for (const char* format : {"--csv", "--json", "--above-appetite"}) {
    INFO(format);
    auto typo = run_riskreg({"--db", db, "list", "--owner", "jan lefevr", format});
    CHECK(typo.exit_code == 4);
    CHECK(typo.err ==
          "riskreg: --owner 'jan lefevr' owns no risk of this register (owners: Ann Nobody, Jan Lefevre, jan lefevre); "
          "did you mean 'Jan Lefevre'?\n");
    CHECK(typo.out.empty());
  }
  // Given, even empty, the option is checked.
  auto empty = run_riskreg({"--db", db, "list", "--owner", ""});
  CHECK(empty.exit_code == 4);
  CHECK(empty.err ==
        "riskreg: --owner '' owns no risk of this register (owners: Ann Nobody, Jan Lefevre, jan lefevre)\n");
  CHECK(snapshot(db) == before);
  // A known owner in any case, blanks around it ignored: every risk owned by that name in any case.
  std::string all = must({"--db", db, "list", "--csv"}).out, expected;
  std::istringstream lines(all);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("id,", 0) == 0 || line.rfind("R5,", 0) == 0 || line.rfind("R9,", 0) == 0) expected += line + "\n";
  CHECK(must({"--db", db, "list", "--owner", " JAN LEFEVRE ", "--csv"}).out == expected);
  // In a register of many owners the message names the first twelve and counts the rest.
  TempDir big;
  REQUIRE(
      run_riskreg({"--db", big.file("g.db"), "generate", "--risks", "300", "--seed", "1", "--bodies", "3"}).exit_code ==
      0);
  auto many = run_riskreg({"--db", big.file("g.db"), "list", "--owner", "nobody at all"});
  CHECK(many.exit_code == 4);
  INFO(many.err);
  CHECK(std::regex_match(many.err, std::regex("riskreg: --owner 'nobody at all' owns no risk of this register "
                                              "\\(owners: ([^,]+, ){11}[^,]+ and [0-9]+ more\\)\n")));
}

TEST_CASE("owner: re-assigning the same owner is refused", "[cli][vocabulary]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  must({"--db", db, "owner", "R2", "Jan Lefevre", "--as", "manager"});
  std::string before = snapshot(db);
  auto again = run_riskreg({"--db", db, "owner", "R2", "Jan Lefevre"});
  CHECK(again.exit_code == 4);
  CHECK(again.err ==
        "riskreg: R2: Jan Lefevre is already the owner (since 2026-11-23T09:00:00Z, set by manager); nothing was "
        "written\n");
  CHECK(snapshot(db) == before);
  CHECK(count_rows(db, "owner_changes") == 1);
}

TEST_CASE("usage errors: did you mean, and the command's usage line", "[cli][help]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  auto r = run_riskreg({"--db", db, "list", "--bnad", "high"});
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "riskreg: unknown option '--bnad' for 'list'; did you mean '--band'?\n"
        "Usage: riskreg list [OPTIONS]  (riskreg help list)\n");
  auto missing = run_riskreg({"--db", db, "score", "R5", "B2"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err ==
        "riskreg: --reason is required\n"
        "Usage: riskreg score [OPTIONS] id score  (riskreg help score)\n");
}

TEST_CASE("help: bare riskreg, riskreg help CMD, real defaults and an example per command", "[cli][help]") {
  auto bare = run_riskreg({});
  CHECK(bare.exit_code == 0);
  for (const char* c : {"\n  list ", "\n  show ", "\n  score ", "\n  flags ", "\n  help "})
    CHECK(bare.out.find(c) != std::string::npos);
  CHECK(bare.out.find("completion") == std::string::npos);  // a build step, hidden
  CHECK(must({"help"}).out == bare.out);
  CHECK(widest(bare.out) <= 80);
  auto top = must({"--help"}).out;
  // Every command the list shows (a new one included) has an example and real defaults.
  std::vector<std::string> commands;
  std::smatch m;
  for (auto it = bare.out.cbegin(); std::regex_search(it, bare.out.cend(), m, std::regex("\n  ([a-z]+) +\\S"));
       it = m[0].second - 1)
    commands.push_back(m[1]);
  CHECK(commands.size() >= 33);
  CHECK(std::find(commands.begin(), commands.end(), "respond") != commands.end());
  for (const auto& c : commands) {
    INFO(c);
    auto h = must({c, "--help"}).out;
    CHECK(h.find("Example") != std::string::npos);
    CHECK(h.find("=0") == std::string::npos);
    CHECK(h.find("=[]") == std::string::npos);
    CHECK(h.find("=false") == std::string::npos);
    CHECK(widest(h) <= 80);
    CHECK(must({"help", c}).out == h);
  }
  auto bad = run_riskreg({"help", "scor"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.rfind("riskreg: unknown command 'scor'; did you mean 'score'?", 0) == 0);
}

TEST_CASE("show: compact for the owner, --full for the seed's text", "[cli][show]") {
  TempDir dir;
  std::string db = darlington_with_history(dir);
  for (int i = 0; i < 5; ++i)
    must({"--db", db, "score", "R5", i % 2 ? "B2" : "C2", "--reason", "review " + std::to_string(i), "--as", "carol"},
         {{"RISKREG_NOW", "2026-12-1" + std::to_string(i)}});
  auto compact = must({"--db", db, "show", "R5"}, {{"RISKREG_NOW", "2026-12-20"}}).out;
  check_golden("show-r5-compact.txt", compact);
  CHECK(compact.find("Notes:") == std::string::npos);
  CHECK(compact.find("Vulnerability:") == std::string::npos);
  CHECK(compact.find("Controls:") != std::string::npos);
  CHECK(compact.find("History (last 5 of 8; --full for all):") != std::string::npos);
  CHECK(compact.find("  #8 ") != std::string::npos);
  CHECK(compact.find("  #3 ") == std::string::npos);
  CHECK(compact.find("Next review:   2027-03-15 (last assessed 2026-12-14, every 91 days)") != std::string::npos);
  CHECK(widest(compact) <= 80);
  auto full = must({"--db", db, "show", "R5", "--full"}, {{"RISKREG_NOW", "2026-12-20"}}).out;
  CHECK(full.find("Notes:") != std::string::npos);
  CHECK(full.find("  #1 ") != std::string::npos);
  CHECK(full.find("Vulnerability: Capacity to deliver sustainable savings") != std::string::npos);
}

TEST_CASE("score: the cascade is advisory, in a line", "[cli][score]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  auto up = must({"--db", db, "score", "2", "A1", "--reason", "placements failing", "--as", "tester"}).out;
  CHECK(up.find("  would move R5 C2 -> B2, R8 C2 -> B2, R1 C3 -> B3, R3 D2 -> C2 (nothing\n    written; `riskreg "
                "cascade R2 A1` for detail)\n") != std::string::npos);
  CHECK(count_rows(db, "assessments") == 10);  // only R2's
  auto down = must({"--db", db, "score", "6", "D4", "--reason", "settled", "--as", "tester"}).out;
  CHECK(down ==
        "R6  Maintaining core services while managing change\n"
        "  B2 -> D4  band low  within appetite\n"
        "  crossed the appetite line: now within appetite\n"
        "  recorded as assessment #11 by tester at 2026-11-23T09:00:00Z\n"
        "  cascade: nothing moves (an improvement does not propagate under\n"
        "    rules/cascade.toml)\n");  // wrapped at 80 columns (not a terminal)
  auto stale = run_riskreg({"--db", db, "score", "2", "B3", "--reason", "x", "--expect", "B3"});
  CHECK(stale.exit_code == 8);
  CHECK(stale.err ==
        "riskreg: R2: the score is no longer the expected one: --expect B3, but it is now A1, set by tester at "
        "2026-11-23T09:00:00Z (\"placements failing\"); check it with 'riskreg show R2' and try again\n");
}

TEST_CASE("matrix: fits 80 columns, with counts when ids do not fit", "[cli][matrix]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  auto m = must({"--db", db, "matrix"}).out;
  CHECK(widest(m) <= 80);
  auto counts = must({"--db", db, "matrix", "--counts"}).out;
  check_golden("matrix-darlington-counts.txt", counts);
  CHECK(counts.find("R1") == std::string::npos);
  CHECK(counts.find("* 3 risks") != std::string::npos);
  auto narrow = must({"--db", db, "matrix"}, {{"COLUMNS", "50"}}).out;
  CHECK(widest(narrow) <= 50);
  CHECK(narrow.find("Numbers are how many risks a cell holds") != std::string::npos);
  auto ids = must({"--db", db, "matrix", "--ids"}, {{"COLUMNS", "50"}}).out;
  CHECK(ids.find("R1,R4,R7") != std::string::npos);
  auto both = run_riskreg({"--db", db, "matrix", "--ids", "--counts"});
  CHECK(both.exit_code == 2);
}

TEST_CASE("a pseudo-terminal at 80 and 160 columns: fitted, wrapped and coloured", "[cli][terminal]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  must({"--db", db, "score", "R5", "B2", "--reason",
        "Savings target raised by the council's medium-term financial plan review in November, after the "
        "settlement",
        "--as", "alice"});
  for (int cols : {80, 160}) {
    INFO(cols << " columns");
    std::map<std::string, std::string> env = {{"TERM", "xterm-256color"}};
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"list"}, {"matrix"}, {"show", "R5"}, {"flags"}, {"--help"}, {"score", "--help"}}) {
      std::vector<std::string> a = {"--db", db};
      a.insert(a.end(), args.begin(), args.end());
      auto out = in_terminal(a, cols, env);
      INFO(out);
      CHECK(widest(out) <= static_cast<size_t>(cols));
      CHECK(!plain(out).empty());
    }
    auto list = in_terminal({"--db", db, "list"}, cols, env);
    CHECK(list.find("\x1b[38;5;") != std::string::npos);  // a band in one of 256 colours
    CHECK(list.find("\x1b[1;31mABOVE") != std::string::npos);
    CHECK(plain(list).find("Bands: very-high high medium low") != std::string::npos);
    if (cols == 80) CHECK(plain(list).find("Major Capital Schemes – BSF") == std::string::npos);
    if (cols == 160) CHECK(plain(list).find("Major Capital Schemes – BSF") != std::string::npos);
    auto flags = in_terminal({"--db", db, "flags"}, cols, env);
    CHECK(flags.find("\x1b[1;31mcritical") != std::string::npos);
    auto show = in_terminal({"--db", db, "show", "R5"}, cols, env);
    CHECK(show.find("\x1b[1;31mABOVE") != std::string::npos);
  }
  // The colour depth follows the terminal.
  auto truecolour = in_terminal({"--db", db, "list"}, 100, {{"TERM", "xterm-256color"}, {"COLORTERM", "truecolor"}});
  CHECK(truecolour.find("\x1b[38;2;") != std::string::npos);
  auto basic = in_terminal({"--db", db, "list"}, 100, {{"TERM", "xterm"}});
  CHECK(basic.find("\x1b[38;") == std::string::npos);
  // one of the 16 colours (30-37, or 90-97 for the bright ones)
  CHECK(std::regex_search(basic, std::regex("\x1b\\[(3[0-7]|9[0-7])m")));
  for (auto env : std::vector<std::map<std::string, std::string>>{{{"TERM", "dumb"}},
                                                                  {{"TERM", "xterm-256color"}, {"NO_COLOR", "1"}}}) {
    auto none = in_terminal({"--db", db, "list"}, 100, env);
    CHECK(none.find('\x1b') == std::string::npos);
    CHECK(none.find("R9") != std::string::npos);
  }
}

TEST_CASE("completion: a real bash completes commands, options and risk ids", "[cli][completion]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  auto script = must({"completion", "bash"}).out;
  write_file(dir.file("riskreg.bash"), script);
  // Completes as bash would for the words typed so far, printing one candidate per line.
  auto complete = [&](const std::string& line) {
    std::string prog = "source " + sh(dir.file("riskreg.bash")) + "\n" + "COMP_LINE=" + sh(line) +
                       "\nread -ra COMP_WORDS <<< \"$COMP_LINE\"\n" +
                       "[[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')\n"
                       "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
                       "_riskreg\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
    write_file(dir.file("complete.sh"), prog);
    return shell("env -i PATH=/usr/bin:/bin RISKREG_DB=" + sh(db) + " bash --norc --noprofile " +
                 sh(dir.file("complete.sh")))
        .out;
  };
  CHECK(complete(std::string(RISKREG_BINARY) + " sc") == "score\n");
  CHECK(complete(std::string(RISKREG_BINARY) + " s").find("show\nscore\n") != std::string::npos);
  CHECK(complete(std::string(RISKREG_BINARY) + " show ") == "R1\nR2\nR3\nR4\nR5\nR6\nR7\nR8\nR9\n");
  CHECK(complete(std::string(RISKREG_BINARY) + " --db " + db + " score R") == "R1\nR2\nR3\nR4\nR5\nR6\nR7\nR8\nR9\n");
  CHECK(complete(std::string(RISKREG_BINARY) + " list --b") == "--band\n");
  CHECK(complete(std::string(RISKREG_BINARY) + " help fl") == "flags\n");
}

TEST_CASE("completion: a real zsh completes commands, options, files and risk ids", "[cli][completion]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  // The generated _riskreg in a folder of its own (compinit's $fpath), and `riskreg` on PATH:
  // the completion runs the command line's first word to read the risk ids.
  fs::create_directories(dir.file("functions"));
  fs::create_directories(dir.file("bin"));
  auto script = must({"completion", "zsh"}).out;
  REQUIRE(script.rfind("#compdef riskreg\n", 0) == 0);
  write_file(dir.file("functions/_riskreg"), script);
  fs::create_symlink(RISKREG_BINARY, dir.file("bin/riskreg"));
  fs::create_directories(dir.file("files/reports"));
  write_file(dir.file("files/risks.csv"), "id\n");
  // What zsh offers on TAB after `line` (tests/fixtures/completion/zsh_complete.zsh): the
  // candidates' names, sorted; from the folder files/ (what file completion lists).
  auto complete = [&](const std::string& line) {
    auto r = shell("cd " + sh(dir.file("files")) + " && env -i PATH=" + sh(dir.file("bin")) +
                   ":/usr/bin:/bin HOME=" + sh(dir.path()) + " TERM=xterm RISKREG_DB=" + sh(db) +
                   " timeout -k 5 60 zsh -f " + sh(source_path("tests/fixtures/completion/zsh_complete.zsh")) + " " +
                   sh(line) + " " + sh(dir.file("functions")) + " 2>&1");
    INFO(line << "\n" << r.out);
    REQUIRE(r.exit_code == 0);
    std::set<std::string> names;
    std::istringstream lines(r.out);
    for (std::string l; std::getline(lines, l);) names.insert(l.substr(0, l.find(" -- ")));
    return std::vector<std::string>(names.begin(), names.end());
  };
  using V = std::vector<std::string>;
  const V ids = {"R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9"};
  CHECK(complete("riskreg sc") == V{"score"});
  CHECK(complete("riskreg s") == V{"score", "show"});
  CHECK(complete("riskreg re") == V{"reopen", "respond", "review"});
  CHECK(complete("riskreg show ") == ids);
  CHECK(complete("riskreg --db " + db + " score R") == ids);
  CHECK(complete("riskreg list --b") == V{"--band"});
  CHECK(complete("riskreg list --") ==
        V{"--above-appetite", "--all", "--band", "--csv", "--help", "--json", "--owner", "--response"});
  CHECK(complete("riskreg help fl") == V{"flags"});
  CHECK(complete("riskreg --") == V{"--db", "--help", "--version"});
  // An option's value is a file, and no positional word: the risk id after it is still the first.
  CHECK(complete("riskreg --db ") == V{"reports", "risks.csv"});
  CHECK(complete("riskreg list --band ") == V{"reports", "risks.csv"});
  CHECK(complete("riskreg score --reason why ") == ids);
  // Every command the help lists is offered, and nothing else (the completion command is hidden).
  auto all = complete("riskreg ");
  CHECK(std::find(all.begin(), all.end(), "completion") == all.end());
  for (const char* c : {"init", "list", "show", "score", "owner", "flags", "matrix", "help"}) {
    INFO(c);
    CHECK(std::find(all.begin(), all.end(), c) != all.end());
  }
}
