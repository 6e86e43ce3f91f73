// riskreg audit verify / audit log on a real Darlington register, before and after tampering.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support.h"

using namespace riskreg::test;

namespace {
/// Darlington plus one re-score of R5 (audit entry 2); returns the register path.
std::string rescored_darlington(const TempDir& dir) {
  auto db = init_darlington(dir);
  auto r = run_riskreg({"--db", db, "score", "5", "B2", "--reason", "Savings target raised", "--as", "alice"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return db;
}

}  // namespace

TEST_CASE("audit log prints every entry and --json has the full detail and hashes", "[cli][audit]") {
  TempDir dir;
  auto db = rescored_darlington(dir);
  auto j = nlohmann::json::parse(run_riskreg({"--db", db, "audit", "log", "--json"}).out);
  REQUIRE(j.size() == 2);
  CHECK(j[0]["action"] == "create");
  CHECK(j[0]["actor"] == "loader");
  CHECK(j[1]["seq"] == 2);
  CHECK(j[1]["action"] == "score");
  CHECK(j[1]["entity"] == "R5");
  CHECK(j[1]["actor"] == "alice");
  CHECK(j[1]["detail"]["reason"] == "Savings target raised");
  CHECK(j[1]["prev_hash"] == j[0]["hash"]);
  auto t = run_riskreg({"--db", db, "audit", "log"});
  REQUIRE(t.exit_code == 0);
  CHECK(t.out.rfind("SEQ  AT", 0) == 0);
  CHECK(t.out.find(j[1]["hash"].get<std::string>().substr(0, 12)) != std::string::npos);
  CHECK(t.out.find("alice") != std::string::npos);
  CHECK(t.out.substr(t.out.size() - 10) == "2 entries\n");
}

TEST_CASE("audit verify: an untouched register is ok, with its head", "[cli][audit]") {
  TempDir dir;
  auto db = rescored_darlington(dir);
  auto head =
      nlohmann::json::parse(run_riskreg({"--db", db, "audit", "log", "--json"}).out)[1]["hash"].get<std::string>();
  auto r = run_riskreg({"--db", db, "audit", "verify"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "audit verify: ok, 2 entries, head " + head + "\n");
}

TEST_CASE("audit verify names an edited audit entry, exit 11", "[cli][audit]") {
  TempDir dir;
  auto db = rescored_darlington(dir);
  tamper_sql(db, "UPDATE audit SET detail = replace(detail, 'Savings', 'Spending') WHERE seq = 2");
  auto r = run_riskreg({"--db", db, "audit", "verify"});
  CHECK(r.exit_code == 11);
  // The edit also makes the entry disagree with the row it records: both are listed, the chain first.
  CHECK(r.err == "riskreg: audit verify: entry 2 was edited: its content does not match its hash (and 1 more)\n");
  CHECK(r.out.rfind("audit verify: entry 2 was edited: its content does not match its hash\n", 0) == 0);
  CHECK(r.out.find(
            "(R5) was edited: reason is 'Savings target raised', audit entry 2 recorded 'Spending target raised'") !=
        std::string::npos);
}

TEST_CASE("audit verify names an edited assessment row", "[cli][audit]") {
  TempDir dir;
  auto db = rescored_darlington(dir);
  auto id = nlohmann::json::parse(run_riskreg({"--db", db, "audit", "log", "--json"}).out)[1]["detail"]["assessment"]
                .get<int64_t>();
  tamper_sql(db, "UPDATE assessments SET likelihood = 'E' WHERE id = " + std::to_string(id));
  auto r = run_riskreg({"--db", db, "audit", "verify"});
  CHECK(r.exit_code == 11);
  CHECK(r.err == "riskreg: audit verify: assessment " + std::to_string(id) +
                     " (R5) was edited: likelihood is 'E', audit entry 2 recorded 'B'\n");
  CHECK(r.out == "audit verify: assessment " + std::to_string(id) +
                     " (R5) was edited: likelihood is 'E', audit entry 2 recorded 'B'\n");
}

TEST_CASE("audit verify names a deleted assessment row", "[cli][audit]") {
  TempDir dir;
  auto db = rescored_darlington(dir);
  // The re-score is R5's current assessment: a tamperer deleting it would also repoint the risk.
  tamper_sql(db,
             "UPDATE risks SET current_assessment = previous_assessment, previous_assessment = NULL WHERE id = 'R5';"
             "DELETE FROM assessments WHERE id = (SELECT max(id) FROM assessments)");
  auto r = run_riskreg({"--db", db, "audit", "verify"});
  CHECK(r.exit_code == 11);
  CHECK(r.err.find("riskreg: audit verify: entry 2 records assessment ") == 0);
  CHECK(r.err.find("(R5), which is missing from the history (deleted)\n") != std::string::npos);
}
