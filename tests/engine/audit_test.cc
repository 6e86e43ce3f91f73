// audit verify against real SQLite files tampered with directly: each kind of tampering
// is caught and the first bad entry or row is named.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "audit/chain.h"
#include "audit/verify.h"
#include "data/register_loader.h"
#include "register/rules_bundle.h"
#include "rules/matrix_file.h"
#include "store/sqlite_store.h"
#include "support.h"

using namespace riskreg;
using riskreg::test::source_path;
using riskreg::test::TempDir;

namespace {
Timestamp at(const char* s) { return *parse_timestamp(s); }

/// Two risks (R1, R2; assessments 1 and 2 from create), then three re-scores:
/// assessment 3 (R1, entry 2), 4 (R1, entry 3), 5 (R2, entry 4).
struct Fixture {
  TempDir dir;
  std::string path = dir.file("r.db");
  Fixture() {
    auto rules = read_rules_dir(source_path("rules"));
    auto matrix = matrix_from(rules);
    SqliteStore s(path, SqliteStore::Mode::Create);
    s.create(load_register_dir(source_path("tests/fixtures/data/minimal"), matrix), rules, "loader", at("2026-01-01"),
             "initial");
    s.append_assessment({"R1", {"B", "2"}, "alice", at("2026-02-01T10:00:00Z"), "budget cut", std::nullopt});
    s.append_assessment({"R1", {"B", "3"}, "bob", at("2026-03-01T10:00:00Z"), "new contract", std::nullopt});
    s.append_assessment({"R2", {"C", "2"}, "alice", at("2026-03-02T10:00:00Z"), "staff back", std::nullopt});
  }
  /// A raw connection, as a tamperer would open it (no foreign keys, triggers dropped).
  void tamper(const std::string& sql) { riskreg::test::tamper_sql(path, sql); }
  AuditVerification verify() {
    SqliteStore s(path, SqliteStore::Mode::Open);
    return verify_audit(s);
  }
};

std::string first(const AuditVerification& v) { return v.problems.empty() ? "" : v.problems.front().message; }
}  // namespace

TEST_CASE("an untouched register verifies, with its entry count and head", "[audit]") {
  Fixture f;
  auto v = f.verify();
  INFO(first(v));
  CHECK(v.ok());
  CHECK(v.entries == 4);
  SqliteStore s(f.path, SqliteStore::Mode::Open);
  CHECK(v.head == s.audit_log().back().hash);
}

TEST_CASE("the create entry records a digest of the initial assessments", "[audit][store]") {
  Fixture f;
  SqliteStore s(f.path, SqliteStore::Mode::Open);
  auto d = nlohmann::json::parse(s.audit_log().front().detail);
  CHECK(d["assessments"]["count"] == 2);
  CHECK(d["assessments"]["last"] == 2);
  std::vector<AssessmentRow> initial = {s.history("R1").front(), s.history("R2").front()};
  CHECK(d["assessments"]["sha256"] == assessments_digest(initial));
}

TEST_CASE("an edited audit entry is named", "[audit]") {
  Fixture f;
  f.tamper("UPDATE audit SET actor = 'mallory' WHERE seq = 3");
  auto v = f.verify();
  REQUIRE_FALSE(v.ok());
  CHECK(v.problems.front().entry == 3);
  CHECK(first(v) == "entry 3 was edited: its content does not match its hash");
}

TEST_CASE("a deleted audit entry is named", "[audit]") {
  Fixture f;
  f.tamper("DELETE FROM audit WHERE seq = 2");
  auto v = f.verify();
  REQUIRE_FALSE(v.ok());
  CHECK(first(v) == "entry 2 is missing (deleted) before entry 3");
  // The history no longer matches the log either: assessment 3 lost its entry.
  CHECK(v.problems.back().message ==
        "assessment 3 (R1) has no audit entry (inserted outside riskreg, or its entry was deleted)");
}

TEST_CASE("a deleted last audit entry, invisible to the chain, is caught by the history", "[audit]") {
  Fixture f;
  f.tamper("DELETE FROM audit WHERE seq = 4");
  auto v = f.verify();
  REQUIRE(v.problems.size() == 1);
  CHECK(v.problems.front().assessment == 5);
  CHECK(first(v) == "assessment 5 (R2) has no audit entry (inserted outside riskreg, or its entry was deleted)");
}

