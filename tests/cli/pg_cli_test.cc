// The built riskreg against PostgreSQL: init, score, show and audit verify on a server;
// the same output as on SQLite (the lifecycle commands too); migrate from an SQLite file; an owner refused by the
// database's row-level security (exit 8).
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "pg_cluster.h"
#include "support.h"

using namespace riskreg::test;

TEST_CASE("riskreg on PostgreSQL: init, score, show and audit verify, as on SQLite", "[cli][postgres]") {
  TempDir dir;
  std::string lite = init_darlington(dir);
  std::string url = pg_cluster().fresh_database();
  auto init = run_riskreg({"--db", url, "init", "--as", "loader"});
  INFO(init.err);
  REQUIRE(init.exit_code == 0);
  CHECK_THAT(init.out, Catch::StartsWith("Created " + url + ": 9 risks"));
  auto again = run_riskreg({"--db", url, "init"});
  CHECK(again.exit_code == 8);
  CHECK_THAT(again.err, Catch::Contains("already holds a register; use --force"));
  for (const std::string& db : {lite, url}) {
    auto s = run_riskreg({"--db", db, "score", "5", "B2", "--reason", "Savings target raised", "--as", "alice"});
    INFO(s.err);
    REQUIRE(s.exit_code == 0);
    auto stale = run_riskreg({"--db", db, "score", "5", "A1", "--reason", "x", "--expect", "C3"});
    CHECK(stale.exit_code == 8);
  }
  for (const char* cmd : {"show", "list"}) {
    std::vector<std::string> args = {cmd};
    if (std::string(cmd) == "show") args.push_back("5");
    auto a = args, b = args;
    a.insert(a.begin(), {"--db", lite});
    b.insert(b.begin(), {"--db", url});
    auto ra = run_riskreg(a), rb = run_riskreg(b);
    INFO(rb.err);
    CHECK(rb.exit_code == 0);
    CHECK(rb.out == ra.out);
  }
  auto va = run_riskreg({"--db", lite, "audit", "verify"}), vb = run_riskreg({"--db", url, "audit", "verify"});
  INFO(vb.err);
  CHECK(vb.exit_code == 0);
  CHECK(vb.out == va.out);  // the same chain, the same head
  auto forced = run_riskreg({"--db", url, "init", "--force", "--as", "loader"});
  CHECK(forced.exit_code == 0);
  CHECK(run_riskreg({"--db", url, "audit", "verify"}).exit_code == 0);
  auto missing = run_riskreg({"--db", pg_cluster().url("postgres"), "list"});
  CHECK(missing.exit_code == 6);
  CHECK_THAT(missing.err, Catch::Contains("no register at postgresql://"));
}

TEST_CASE("riskreg migrate copies an SQLite register to PostgreSQL with the same audit head",
          "[cli][postgres][migrate]") {
  TempDir dir;
  std::string lite = init_darlington(dir);
  REQUIRE(run_riskreg({"--db", lite, "score", "5", "B2", "--reason", "Savings target raised"}).exit_code == 0);
  std::string url = pg_cluster().fresh_database();
  auto m = run_riskreg({"migrate", "--from", "sqlite:" + lite, "--to", url});
  INFO(m.err);
  REQUIRE(m.exit_code == 0);
  CHECK_THAT(m.out, Catch::Contains("9 risks, 10 assessments, 2 audit entries"));
  CHECK_THAT(m.out, Catch::Contains("Audit chain verified on both sides; head "));
  CHECK(run_riskreg({"--db", url, "audit", "verify"}).out == run_riskreg({"--db", lite, "audit", "verify"}).out);
  CHECK(run_riskreg({"--db", url, "show", "5"}).out == run_riskreg({"--db", lite, "show", "5"}).out);
  auto twice = run_riskreg({"migrate", "--from", "sqlite:" + lite, "--to", url});
  CHECK(twice.exit_code == 8);
  auto bad = run_riskreg({"migrate", "--from", url, "--to", url});
  CHECK(bad.exit_code == 2);
}

