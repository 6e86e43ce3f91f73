// The SQLite store against real files: append-only history, transactions, the audit
// chain, schema versions and file permissions.
#include <sys/stat.h>

#include <map>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include "audit/chain.h"
#include "core/error.h"
#include "data/register_loader.h"
#include "register/rescore.h"
#include "register/rules_bundle.h"
#include "rules/matrix_file.h"
#include "store/schema.h"
#include "store/sqlite_store.h"
#include "support.h"

using namespace riskreg;
using riskreg::test::source_path;
using riskreg::test::TempDir;

namespace {
Timestamp at(const char* s) { return *parse_timestamp(s); }

struct Fixture {
  TempDir dir;
  std::string path = dir.file("r.db");
  std::vector<RulesFile> rules = read_rules_dir(source_path("rules"));
  Matrix matrix = matrix_from(rules);
  Fixture() {
    SqliteStore s(path, SqliteStore::Mode::Create);
    auto data = load_register_dir(source_path("tests/fixtures/data/minimal"), matrix);
    s.create(data, rules, "loader", at("2026-01-01"), "initial");
  }
};
}  // namespace

TEST_CASE("create stores the register, first assessments and owners", "[store]") {
  Fixture f;
  SqliteStore s(f.path, SqliteStore::Mode::Open);
  CHECK(s.schema_version() == current_schema_version());
  auto c = s.counts();
  CHECK(c.risks == 2);
  CHECK(c.assessments == 2);
  CHECK(c.audit == 1);
  auto r2 = s.risk_state("R2");
  REQUIRE(r2);
  CHECK(r2->owner == std::optional<std::string>("Jane Owner"));
  CHECK(r2->current->score == ScoreCodes{"B", "2"});
  CHECK(r2->target == std::optional<ScoreCodes>(ScoreCodes{"D", "3"}));
  CHECK_FALSE(r2->previous);
  CHECK(s.owner_history("R2").size() == 1);
  CHECK(s.info().name == "Minimal test register");
  CHECK(s.rules().size() == f.rules.size());
}

TEST_CASE("a re-score appends: the current score is the latest, history keeps all", "[store]") {
  Fixture f;
  SqliteStore s(f.path, SqliteStore::Mode::Open);
  FixedClock clock(at("2026-02-01T10:00:00Z"));
  auto r = rescore(s, f.matrix, clock, {"1", "B2", "Budget cut", "owner-a", std::nullopt});
  CHECK(r.risk_id == "R1");
  CHECK(f.matrix.format(*r.from) == "C3");
  CHECK(f.matrix.format(r.to) == "B2");
  CHECK(r.crossed == "none");
  CHECK(r.band_change == 1);
  auto h = s.history("R1");
  REQUIRE(h.size() == 2);
  CHECK(h[0].score == ScoreCodes{"C", "3"});
  CHECK(h[1].score == ScoreCodes{"B", "2"});
  CHECK(h[1].by == "owner-a");
  CHECK(h[1].at == "2026-02-01T10:00:00Z");
  CHECK(h[1].reason == "Budget cut");
  auto st = s.risk_state("R1");
  CHECK(st->current->score == ScoreCodes{"B", "2"});
  CHECK(st->previous->score == ScoreCodes{"C", "3"});
}

TEST_CASE("crossing the appetite line is reported", "[store][appetite]") {
  Fixture f;
  SqliteStore s(f.path, SqliteStore::Mode::Open);
  FixedClock clock(at("2026-02-01"));
  auto down = rescore(s, f.matrix, clock, {"R1", "E4", "Mitigated", "x", std::nullopt});
  CHECK(down.crossed == "down");
  CHECK_FALSE(down.now_above);
  auto up = rescore(s, f.matrix, clock, {"R1", "A1", "Escalated", "x", std::nullopt});
  CHECK(up.crossed == "up");
  CHECK(up.now_above);
}

TEST_CASE("history cannot be rewritten through SQL", "[store]") {
  Fixture f;
  SQLite::Database db(f.path, SQLite::OPEN_READWRITE);
  CHECK_THROWS_WITH(db.exec("UPDATE assessments SET likelihood = 'A'"), Catch::Contains("append-only"));
  CHECK_THROWS_WITH(db.exec("DELETE FROM assessments"), Catch::Contains("append-only"));
  CHECK_THROWS_WITH(db.exec("DELETE FROM owner_changes"), Catch::Contains("append-only"));
  CHECK(db.execAndGet("SELECT count(*) FROM assessments").getInt() == 2);
}

