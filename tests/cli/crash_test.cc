// Crash safety: riskreg killed with SIGKILL at random moments (seeded) during bursts of
// re-scores and during exports. After every kill the register must pass SQLite's integrity
// check and `audit verify`, every acknowledged re-score (its process exited 0 and printed
// its result) must be recorded exactly once, an unacknowledged one at most once, and an
// export must be wholly present or wholly absent.
//
// The seed is RISKREG_CRASH_SEED (default fixed), printed on failure; kill moments are drawn
// from [0, 1.5 x the measured duration of an uninterrupted run], so the trials land inside
// the work on a slow (sanitizer) build too.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "cli/child_process.h"
#include "support.h"

using namespace riskreg::test;
namespace fs = std::filesystem;

namespace {

uint32_t crash_seed() {
  const char* s = std::getenv("RISKREG_CRASH_SEED");
  return s && *s ? static_cast<uint32_t>(std::stoul(s)) : 20261123u;
}

std::string integrity(const std::string& db) {
  SQLite::Database d(db, SQLite::OPEN_READWRITE);
  return d.execAndGet("PRAGMA integrity_check").getString();
}

int64_t count_reason(const std::string& db, const std::string& reason) {
  SQLite::Database d(db, SQLite::OPEN_READONLY);
  SQLite::Statement st(d, "SELECT count(*) FROM assessments WHERE reason = ?");
  st.bind(1, reason);
  st.executeStep();
  return st.getColumn(0).getInt64();
}

int64_t count_rows(const std::string& db, const char* table) {
  SQLite::Database d(db, SQLite::OPEN_READONLY);
  return d.execAndGet(std::string("SELECT count(*) FROM ") + table).getInt64();
}

/// Microseconds an uninterrupted run of `args` takes (the second of two runs, warm).
int64_t measure_us(const std::vector<std::string>& args, const TempDir& dir) {
  int64_t us = 0;
  for (int i = 0; i < 2; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    Child c(args, dir.file("measure.out"), dir.file("measure.err"));
    int code = c.wait();
    INFO(read_file(dir.file("measure.err")));
    REQUIRE(code == 0);
    us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  }
  return std::max<int64_t>(us, 1000);
}

/// The checks every trial ends with.
void check_register_sound(const std::string& db) {
  CHECK(integrity(db) == "ok");
  auto v = run_riskreg({"--db", db, "audit", "verify"});
  INFO(v.out << v.err);
  CHECK(v.exit_code == 0);
}

const std::vector<std::string> kRisks = {"R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9"};
const std::vector<std::string> kScores = {"A1", "A2", "B2", "B3", "C1", "C2", "C3", "D2", "D4", "E3", "F4"};

}  // namespace

TEST_CASE("crash: SIGKILL during bursts of score calls loses no acknowledged re-score", "[crash]") {
  const uint32_t seed = crash_seed();
  INFO("RISKREG_CRASH_SEED=" << seed);
  std::mt19937 rng(seed);
  TempDir dir;
  std::string db = init_darlington(dir);
  const int64_t one = measure_us({"--db", db, "score", "R1", "B2", "--reason", "calibration"}, dir);
  std::uniform_int_distribution<int64_t> delay(0, one * 3 / 2);
  std::uniform_int_distribution<size_t> pick_risk(0, kRisks.size() - 1), pick_score(0, kScores.size() - 1);

  constexpr int kTrials = 40, kBurst = 3;
  int acknowledged = 0, killed = 0;
  std::vector<std::string> acked_reasons;
  for (int t = 0; t < kTrials; ++t) {
    std::vector<std::unique_ptr<Child>> kids;
    std::vector<std::string> reasons;
    for (int p = 0; p < kBurst; ++p) {
      reasons.push_back("crash trial " + std::to_string(t) + " process " + std::to_string(p));
      kids.push_back(std::make_unique<Child>(
          std::vector<std::string>{"--db", db, "score", kRisks[pick_risk(rng)], kScores[pick_score(rng)], "--reason",
                                   reasons.back()},
          dir.file("p" + std::to_string(p) + ".out"), dir.file("p" + std::to_string(p) + ".err")));
    }
    std::this_thread::sleep_for(std::chrono::microseconds(delay(rng)));
    for (auto& k : kids) k->kill();
    INFO("trial " << t);
    for (int p = 0; p < kBurst; ++p) {
      std::string out = read_file(dir.file("p" + std::to_string(p) + ".out"));
      INFO(reasons[p] << ": exit " << kids[p]->code() << " " << read_file(dir.file("p" + std::to_string(p) + ".err")));
      if (kids[p]->killed()) {
        ++killed;
        // Killed: the re-score is wholly there or wholly absent (never twice).
        CHECK(count_reason(db, reasons[p]) <= 1);
      } else {
        // Not killed: it must have succeeded (no "database is locked" under a burst of 3)...
        REQUIRE(kids[p]->code() == 0);
        CHECK(out.find(" -> ") != std::string::npos);
        ++acknowledged;
        acked_reasons.push_back(reasons[p]);
        // ...and be recorded exactly once.
        CHECK(count_reason(db, reasons[p]) == 1);
      }
    }
    check_register_sound(db);
  }
  // Every acknowledged re-score is still there at the end, after all the later kills.
  for (const auto& r : acked_reasons) CHECK(count_reason(db, r) == 1);
  // The trials did both: some processes were killed mid-way, some finished.
  CHECK(killed > 0);
  CHECK(acknowledged > 0);
  // A later re-score still works, and the chain still verifies after it.
  auto after = run_riskreg({"--db", db, "score", "R5", "B2", "--reason", "after the crashes"});
  INFO(after.err);
  CHECK(after.exit_code == 0);
  check_register_sound(db);
}