TEST_CASE("an inserted audit entry is named", "[audit]") {
  Fixture f;
  {
    // A forged entry slipped in as seq 3, correctly hashed after entry 2; the later ones move up.
    SqliteStore s(f.path, SqliteStore::Mode::Open);
    auto log = s.audit_log();
    AuditEntry forged{3, "2026-02-15T00:00:00Z", "mallory", "owner", "R1", R"({"owner":"mallory"})", log[1].hash, ""};
    forged.hash = audit_hash(forged.prev_hash, forged);
    f.tamper(
        "UPDATE audit SET seq = -seq WHERE seq >= 3; UPDATE audit SET seq = 1 - seq WHERE seq < 0;"
        "INSERT INTO audit VALUES (3, '" +
        forged.at + "', 'mallory', 'owner', 'R1', '" + forged.detail + "', '" + forged.prev_hash + "', '" +
        forged.hash + "')");
  }
  auto v = f.verify();
  REQUIRE_FALSE(v.ok());
  CHECK(v.problems.front().entry == 4);
  CHECK(first(v) == "entry 4 does not follow the entry before it (inserted, moved or deleted)");
}

TEST_CASE("two audit entries swapped are named", "[audit]") {
  Fixture f;
  f.tamper(R"sql(
    CREATE TEMP TABLE t AS SELECT * FROM audit WHERE seq IN (2, 3);
    UPDATE audit SET (at, actor, action, entity, detail, prev_hash, hash) =
      (SELECT at, actor, action, entity, detail, prev_hash, hash FROM t WHERE t.seq = 5 - audit.seq)
      WHERE seq IN (2, 3);)sql");
  auto v = f.verify();
  REQUIRE_FALSE(v.ok());
  CHECK(v.problems.front().entry == 2);
  CHECK(first(v) == "entry 2 does not follow the entry before it (inserted, moved or deleted)");
}

TEST_CASE("an edited assessment row is named with the entry that recorded it", "[audit]") {
  Fixture f;
  f.tamper("UPDATE assessments SET likelihood = 'E' WHERE id = 4");
  auto v = f.verify();
  REQUIRE(v.problems.size() == 1);
  CHECK(v.problems.front().entry == 3);
  CHECK(v.problems.front().assessment == 4);
  CHECK(first(v) == "assessment 4 (R1) was edited: likelihood is 'E', audit entry 3 recorded 'B'");
}

TEST_CASE("an edited initial assessment breaks the create entry's digest", "[audit]") {
  Fixture f;
  f.tamper("UPDATE assessments SET impact = '4' WHERE id = 2");
  auto v = f.verify();
  REQUIRE(v.problems.size() == 1);
  CHECK(v.problems.front().entry == 1);
  CHECK(first(v) == "the initial assessments 1-2 do not match the digest in the \"create\" entry 1: one was edited");
}

TEST_CASE("a deleted assessment row is named", "[audit]") {
  Fixture f;
  f.tamper("DELETE FROM assessments WHERE id = 3");
  auto v = f.verify();
  REQUIRE(v.problems.size() == 1);
  CHECK(v.problems.front().assessment == 3);
  CHECK(first(v) == "entry 2 records assessment 3 (R1), which is missing from the history (deleted)");
}

TEST_CASE("a deleted current assessment is caught twice: the log and the risk's pointer", "[audit]") {
  Fixture f;
  f.tamper("DELETE FROM assessments WHERE id = 5");
  auto v = f.verify();
  REQUIRE(v.problems.size() == 2);
  CHECK(first(v) == "entry 4 records assessment 5 (R2), which is missing from the history (deleted)");
  CHECK(v.problems[1].message ==
        "R2: its current score is missing, not its latest assessment 2 (the risks table was edited)");
}

TEST_CASE("an inserted assessment row is named", "[audit]") {
  Fixture f;
  f.tamper(
      "INSERT INTO assessments (risk, likelihood, impact, assessed_by, assessed_at, reason) "
      "SELECT key, 'F', '1', 'mallory', '2026-04-01T00:00:00Z', 'quiet fix' FROM risks WHERE id = 'R2'");
  auto v = f.verify();
  REQUIRE_FALSE(v.ok());
  CHECK(first(v) == "assessment 6 (R2) has no audit entry (inserted outside riskreg, or its entry was deleted)");
}