TEST_CASE("bad input writes nothing", "[store][errors]") {
  Fixture f;
  SqliteStore s(f.path, SqliteStore::Mode::Open);
  FixedClock clock(at("2026-02-01"));
  auto before = s.counts();
  CHECK_THROWS_WITH(rescore(s, f.matrix, clock, {"R9", "B2", "x", "x", std::nullopt}),
                    "unknown risk 'R9'; did you mean 'R1'?");
  CHECK_THROWS_WITH(rescore(s, f.matrix, clock, {"R1", "G5", "x", "x", std::nullopt}),
                    Catch::StartsWith("'G5' is not a score on the matrix"));
  CHECK_THROWS_WITH(rescore(s, f.matrix, clock, {"R1", "B2", "   ", "x", std::nullopt}),
                    "R1: a re-score needs a reason (--reason TEXT), and it cannot be blank");
  try {
    rescore(s, f.matrix, clock, {"R1", "B2", "x", "x", std::string("D4")});
    FAIL("expected a conflict");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Conflict);
  }
  auto after = s.counts();
  CHECK(after.assessments == before.assessments);
  CHECK(after.audit == before.audit);
  // With the right expectation it goes through.
  rescore(s, f.matrix, clock, {"R1", "B2", "x", "x", std::string("C3")});
  CHECK(s.counts().assessments == before.assessments + 1);
}

TEST_CASE("every write is chained in the audit log", "[store][audit]") {
  Fixture f;
  SqliteStore s(f.path, SqliteStore::Mode::Open);
  FixedClock clock(at("2026-02-01"));
  rescore(s, f.matrix, clock, {"R1", "B2", "one", "a", std::nullopt});
  s.assign_owner("R1", "Owner One", "a", clock.now(), "assigned");
  auto log = s.audit_log();
  REQUIRE(log.size() == 3);
  CHECK(log[0].action == "create");
  CHECK(log[1].action == "score");
  CHECK(log[1].entity == "R1");
  CHECK(log[2].action == "owner");
  CHECK(log[1].prev_hash == log[0].hash);
  auto ok = verify_chain(log);
  CHECK(ok.ok);
  CHECK(ok.checked == 3);
  auto edited = log;
  edited[1].detail = R"({"likelihood":"F"})";
  auto bad = verify_chain(edited);
  CHECK_FALSE(bad.ok);
  CHECK(bad.first_bad_seq == std::optional<int64_t>(2));
  auto deleted = log;
  deleted.erase(deleted.begin() + 1);
  CHECK(verify_chain(deleted).first_bad_seq == std::optional<int64_t>(3));
}

TEST_CASE("opening: no register, not a register, a newer schema", "[store][errors]") {
  TempDir dir;
  try {
    SqliteStore s(dir.file("none.db"), SqliteStore::Mode::Open);
    FAIL("opened a missing register");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::NoDatabase);
    CHECK(std::string(e.what()) == "no register at " + dir.file("none.db") + "; create one with 'riskreg init'");
  }
  riskreg::test::write_file(dir.file("junk.db"), std::string(4096, 'x'));
  try {
    SqliteStore s(dir.file("junk.db"), SqliteStore::Mode::Open);
    FAIL("opened junk");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Schema);
  }
  Fixture f;
  {
    SQLite::Database db(f.path, SQLite::OPEN_READWRITE);
    db.exec("PRAGMA user_version = 99");
  }
  try {
    SqliteStore s(f.path, SqliteStore::Mode::Open);
    FAIL("opened a newer register");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Schema);
    CHECK(std::string(e.what()) == f.path +
                                       ": the register has schema version 99, newer than this riskreg understands (" +
                                       std::to_string(current_schema_version()) + "); use a newer riskreg");
  }
}

