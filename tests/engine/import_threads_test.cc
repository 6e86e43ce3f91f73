/// The import's two threads, in process: the checker reads the file on a thread of its own
/// (core/parallel.h pipeline) while the writer appends each checked chunk in one transaction.
/// Run here (not through the riskreg executable) so that the ThreadSanitizer stage
/// (scripts/tsan.sh) sees both threads.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include <string>

#include "core/clock.h"
#include "core/error.h"
#include "core/parallel.h"
#include "io/import.h"
#include "register/generate.h"
#include "register/rules_bundle.h"
#include "store/sqlite_store.h"
#include "support.h"

using namespace riskreg;
using riskreg::test::source_path;
using riskreg::test::TempDir;
using riskreg::test::write_file;

namespace {

std::string small_register(const TempDir& dir) {
  GenerateRequest req;
  req.db_path = dir.file("reg.db");
  req.rules_dir = source_path("rules");
  req.risks = 20;
  req.seed = 7;
  req.by = "generator";
  generate_register(req, FixedClock(*parse_timestamp("2026-11-23T09:00:00Z")));
  return req.db_path;
}

/// `n` new risks R1000.., every third without an owner; each row spans two lines.
std::string rows(int n, const std::string& last = "") {
  std::string s = "id,title,owner,current,controls\n";
  for (int i = 1000; i < 1000 + n; ++i)
    s += "R" + std::to_string(i) + ",Risk " + std::to_string(i) + "," +
         (i % 3 ? "Owner " + std::to_string(i % 5) : "") + ",C3,\"Control a\nControl b\"\n";
  return s + last;
}

int64_t count(const std::string& db, const std::string& table) {
  SQLite::Database d(db, SQLite::OPEN_READONLY);
  return d.execAndGet("SELECT count(*) FROM " + table).getInt64();
}

}  // namespace

TEST_CASE("import in process: 1,500 rows checked on one thread and written on another", "[import][threads]") {
  TempDir dir;
  auto db = small_register(dir);
  auto matrix = matrix_from(read_rules_dir(source_path("rules")));
  const auto at = *parse_timestamp("2026-11-24T10:00:00Z");
  INFO("two cores: " << two_cores());
  const int64_t risks = count(db, "risks"), assessments = count(db, "assessments");

  auto bad = dir.file("bad.csv");
  write_file(bad, rows(1500, "R9999,Last,Owner,Z9,\n"));
  {
    SqliteStore store(db, SqliteStore::Mode::Open);
    CHECK_THROWS_AS(import_csv(store, matrix, bad, "ann", at), FileError);
  }
  CHECK(count(db, "risks") == risks);  // the bad last row rolled back every chunk before it
  CHECK(count(db, "assessments") == assessments);

  auto good = dir.file("good.csv");
  write_file(good, rows(1500));
  SqliteStore store(db, SqliteStore::Mode::Open);
  auto result = import_csv(store, matrix, good, "ann", at);
  CHECK(result.created == 1500);
  CHECK(result.assessments == 1500);
  CHECK(result.owner_changes == 1000);
  CHECK(count(db, "risks") == risks + 1500);
  CHECK(count(db, "assessments") == assessments + 1500);
}
