// Crash safety: riskreg killed with SIGKILL at random moments (seeded) during bursts of
// re-scores, exports, the import of a large file and alert runs (80 trials in all). After
// every kill the register must pass SQLite's integrity check and `audit verify`, every
// acknowledged re-score (its process exited 0 and printed its result) must be recorded
// exactly once, an unacknowledged one at most once, an export or an import must be wholly
// present or wholly absent, and an alert run re-run after the kill must leave every message
// delivered and recorded sent exactly once.
//
// The seed is RISKREG_CRASH_SEED (default fixed), printed on failure; kill moments are drawn
// from [0, 1.5 x the measured duration of an uninterrupted run], so the trials land inside
// the work on a slow (sanitizer) build too.
#include <SQLiteCpp/SQLiteCpp.h>
#include <algorithm>
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

/// What a trial's killed run left: whether SIGKILL landed before it ended, its exit code, its stderr.
struct Killed {
  bool killed;
  int code;
  std::string err;
};

/// Starts riskreg with `args` and kills it with SIGKILL after a delay drawn from [0, max_us].
Killed run_and_kill(std::mt19937& rng, int64_t max_us, const std::vector<std::string>& args, const TempDir& dir) {
  Child c(args, dir.file("killed.out"), dir.file("killed.err"));
  std::uniform_int_distribution<int64_t> delay(0, max_us);
  std::this_thread::sleep_for(std::chrono::microseconds(delay(rng)));
  c.kill();
  return {c.killed(), c.code(), read_file(dir.file("killed.err"))};
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
  const int kTrials = repeats(40);
  constexpr int kBurst = 3;
  // The kill moments span an uninterrupted burst: kBurst processes at once take longer than
  // one alone (they queue for the write lock), more so on a loaded machine.
  int64_t burst = 0;
  for (int i = 0; i < 2; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    std::vector<std::unique_ptr<Child>> kids;
    for (int p = 0; p < kBurst; ++p)
      kids.push_back(std::make_unique<Child>(
          std::vector<std::string>{"--db", db, "score", kRisks[p], "B2", "--reason", "calibration"},
          dir.file("m" + std::to_string(p) + ".out"), dir.file("m" + std::to_string(p) + ".err")));
    for (auto& k : kids) REQUIRE(k->wait() == 0);
    burst = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  }
  std::uniform_int_distribution<int64_t> delay(0, burst * 3 / 2);
  std::uniform_int_distribution<size_t> pick_risk(0, kRisks.size() - 1), pick_score(0, kScores.size() - 1);

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
  const int64_t one_csv =
      measure_us({"--db", db, "export", "--format", "csv", "--out", dir.file("m-csv"), "--force"}, dir);
  const int64_t one_json =
      measure_us({"--db", db, "export", "--format", "json", "--out", dir.file("m.json"), "--force"}, dir);

  const int kTrials = repeats(16);
  int whole = 0, absent = 0;
  for (int t = 0; t < kTrials; ++t) {
    bool csv = t % 2 == 0;
    std::string out = dir.file("export-" + std::to_string(t) + (csv ? "" : ".json"));
    auto k = run_and_kill(rng, (csv ? one_csv : one_json) * 3 / 2,
                          {"--db", db, "export", "--format", csv ? "csv" : "json", "--out", out}, dir);
    INFO("trial " << t << " (" << (csv ? "csv" : "json") << "), exit " << k.code << " " << k.err);
    if (!k.killed) CHECK(k.code == 0);
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
      CHECK(k.killed);
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

namespace {

/// A copy of `from` (database and any write-ahead log) at `to`, for a fresh register per trial.
void copy_register(const std::string& from, const std::string& to) {
  for (auto suffix : {"", "-wal", "-shm"}) fs::remove(to + suffix);
  fs::copy_file(from, to);
  if (fs::exists(from + "-wal")) fs::copy_file(from + "-wal", to + "-wal");
}

int64_t scalar(const std::string& db, const std::string& sql) {
  SQLite::Database d(db, SQLite::OPEN_READONLY);
  return d.execAndGet(sql).getInt64();
}

/// The whole contents of a folder, file by file (name, then bytes), in name order.
std::string folder_contents(const std::string& dir) {
  std::vector<std::string> names;
  if (fs::exists(dir))
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  std::string all;
  for (const auto& n : names) all += n + "\n" + read_file(dir + "/" + n) + "\n";
  return all;
}

}  // namespace

TEST_CASE("crash: SIGKILL during import of a large file leaves the import wholly present or wholly absent", "[crash]") {
  const uint32_t seed = crash_seed() + 2;
  INFO("RISKREG_CRASH_SEED(+2)=" << seed);
  std::mt19937 rng(seed);
  TempDir dir;
  const std::string pristine = init_darlington(dir);
  // 5,000 new risks, and a re-score and a new owner for each of the nine existing ones
  // (with their own titles: a title column's value is the register's new value).
  constexpr int kNew = 5000;
  std::string csv = "id,title,current,owner,reason\n";
  {
    SQLite::Database d(pristine, SQLite::OPEN_READONLY);
    SQLite::Statement st(d, "SELECT id, title FROM risks ORDER BY key");
    for (int i = 0; st.executeStep(); ++i) {
      std::string title = st.getColumn(1).getString();
      for (size_t p = 0; (p = title.find('"', p)) != std::string::npos; p += 2) title.insert(p, "\"");
      csv += st.getColumn(0).getString() + ",\"" + title + "\"," + kScores[i % kScores.size()] + ",Owner " +
             std::to_string(i) + ",crash import\n";
    }
  }
  for (int i = 0; i < kNew; ++i)
    csv += "R" + std::to_string(100 + i) + ",Imported risk " + std::to_string(i) + "," + kScores[i % kScores.size()] +
           ",,crash import\n";
  const std::string file = dir.file("large.csv");
  write_file(file, csv);
  const int64_t risks0 = scalar(pristine, "SELECT count(*) FROM risks");
  const int64_t assessments0 = scalar(pristine, "SELECT count(*) FROM assessments");
  const int64_t audit0 = scalar(pristine, "SELECT count(*) FROM audit");
  // How long a whole import takes (the second of two runs, each on a fresh copy); the last
  // run's register is what a whole import looks like.
  const std::string db = dir.file("trial.db");
  int64_t one = 0;
  for (int i = 0; i < 2; ++i) {
    copy_register(pristine, db);
    auto t0 = std::chrono::steady_clock::now();
    Child c({"--db", db, "import", file}, dir.file("i.out"), dir.file("i.err"));
    int code = c.wait();
    INFO(read_file(dir.file("i.err")));
    REQUIRE(code == 0);
    one = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  }
  const int64_t risks1 = scalar(db, "SELECT count(*) FROM risks");
  const int64_t assessments1 = scalar(db, "SELECT count(*) FROM assessments");
  const int64_t audit1 = scalar(db, "SELECT count(*) FROM audit");
  REQUIRE(risks1 == risks0 + kNew);
  REQUIRE(assessments1 >= assessments0 + kNew);  // the nine re-score where their score changes

  auto check_state = [&](const std::string& db) -> bool {
    const int64_t imports = scalar(db, "SELECT count(*) FROM imports");
    const int64_t risks = scalar(db, "SELECT count(*) FROM risks");
    const int64_t assessments = scalar(db, "SELECT count(*) FROM assessments");
    const int64_t audit = scalar(db, "SELECT count(*) FROM audit");
    INFO("imports " << imports << ", risks " << risks << ", assessments " << assessments << ", audit " << audit);
    if (imports == 0) {
      CHECK(risks == risks0);
      CHECK(assessments == assessments0);
      CHECK(audit == audit0);
      CHECK(scalar(db, "SELECT count(*) FROM owner_changes") == 0);
    } else {
      CHECK(imports == 1);
      CHECK(risks == risks1);
      CHECK(assessments == assessments1);
      CHECK(audit == audit1);
      CHECK(scalar(db, "SELECT count(*) FROM assessments WHERE reason = 'crash import'") ==
            assessments1 - assessments0);
    }
    return imports == 1;
  };

  const int kTrials = repeats(12);
  int whole = 0, absent = 0, killed = 0;
  for (int t = 0; t < kTrials; ++t) {
    copy_register(pristine, db);
    auto k = run_and_kill(rng, one * 3 / 2, {"--db", db, "import", file}, dir);
    INFO("trial " << t << ", exit " << k.code << " " << k.err);
    if (k.killed)
      ++killed;
    else
      CHECK(k.code == 0);
    check_register_sound(db);
    if (check_state(db)) {
      ++whole;
    } else {
      ++absent;
      CHECK(k.killed);
      // Absent means nothing is half there: the same import now goes through whole.
      auto again = run_riskreg({"--db", db, "import", file});
      INFO(again.err);
      CHECK(again.exit_code == 0);
      CHECK(check_state(db));
      check_register_sound(db);
    }
  }
  CHECK(whole + absent == kTrials);
  CHECK(killed > 0);
  CHECK(absent > 0);
}

TEST_CASE("crash: SIGKILL during alert delivers every message, each recorded sent exactly once after a re-run",
          "[crash]") {
  const uint32_t seed = crash_seed() + 3;
  INFO("RISKREG_CRASH_SEED(+3)=" << seed);
  std::mt19937 rng(seed);
  TempDir dir;
  const std::string pristine = dir.file("pristine.db");
  REQUIRE(run_riskreg({"--db", pristine, "init"}, {{"RISKREG_NOW", "2026-09-15T08:00:00Z"}}).exit_code == 0);
  const std::map<std::string, std::string> nov = {{"RISKREG_NOW", "2026-11-02T10:00:00Z"}};
  REQUIRE(run_riskreg({"--db", pristine, "score", "R1", "B2", "--reason", "worse"}, nov).exit_code == 0);
  for (auto [risk, owner] : {std::pair{"R2", "Jan Lefevre"}, {"R5", "Ann Owner"}, {"R7", "Ben Owner"}})
    REQUIRE(run_riskreg({"--db", pristine, "owner", risk, owner}, nov).exit_code == 0);
  const std::string config = dir.file("alert.toml");
  write_file(config,
             "risk_manager = \"rm@example.org\"\n[recipients]\n\"Jan Lefevre\" = \"jan@example.org\"\n"
             "\"Ann Owner\" = \"ann@example.org\"\n\"Ben Owner\" = \"ben@example.org\"\n");
  auto alert = [&](const std::string& db, const std::string& out) {
    return std::vector<std::string>{"--db",    db,     "alert", "--config", config, "--period",
                                    "2026-11", "--to", "file",  "--out",    out};
  };
  // The reference: an uninterrupted run on a copy.
  const std::string ref_db = dir.file("ref.db"), ref_out = dir.file("ref-out");
  copy_register(pristine, ref_db);
  auto ref = run_riskreg(alert(ref_db, ref_out));
  INFO(ref.err);
  REQUIRE(ref.exit_code == 0);
  const int64_t recipients = scalar(ref_db, "SELECT count(*) FROM alert_deliveries WHERE status = 'sent'");
  REQUIRE(recipients == 4);
  const std::string want = folder_contents(ref_out);
  const int64_t audit0 = scalar(pristine, "SELECT count(*) FROM audit");

  const std::string db = dir.file("trial.db");
  copy_register(pristine, db);
  const int64_t one = measure_us(alert(db, dir.file("measure-out")), dir);
  const int kTrials = repeats(12);
  int killed = 0, partial = 0;
  for (int t = 0; t < kTrials; ++t) {
    copy_register(pristine, db);
    const std::string out = dir.file("out-" + std::to_string(t));
    auto k = run_and_kill(rng, one * 3 / 2, alert(db, out), dir);
    INFO("trial " << t << ", exit " << k.code << " " << k.err);
    if (k.killed)
      ++killed;
    else
      CHECK(k.code == 0);
    check_register_sound(db);
    // Whatever was recorded sent is never recorded twice, and its files are whole.
    const int64_t sent = scalar(db, "SELECT count(*) FROM alert_deliveries WHERE status = 'sent'");
    CHECK(scalar(db, "SELECT count(DISTINCT recipient) FROM alert_deliveries WHERE status = 'sent'") == sent);
    CHECK(scalar(db, "SELECT count(*) FROM audit") == audit0 + sent);
    partial += sent < recipients;
    {
      SQLite::Database d(db, SQLite::OPEN_READONLY);
      // A file delivery's detail names its files: "written to DIR/NAME.txt and .html".
      SQLite::Statement st(d, "SELECT detail FROM alert_deliveries WHERE status = 'sent'");
      while (st.executeStep()) {
        std::string detail = st.getColumn(0).getString();
        size_t slash = detail.rfind('/'), txt = detail.rfind(".txt and .html");
        REQUIRE(slash != std::string::npos);
        REQUIRE(txt != std::string::npos);
        std::string base = detail.substr(slash, txt - slash);
        CHECK(read_file(out + base + ".txt") == read_file(ref_out + base + ".txt"));
        CHECK(read_file(out + base + ".html") == read_file(ref_out + base + ".html"));
      }
    }
    // A re-run (what the scheduler does) sends only what is missing; then every recipient has
    // their message, recorded sent exactly once.
    auto again = run_riskreg(alert(db, out));
    INFO(again.err);
    CHECK(again.exit_code == 0);
    CHECK(scalar(db, "SELECT count(*) FROM alert_deliveries WHERE status = 'sent'") == recipients);
    CHECK(scalar(db, "SELECT count(DISTINCT recipient) FROM alert_deliveries WHERE status = 'sent'") == recipients);
    CHECK(folder_contents(out) == want);
    check_register_sound(db);
  }
  CHECK(killed > 0);
  CHECK(partial > 0);
}