TEST_CASE("the register file is readable and writable by its owner only", "[store]") {
  Fixture f;
  struct stat st {};
  REQUIRE(::stat(f.path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("a new register has 16 KiB pages in WAL mode, and an older one keeps its pages", "[store]") {
  Fixture f;
  {
    SQLite::Database db(f.path, SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA page_size").getInt() == 16384);
    CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
  }
  // A register made with SQLite's default pages (as riskreg made them before) opens and takes
  // writes with its own page size.
  TempDir dir;
  const std::string old = dir.file("old.db");
  {
    SQLite::Database src(f.path, SQLite::OPEN_READWRITE);
    src.exec("PRAGMA journal_mode = DELETE");
    src.exec("PRAGMA page_size = 4096");
    src.exec("VACUUM INTO '" + old + "'");
  }
  {
    SQLite::Database db(old, SQLite::OPEN_READWRITE);
    REQUIRE(db.execAndGet("PRAGMA page_size").getInt() == 4096);
    db.exec("PRAGMA journal_mode = WAL");
  }
  SqliteStore s(old, SqliteStore::Mode::Open);
  FixedClock clock(at("2026-02-01T10:00:00Z"));
  rescore(s, f.matrix, clock, {"R1", "A2", "re-scored on 4 KiB pages", "owner-a", std::nullopt});
  CHECK(s.risk_state("R1")->current->score == ScoreCodes{"A", "2"});
  CHECK(s.history("R1").size() == 2);
  CHECK(verify_chain(s.audit_log()).ok);
  SQLite::Database db(old, SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("PRAGMA page_size").getInt() == 4096);
}

TEST_CASE("the register as it stood at a date, rebuilt from history", "[store][as-of]") {
  Fixture f;
  SqliteStore s(f.path, SqliteStore::Mode::Open);
  rescore(s, f.matrix, FixedClock(at("2026-03-01")), {"R1", "B2", "worse", "a", std::nullopt});
  rescore(s, f.matrix, FixedClock(at("2026-04-01")), {"R1", "D4", "better", "a", std::nullopt});
  s.assign_owner("R1", "Later Owner", "a", at("2026-03-15"), "assigned");
  auto as_of = [&](const char* t) {
    std::map<std::string, RiskState> out;
    s.for_each_risk_as_of(t, [&](const RiskState& r) { out[r.id] = r; });
    return out;
  };
  auto before = as_of("2025-12-31T23:59:59Z");
  CHECK(before.empty());
  auto jan = as_of("2026-01-01T00:00:00Z");
  REQUIRE(jan.size() == 2);
  CHECK(jan["R1"].current->score == ScoreCodes{"C", "3"});
  CHECK_FALSE(jan["R1"].previous);
  CHECK_FALSE(jan["R1"].owner);
  auto march = as_of("2026-03-20T00:00:00Z");
  CHECK(march["R1"].current->score == ScoreCodes{"B", "2"});
  CHECK(march["R1"].previous->score == ScoreCodes{"C", "3"});
  CHECK(march["R1"].owner == std::optional<std::string>("Later Owner"));
  auto now = as_of("2027-01-01T00:00:00Z");
  CHECK(now["R1"].current->score == ScoreCodes{"D", "4"});
  CHECK(now["R2"].owner == std::optional<std::string>("Jane Owner"));
}

TEST_CASE("the Change Drivers rows of each priority are stored and read back whole", "[store][data]") {
  TempDir dir;
  std::string path = dir.file("darlington.db");
  auto rules = read_rules_dir(source_path("rules"));
  auto data = load_register_dir(source_path("data/darlington-2009"), matrix_from(rules));
  {
    SqliteStore s(path, SqliteStore::Mode::Create);
    s.create(data, rules, "loader", at("2026-01-01"), "initial");
  }
  SqliteStore s(path, SqliteStore::Mode::Open);
  auto back = s.load();
  REQUIRE(back.priorities.size() == data.priorities.size());
  for (size_t i = 0; i < data.priorities.size(); ++i) {
    INFO(data.priorities[i].id);
    CHECK(back.priorities[i].change_drivers_table == data.priorities[i].change_drivers_table);
  }
  CHECK(back.find_priority("P3.5")->change_drivers_table.at(0).response.find("JAR Recommendation 9") !=
        std::string::npos);
}

TEST_CASE("a stored schema version out of range is refused as a damaged register, not used", "[store][errors]") {
  for (int v : {-1, -2147483647 - 1}) {
    Fixture f;
    {
      SQLite::Database d(f.path, SQLite::OPEN_READWRITE);
      d.exec("PRAGMA user_version = " + std::to_string(v));
    }
    INFO(v);
    try {
      SqliteStore s(f.path, SqliteStore::Mode::Open);
      FAIL("opened a register with schema version " << v);
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::Schema);
      CHECK(std::string(e.what()).find("is out of range (0 to " + std::to_string(current_schema_version()) + ")") !=
            std::string::npos);
    }
  }
}