TEST_CASE("riskreg on PostgreSQL: an owner re-scoring another's risk is refused with exit 8",
          "[cli][postgres][roles]") {
  auto& cl = pg_cluster();
  std::string url = cl.fresh_database();
  REQUIRE(run_riskreg({"--db", url, "init"}).exit_code == 0);
  REQUIRE(run_riskreg({"--db", url, "owner", "5", "Jan Lefevre", "--reason", "named"}).exit_code == 0);
  auto roles = run_riskreg({"migrate", "--roles", "--to", url});
  INFO(roles.err);
  REQUIRE(roles.exit_code == 0);
  cl.exec(url, "CREATE ROLE jan LOGIN IN ROLE riskreg_owner; INSERT INTO riskreg_users VALUES ('jan', 'Jan Lefevre')");
  std::string as_jan = cl.url(pg_db_name(url), "jan");
  auto own = run_riskreg({"--db", as_jan, "score", "5", "C3", "--reason", "mine"});
  INFO(own.err);
  CHECK(own.exit_code == 0);
  auto other = run_riskreg({"--db", as_jan, "score", "4", "A1", "--reason", "not mine"});
  CHECK(other.exit_code == 8);
  CHECK(other.err ==
        "riskreg: R4: refused by the database: user 'jan' may not re-score this risk (risk owners may "
        "re-score only the risks they own; see docs/postgresql.md)\n");
  CHECK(run_riskreg({"--db", url, "audit", "verify"}).exit_code == 0);
}

TEST_CASE("riskreg on PostgreSQL: an owner editing another's risk, or closing their own, is refused with exit 8",
          "[cli][postgres][roles][lifecycle]") {
  auto& cl = pg_cluster();
  std::string url = cl.fresh_database();
  REQUIRE(run_riskreg({"--db", url, "init"}).exit_code == 0);
  REQUIRE(run_riskreg({"--db", url, "owner", "5", "Jan Lefevre", "--reason", "named"}).exit_code == 0);
  REQUIRE(run_riskreg({"migrate", "--roles", "--to", url}).exit_code == 0);
  // (Roles are cluster-wide: not the re-score test's name, which may run in this process.)
  cl.exec(url,
          "CREATE ROLE janl LOGIN IN ROLE riskreg_owner; INSERT INTO riskreg_users VALUES ('janl', 'Jan Lefevre')");
  std::string as_jan = cl.url(pg_db_name(url), "janl");
  for (const std::vector<std::string>& mine :
       {std::vector<std::string>{"edit", "5", "--heading", "Finance", "--reason", "clearer"},
        std::vector<std::string>{"review", "5", "--next", "2027-03-01", "--reason", "clinic"},
        std::vector<std::string>{"note", "5", "Asked finance"}}) {
    auto r = run_riskreg([&] {
      auto a = mine;
      a.insert(a.begin(), {"--db", as_jan});
      return a;
    }());
    INFO(mine[0] << ": " << r.err);
    CHECK(r.exit_code == 0);
  }
  auto head = run_riskreg({"--db", url, "audit", "verify"}).out;
  auto other = run_riskreg({"--db", as_jan, "edit", "4", "--title", "Mine now", "--reason", "grab"});
  CHECK(other.exit_code == 8);
  CHECK(other.err ==
        "riskreg: R4: refused by the database: user 'janl' may not edit this risk (risk owners may edit, target, "
        "review and note only the risks they own; adding, closing and reopening are a risk manager's; see "
        "docs/postgresql.md)\n");
  auto close = run_riskreg({"--db", as_jan, "close", "5", "--reason", "done"});
  CHECK(close.exit_code == 8);
  CHECK_THAT(close.err, Catch::StartsWith("riskreg: R5: refused by the database: user 'janl' may not close this risk"));
  auto add = run_riskreg({"--db", as_jan, "add", "--title", "New", "--current", "C3"});
  CHECK(add.exit_code == 8);
  CHECK_THAT(add.err, Catch::Contains("user 'janl' may not add a risk"));
  // The register unchanged by the refusals: the same chain head, and it verifies.
  auto after = run_riskreg({"--db", url, "audit", "verify"});
  CHECK(after.exit_code == 0);
  CHECK(after.out == head);
  CHECK(run_riskreg({"--db", url, "show", "4"}).out.find("Mine now") == std::string::npos);
}

