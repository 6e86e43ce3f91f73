// What a store's writes log (spdlog on stderr, RISKREG_LOG): at info each committed write with
// its audit entry's sequence number, on both backends; never on stdout, and nothing at the
// default level (warn).
#include <catch2/catch.hpp>

#include "pg_cluster.h"
#include "support.h"

using namespace riskreg::test;

namespace {
/// The register each test writes to: an SQLite file, or a fresh PostgreSQL database.
struct Where {
  TempDir dir;
  std::string db;
};
}  // namespace

TEST_CASE("a committed write logs its audit sequence number at info, on stderr only", "[store][log][postgres]") {
  for (bool pg : {false, true}) {
    INFO((pg ? "postgresql" : "sqlite"));
    Where w;
    w.db = pg ? pg_cluster().fresh_database() : w.dir.file("r.db");
    const std::string& shown = w.db;  // the test cluster's URLs carry no password: shown as given
    auto init = run_riskreg({"--db", w.db, "init"}, {{"RISKREG_LOG", "info"}});
    REQUIRE(init.exit_code == 0);
    // SQLite builds the register in a temporary file, then names the target when it renames it.
    CHECK(init.err.find("committed create register, audit seq 1 (") != std::string::npos);
    CHECK(init.err.find(pg ? "(" + shown + ")" : " into place as " + shown) != std::string::npos);

    // The same re-score with and without logging: the same stdout, the log only on stderr.
    auto quiet = run_riskreg({"--db", w.db, "score", "R1", "B2", "--reason", "quiet", "--as", "ann"});
    REQUIRE(quiet.exit_code == 0);
    CHECK(quiet.err.empty());
    auto loud =
        run_riskreg({"--db", w.db, "score", "R1", "C3", "--reason", "loud", "--as", "ann"}, {{"RISKREG_LOG", "info"}});
    REQUIRE(loud.exit_code == 0);
    CHECK(loud.err.find("committed score R1, audit seq 3 (" + shown + ")") != std::string::npos);
    CHECK(loud.out.find("committed") == std::string::npos);
    CHECK(loud.out.find("recorded as assessment") != std::string::npos);

    auto owner = run_riskreg({"--db", w.db, "owner", "R2", "Jo Bloggs", "--as", "ann"}, {{"RISKREG_LOG", "info"}});
    REQUIRE(owner.exit_code == 0);
    CHECK(owner.err.find("committed owner R2, audit seq 4 (" + shown + ")") != std::string::npos);

    // A refused write commits nothing and logs no commit.
    auto refused = run_riskreg({"--db", w.db, "score", "R1", "B2", "--reason", "stale", "--expect", "A1"},
                               {{"RISKREG_LOG", "info"}});
    CHECK(refused.exit_code != 0);
    CHECK(refused.err.find("committed") == std::string::npos);
  }
}

TEST_CASE("at debug the SQLite store logs its connection and each statement's time", "[store][log]") {
  TempDir dir;
  std::string db = dir.file("r.db");
  REQUIRE(run_riskreg({"--db", db, "init"}).exit_code == 0);
  auto r = run_riskreg({"--db", db, "score", "R1", "B2", "--reason", "x"}, {{"RISKREG_LOG", "debug"}});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("sqlite: opened " + db) != std::string::npos);
  CHECK(r.err.find("ms  INSERT INTO assessments") != std::string::npos);
}

TEST_CASE("at info an export logs what it wrote and an import its commit, on both backends", "[store][log][postgres]") {
  for (bool pg : {false, true}) {
    INFO((pg ? "postgresql" : "sqlite"));
    Where w;
    w.db = pg ? pg_cluster().fresh_database() : w.dir.file("r.db");
    REQUIRE(run_riskreg({"--db", w.db, "init"}).exit_code == 0);
    auto out = w.dir.file("reg");
    auto ex = run_riskreg({"--db", w.db, "export", "--format", "csv", "--out", out}, {{"RISKREG_LOG", "info"}});
    REQUIRE(ex.exit_code == 0);
    // The Darlington register: 9 risks with their first assessments, 7 feed links; the create entry.
    CHECK(ex.err.find("export: 9 risks, 9 assessments, 7 feed links written to " + out + " (audit seq 1)") !=
          std::string::npos);
    CHECK(ex.out.find("export:") == std::string::npos);

    auto csv = w.dir.file("new.csv");
    write_file(csv, "id,title,current\r\nR10,Loss of a key supplier,C3\r\n");
    auto im = run_riskreg({"--db", w.db, "import", csv, "--as", "ann"}, {{"RISKREG_LOG", "info"}});
    REQUIRE(im.exit_code == 0);
    CHECK(im.err.find("committed import register, audit seq ") != std::string::npos);
    auto quiet = run_riskreg({"--db", w.db, "export", "--format", "csv", "--out", out, "--force"});
    REQUIRE(quiet.exit_code == 0);
    CHECK(quiet.err.empty());
  }
}