TEST_CASE("crash: SIGKILL during export leaves the register unchanged and the export whole or absent", "[crash]") {
  const uint32_t seed = crash_seed() + 1;
  INFO("RISKREG_CRASH_SEED(+1)=" << seed);
  std::mt19937 rng(seed);
  TempDir dir;
  std::string db = init_darlington(dir);
  for (int i = 0; i < 20; ++i)
    REQUIRE(run_riskreg({"--db", db, "score", kRisks[i % 9], kScores[i % kScores.size()], "--reason",
                         "history " + std::to_string(i)})
                .exit_code == 0);
  const int64_t assessments = count_rows(db, "assessments"), audit = count_rows(db, "audit");
  const int64_t one_csv = measure_us({"--db", db, "export", "--format", "csv", "--out", dir.file("m-csv"), "--force"}, dir);
  const int64_t one_json =
      measure_us({"--db", db, "export", "--format", "json", "--out", dir.file("m.json"), "--force"}, dir);

  constexpr int kTrials = 16;
  int whole = 0, absent = 0;
  for (int t = 0; t < kTrials; ++t) {
    bool csv = t % 2 == 0;
    std::string out = dir.file("export-" + std::to_string(t) + (csv ? "" : ".json"));
    Child c({"--db", db, "export", "--format", csv ? "csv" : "json", "--out", out}, dir.file("e.out"),
            dir.file("e.err"));
    std::uniform_int_distribution<int64_t> delay(0, (csv ? one_csv : one_json) * 3 / 2);
    std::this_thread::sleep_for(std::chrono::microseconds(delay(rng)));
    c.kill();
    INFO("trial " << t << " (" << (csv ? "csv" : "json") << "), exit " << c.code() << " "
                  << read_file(dir.file("e.err")));
    if (!c.killed()) CHECK(c.code() == 0);
    if (fs::exists(out)) {
      // Present means complete: every file, each parseable.
      ++whole;
      if (csv) {
        for (auto f : {"risks.csv", "assessments.csv", "feeds.csv", "manifest.json"}) CHECK(fs::exists(out + "/" + f));
        auto man = nlohmann::json::parse(read_file(out + "/manifest.json"));
        CHECK(man["rows"]["assessments"].get<int64_t>() == assessments);
        std::string hist = read_file(out + "/assessments.csv");
        CHECK(std::count(hist.begin(), hist.end(), '\n') == assessments + 1);
      } else {
        auto j = nlohmann::json::parse(read_file(out));  // throws (fails) on a truncated file
        CHECK(j.is_object());
      }
      // An existing export is never overwritten without --force.
      auto again = run_riskreg({"--db", db, "export", "--format", csv ? "csv" : "json", "--out", out});
      CHECK(again.exit_code == 8);
    } else {
      ++absent;
      CHECK(c.killed());
      // Absent means nothing blocks a new export there: leftovers of the killed one are cleared.
      auto again = run_riskreg({"--db", db, "export", "--format", csv ? "csv" : "json", "--out", out});
      INFO(again.err);
      CHECK(again.exit_code == 0);
      CHECK(fs::exists(out));
    }
    // Exporting never writes to the register.
    CHECK(count_rows(db, "assessments") == assessments);
    CHECK(count_rows(db, "audit") == audit);
    check_register_sound(db);
  }
  CHECK(whole + absent == kTrials);
  CHECK(absent > 0);
}