TEST_CASE("riskreg lifecycle on PostgreSQL: the same output, log, history and audit head as on SQLite",
          "[cli][postgres][lifecycle]") {
  TempDir dir;
  std::string lite = init_darlington(dir);
  std::string url = pg_cluster().fresh_database();
  REQUIRE(run_riskreg({"--db", url, "init", "--as", "loader"}).exit_code == 0);
  const std::vector<std::vector<std::string>> commands = {
      {"add", "--title", "Loss of key staff", "--current", "C2", "--owner", "Ann Lee", "--target", "D3", "--control",
       "Succession plan", "--reason", "New risk", "--as", "manager"},
      {"edit", "R10", "--title", "Loss of key staff in children's services", "--add-control", "Exit interviews",
       "--remove-control", "1", "--reason", "Refined", "--as", "ann"},
      {"target", "R10", "E4", "--reason", "Plan agreed"},
      {"close", "R6", "--reason", "Merged into R5", "--as", "manager"},
      {"review", "R10", "--next", "2027-03-01", "--reason", "Q3 clinic", "--as", "ann"},
      {"note", "R10", "Met the workforce board", "--as", "ann"},
      {"reopen", "R6", "--reason", "Split again", "--as", "manager"},
      {"close", "R6", "--reason", "Merged for good", "--as", "manager"},
  };
  for (const auto& cmd : commands) {
    INFO(cmd[0]);
    std::vector<std::string> a = cmd, b = cmd;
    a.insert(a.begin(), {"--db", lite});
    b.insert(b.begin(), {"--db", url});
    auto ra = run_riskreg(a), rb = run_riskreg(b);
    INFO(ra.err << rb.err);
    REQUIRE(ra.exit_code == 0);
    REQUIRE(rb.exit_code == 0);
    CHECK(rb.out.substr(0, rb.out.find(url)) == ra.out.substr(0, ra.out.find(lite)));
  }
  // Refusals alike: closing a closed risk.
  auto ca = run_riskreg({"--db", lite, "close", "R6", "--reason", "again"});
  auto cb = run_riskreg({"--db", url, "close", "R6", "--reason", "again"});
  CHECK(cb.exit_code == ca.exit_code);
  CHECK(cb.err == ca.err);
  std::string seen;
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"show", "R10", "--history"}, {"show", "R6"}, {"log"}, {"log", "R10", "--json"}, {"list", "--all"}}) {
    INFO(args[0] << " " << (args.size() > 1 ? args[1] : ""));
    auto a = args, b = args;
    a.insert(a.begin(), {"--db", lite});
    b.insert(b.begin(), {"--db", url});
    auto ra = run_riskreg(a, {{"COLUMNS", "200"}}), rb = run_riskreg(b, {{"COLUMNS", "200"}});
    INFO(rb.err);
    CHECK(rb.exit_code == 0);
    CHECK(rb.out == ra.out);
    seen += rb.out;
  }
  CHECK_THAT(seen, Catch::Contains("Exit interviews"));
  CHECK_THAT(seen, Catch::Contains("Met the workforce board"));
  CHECK_THAT(seen, Catch::Contains("manager  R6  closed"));
  CHECK_THAT(seen, Catch::Contains("Merged for good"));
  auto va = run_riskreg({"--db", lite, "audit", "verify"}), vb = run_riskreg({"--db", url, "audit", "verify"});
  INFO(vb.err);
  CHECK(vb.exit_code == 0);
  CHECK_THAT(vb.out, Catch::StartsWith("audit verify: ok"));
  CHECK(vb.out == va.out);  // the same chain, the same head
  // migrate carries the changes: the copy verifies with the same head.
  std::string copy = pg_cluster().fresh_database();
  auto m = run_riskreg({"migrate", "--from", "sqlite:" + lite, "--to", copy});
  INFO(m.err);
  REQUIRE(m.exit_code == 0);
  CHECK(run_riskreg({"--db", copy, "audit", "verify"}).out == va.out);
  CHECK(run_riskreg({"--db", copy, "show", "R10", "--history"}, {{"COLUMNS", "200"}}).out ==
        run_riskreg({"--db", lite, "show", "R10", "--history"}, {{"COLUMNS", "200"}}).out);
  // and back into a new SQLite file.
  const std::string back = "sqlite:" + dir.file("back.db");
  auto mb = run_riskreg({"migrate", "--from", url, "--to", back});
  INFO(mb.err);
  REQUIRE(mb.exit_code == 0);
  CHECK_THAT(mb.out, Catch::Contains("Audit chain verified on both sides; head "));
  CHECK(run_riskreg({"--db", back, "audit", "verify"}).out == va.out);
  CHECK(run_riskreg({"--db", back, "log"}, {{"COLUMNS", "200"}}).out ==
        run_riskreg({"--db", lite, "log"}, {{"COLUMNS", "200"}}).out);
  auto again = run_riskreg({"migrate", "--from", url, "--to", back});
  CHECK(again.exit_code == 8);
  CHECK_THAT(again.err, Catch::Contains("already exists; migrate copies into a new file"));
}

