// One spelling per risk id (engine/domain/risk_id.h) on the command line and in import files.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include "support.h"

using namespace riskreg::test;

namespace {
int64_t count(const std::string& db, const std::string& sql) {
  SQLite::Database d(db, SQLite::OPEN_READONLY);
  return d.execAndGet(sql).getInt64();
}
}  // namespace

TEST_CASE("risk ids: R5, r5, 5 and R05 name the same risk on the command line", "[risk-id]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  auto canonical = run_riskreg({"--db", db, "show", "R5"});
  REQUIRE(canonical.exit_code == 0);
  for (const char* id : {"r5", "5", "R05", "005"}) {
    INFO(id);
    auto r = run_riskreg({"--db", db, "show", id});
    CHECK(r.exit_code == 0);
    CHECK(r.out == canonical.out);
  }
  auto s = run_riskreg({"--db", db, "score", "r05", "B1", "--reason", "typed r05"});
  INFO(s.err);
  CHECK(s.exit_code == 0);
  CHECK(count(db,
              "SELECT count(*) FROM assessments a JOIN risks r ON r.key = a.risk WHERE r.id = 'R5' AND "
              "a.reason = 'typed r05'") == 1);
}

TEST_CASE("risk ids: an import never creates r5 or 5 beside R5, and writes new ids canonically", "[risk-id][import]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  int64_t risks = count(db, "SELECT count(*) FROM risks");
  write_file(dir.file("ids.csv"), "id,title,current\nr5,Renamed five,B1\n3,Renamed three,C2\nr010,A tenth risk,C3\n");
  auto r = run_riskreg({"--db", db, "import", dir.file("ids.csv")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(count(db, "SELECT count(*) FROM risks") == risks + 1);
  CHECK(count(db, "SELECT count(*) FROM risks WHERE id = 'R10' AND number = 10") == 1);
  CHECK(count(db, "SELECT count(*) FROM risks WHERE id IN ('r5', '5', '3', 'r010', 'R010')") == 0);
  CHECK(count(db, "SELECT count(*) FROM risks WHERE id = 'R5' AND title = 'Renamed five'") == 1);
  CHECK(count(db, "SELECT count(*) FROM risks WHERE id = 'R3' AND title = 'Renamed three'") == 1);
}

TEST_CASE("messages on stderr show control characters escaped", "[risk-id][controls]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  auto r = run_riskreg({"--db", db, "show", "\x1b]0;owned\x07"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find('\x1b') == std::string::npos);
  CHECK(r.err.find('\x07') == std::string::npos);
  CHECK(r.err.rfind("riskreg: unknown risk '\\x1b]0;owned\\x07'", 0) == 0);
}