TEST_CASE("riskreg import writes into PostgreSQL as into SQLite", "[cli][postgres][import]") {
  TempDir dir;
  std::string a = init_darlington(dir);
  REQUIRE(run_riskreg({"--db", a, "score", "5", "B2", "--reason", "Savings target raised"}).exit_code == 0);
  REQUIRE(run_riskreg({"--db", a, "owner", "3", "Jan Lefevre"}).exit_code == 0);
  std::string exp = dir.file("a-export");
  REQUIRE(run_riskreg({"--db", a, "export", "--format", "csv", "--out", exp}).exit_code == 0);
  TempDir dir_b;
  std::string lite = init_darlington(dir_b);
  std::string url = pg_cluster().fresh_database();
  REQUIRE(run_riskreg({"--db", url, "init", "--as", "loader"}).exit_code == 0);
  auto il = run_riskreg({"--db", lite, "import", exp + "/risks.csv", "--as", "importer"});
  auto ip = run_riskreg({"--db", url, "import", exp + "/risks.csv", "--as", "importer"});
  INFO(ip.err);
  REQUIRE(ip.exit_code == 0);
  CHECK(ip.out == il.out);
  CHECK_THAT(ip.out, Catch::Contains("0 risks created, 2 updated"));
  auto vl = run_riskreg({"--db", lite, "audit", "verify"}), vp = run_riskreg({"--db", url, "audit", "verify"});
  CHECK(vp.exit_code == 0);
  CHECK(vp.out == vl.out);
  REQUIRE(run_riskreg({"--db", lite, "export", "--format", "csv", "--out", dir_b.file("l")}).exit_code == 0);
  REQUIRE(run_riskreg({"--db", url, "export", "--format", "csv", "--out", dir_b.file("p")}).exit_code == 0);
  CHECK(read_file(dir_b.file("p") + "/risks.csv") == read_file(dir_b.file("l") + "/risks.csv"));
  CHECK(read_file(dir_b.file("p") + "/assessments.csv") == read_file(dir_b.file("l") + "/assessments.csv"));
}

TEST_CASE("riskreg generate on PostgreSQL: the same register as on SQLite for the same seed",
          "[cli][postgres][generate]") {
  TempDir dir;
  std::string lite = dir.file("g.db");
  std::string url = pg_cluster().fresh_database();
  for (const std::string& db : {lite, url}) {
    auto g = run_riskreg({"--db", db, "generate", "--risks", "120", "--seed", "3", "--as", "gen"});
    INFO(g.err);
    REQUIRE(g.exit_code == 0);
    CHECK_THAT(g.out, Catch::StartsWith("Generated " + db + ": 120 risks, "));
  }
  // The bulk write leaves planner statistics (pg_analyze), so the first read after it is not
  // planned for the empty tables of before: the server has counted the generated rows.
  CHECK_NOTHROW(pg_cluster().exec(url, R"sql(DO $$ BEGIN
      IF (SELECT reltuples FROM pg_class WHERE relname = 'risks') < 120
         OR (SELECT reltuples FROM pg_class WHERE relname = 'actions') < 1 THEN
        RAISE EXCEPTION 'no planner statistics after generate';
      END IF; END $$)sql"));
  for (std::vector<std::string> args : {std::vector<std::string>{"list"},
                                        {"list", "--json"},
                                        {"matrix"},
                                        {"show", "7"},
                                        {"flags"},
                                        {"audit", "verify"}}) {
    auto a = args, b = args;
    a.insert(a.begin(), {"--db", lite});
    b.insert(b.begin(), {"--db", url});
    auto ra = run_riskreg(a), rb = run_riskreg(b);
    INFO(args[0] << ": " << rb.err);
    CHECK(rb.exit_code == ra.exit_code);
    CHECK(rb.out == ra.out);
    CHECK_FALSE(rb.out.empty());
  }
  // Store::owners(): the same owners in the same order (byte order whatever the collation).
  auto nobody_l = run_riskreg({"--db", lite, "list", "--owner", "nobody"});
  auto nobody_p = run_riskreg({"--db", url, "list", "--owner", "nobody"});
  CHECK(nobody_p.exit_code == 4);
  CHECK(nobody_p.err == nobody_l.err);
  CHECK_THAT(nobody_p.err, Catch::StartsWith("riskreg: --owner 'nobody' owns no risk of this register (owners: "));
  REQUIRE(run_riskreg({"--db", lite, "export", "--format", "csv", "--out", dir.file("l")}).exit_code == 0);
  REQUIRE(run_riskreg({"--db", url, "export", "--format", "csv", "--out", dir.file("p")}).exit_code == 0);
  for (const char* f : {"risks.csv", "assessments.csv", "feeds.csv"}) {
    INFO(f);
    std::string l = read_file(dir.file("l") + "/" + f);
    CHECK(read_file(dir.file("p") + "/" + f) == l);
    CHECK(l.size() > 100);
  }
  auto again = run_riskreg({"--db", url, "generate", "--risks", "10"});
  CHECK(again.exit_code == 8);
  CHECK_THAT(again.err, Catch::Contains("already holds a register; use --force"));
}

namespace {
/// The statements the server ran for one riskreg run against `url`, counted from its log
/// (log_statement=all for that session only), as docs/postgresql.md counts them.
size_t statements_of(const std::string& url, const std::vector<std::string>& args, std::string* text = nullptr) {
  auto count = [] {
    std::ifstream log(pg_cluster().log_path());
    std::string line, all;
    size_t n = 0;
    static const std::regex stmt("LOG:  (statement|execute [^:]*):");
    while (std::getline(log, line)) {
      if (std::regex_search(line, stmt)) ++n;
      all += line + "\n";
    }
    return std::pair(n, all);
  };
  auto [before, seen] = count();
  std::vector<std::string> full = {"--db", url};
  full.insert(full.end(), args.begin(), args.end());
  auto r = run_riskreg(full, {{"PGOPTIONS", "-c log_statement=all"}});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // The server writes its log asynchronously to the client: wait until the count settles.
  std::pair<size_t, std::string> after;
  for (int i = 0; i < 50; ++i) {
    after = count();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (count().first == after.first && after.first > before) break;
  }
  if (text) *text = after.second.substr(seen.size());
  return after.first - before;
}
}  // namespace

TEST_CASE("riskreg score on PostgreSQL sends at most 12 statements, the cascade read among them", "[cli][postgres]") {
  std::string url = pg_cluster().fresh_database();
  REQUIRE(run_riskreg({"--db", url, "init", "--as", "loader"}).exit_code == 0);
  std::string log;
  // R5 feeds R1 and R3: the re-score's cascade reads its neighbourhood.
  size_t n = statements_of(url, {"score", "5", "B2", "--reason", "Savings target raised", "--as", "alice"}, &log);
  INFO(log);
  CHECK(n <= 12);
  CHECK(n >= 5);  // the log was read: at least the write's own statements are in it
  CHECK(log.find("INSERT INTO audit") != std::string::npos);
  CHECK(log.find("WITH RECURSIVE reach") != std::string::npos);
  // With --expect (checked under the risk's lock, in the same statements).
  CHECK(statements_of(url, {"score", "5", "C2", "--reason", "Eased", "--as", "alice", "--expect", "B2"}) <= 12);
}
