// audit verify against real SQLite files tampered with directly: each kind of tampering
// is caught and the first bad entry or row is named.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <functional>
#include <nlohmann/json.hpp>

#include "audit/anchor.h"
#include "audit/chain.h"
#include "data/register_loader.h"
#include "register/rules_bundle.h"
#include "rules/matrix_file.h"
#include "store/sqlite_store.h"
#include "store/verify.h"
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

// The stored rules files against the hashes their entry recorded (issue 20, item 4).

TEST_CASE("an edited stored matrix is named with the entry that recorded its hash", "[audit][rules]") {
  Fixture f;
  std::string content;
  {
    SqliteStore s(f.path, SqliteStore::Mode::Open);
    for (const auto& r : s.rules())
      if (r.name == "matrix.toml") content = r.content;
  }
  REQUIRE(content.find("\"D1\", \"D2\"]") != std::string::npos);
  std::string moved = content;
  moved.replace(moved.find("\"D1\", \"D2\"]"), 11, "\"D1\"]");  // the appetite line moved: D2 no longer above
  // A careful tamperer also rewrites the stored sha256 beside the content: no help.
  SQLite::Database d(f.path, SQLite::OPEN_READWRITE);
  SQLite::Statement st(d, "UPDATE rules_files SET content = ?, sha256 = ? WHERE name = 'matrix.toml'");
  st.bind(1, moved);
  st.bind(2, sha256_hex(moved));
  REQUIRE(st.exec() == 1);
  auto v = f.verify();
  REQUIRE(v.problems.size() == 1);
  CHECK(v.problems.front().entry == 1);
  CHECK(first(v) == "the rules file 'matrix.toml' in force was edited: its content's SHA-256 is " + sha256_hex(moved) +
                        ", entry 1 recorded " + sha256_hex(content));
}

TEST_CASE("a stored rules file's hash column edited alone is named", "[audit][rules]") {
  Fixture f;
  f.tamper("UPDATE rules_files SET sha256 = '" + std::string(64, 'a') + "' WHERE name = 'flags.toml'");
  auto v = f.verify();
  REQUIRE(v.problems.size() == 1);
  CHECK(first(v).rfind("the rules file 'flags.toml' was edited: its stored sha256 is aaaa", 0) == 0);
  CHECK(first(v).find("but its content (as entry 1 recorded it) hashes to ") != std::string::npos);
}

TEST_CASE("a rules file version inserted or deleted behind riskreg's back is named", "[audit][rules]") {
  Fixture f;
  SECTION("a newer version of the matrix") {
    f.tamper(
        "INSERT INTO rules_files (name, content, sha256, loaded_at, loaded_by) SELECT name, content || '# x', "
        "sha256, loaded_at, 'mallory' FROM rules_files WHERE name = 'matrix.toml'");
    auto v = f.verify();
    REQUIRE(v.problems.size() == 1);
    CHECK(v.problems.front().entry == 1);
    CHECK(first(v) ==
          "the rules file 'matrix.toml' in force (row 5, loaded by 'mallory') has no audit entry "
          "(inserted outside riskreg); entry 1 recorded its last version");
  }
  SECTION("a file no entry recorded") {
    f.tamper(
        "INSERT INTO rules_files (name, content, sha256, loaded_at, loaded_by) "
        "VALUES ('extra.toml', 'x = 1', '', '2026-01-01T00:00:00Z', 'mallory')");
    auto v = f.verify();
    REQUIRE(v.problems.size() == 1);
    CHECK(first(v) ==
          "the rules file 'extra.toml' is in force but no audit entry recorded it (inserted outside riskreg)");
  }
  SECTION("a recorded file deleted") {
    f.tamper("DELETE FROM rules_files WHERE name = 'cascade.toml'");
    auto v = f.verify();
    REQUIRE(v.problems.size() == 1);
    CHECK(v.problems.front().entry == 1);
    CHECK(first(v) == "the rules file 'cascade.toml' recorded by entry 1 is missing from the register (deleted)");
  }
}

// Anchors (issue 20, item 5): what the chain alone cannot see.

namespace {
/// SQL that rewrites the log from entry `from` on, each entry's hash recomputed after the
/// one before it, as a tamperer with the hash function (and no anchor) would: `edit` changes
/// the entries first. Single quotes doubled: the same text runs on SQLite and PostgreSQL.
std::string recompute_sql(std::vector<AuditEntry> log, int64_t from,
                          const std::function<void(AuditEntry&)>& edit = nullptr) {
  auto quote = [](const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  };
  std::string sql;
  for (size_t i = static_cast<size_t>(from - 1); i < log.size(); ++i) {
    auto& e = log[i];
    if (edit) edit(e);
    e.prev_hash = i == 0 ? kGenesisHash : log[i - 1].hash;
    e.hash = audit_hash(e.prev_hash, e);
    sql += "UPDATE audit SET actor = " + quote(e.actor) + ", detail = " + quote(e.detail) +
           ", prev_hash = " + quote(e.prev_hash) + ", hash = " + quote(e.hash) +
           " WHERE seq = " + std::to_string(e.seq) + ";";
  }
  return sql;
}

Anchor anchor_of(const AuditEntry& e) { return {e.hash, e.seq, "the anchor a.json"}; }
}  // namespace

TEST_CASE("an edited row with its chain recomputed passes verify alone, not against an anchor", "[audit][anchor]") {
  Fixture f;
  std::vector<AuditEntry> log;
  {
    SqliteStore s(f.path, SqliteStore::Mode::Open);
    log = s.audit_log();
  }
  REQUIRE(log.size() == 4);
  const AuditEntry head = log.back();
  // Assessment 4 (R1, entry 3) moved from B3 to E3, in its row and in its entry, and every
  // hash from entry 3 on recomputed.
  f.tamper("UPDATE assessments SET likelihood = 'E' WHERE id = 4;" + recompute_sql(log, 3, [](AuditEntry& e) {
             if (e.seq == 3) {
               auto d = nlohmann::json::parse(e.detail);
               REQUIRE(d["likelihood"] == "B");
               d["likelihood"] = "E";
               e.detail = d.dump();
             }
           }));
  auto alone = f.verify();
  INFO(first(alone));
  CHECK(alone.ok());  // what the anchor is for: the chain is self-consistent again
  CHECK(alone.head != head.hash);

  SqliteStore s(f.path, SqliteStore::Mode::Open);
  auto v = verify_audit(s, {anchor_of(head)});
  CHECK(v.problems.empty());
  REQUIRE(v.anchor_problems.size() == 1);
  CHECK(v.anchor_problems.front().entry == 4);
  CHECK(v.anchor_problems.front().message == "entry 4 has the hash " + alone.head + ", not " + head.hash +
                                                 " as the anchor a.json records: the history up to entry 4 was "
                                                 "rewritten since it was anchored");
  // An anchor taken before the edit (entry 2) still holds: the history up to it is intact.
  auto early = verify_audit(s, {anchor_of(log[1])});
  CHECK(early.ok());
  CHECK(early.anchored == std::vector<int64_t>{2});
  // A bare hash (no entry number) is looked for anywhere in the log.
  auto bare = verify_audit(s, {{head.hash, std::nullopt, "--head"}});
  REQUIRE(bare.anchor_problems.size() == 1);
  CHECK(bare.anchor_problems.front().message ==
        "no entry of the audit log has the hash " + head.hash +
            " (--head): the history it anchors was rewritten or cut; the audit log ends at entry 4 (head " +
            alone.head + ")");
}

TEST_CASE("the newest entries deleted with their rows pass verify alone, not against an anchor", "[audit][anchor]") {
  Fixture f;
  std::vector<AuditEntry> log;
  {
    SqliteStore s(f.path, SqliteStore::Mode::Open);
    log = s.audit_log();
  }
  // R1's two re-scores and R2's one are cut: entries 2-4, assessments 3-5, the risks repointed.
  f.tamper(
      "DELETE FROM audit WHERE seq >= 2; DELETE FROM assessments WHERE id >= 3;"
      "UPDATE risks SET current_assessment = (SELECT max(id) FROM assessments a WHERE a.risk = risks.key),"
      "  previous_assessment = NULL");
  auto alone = f.verify();
  INFO(first(alone));
  CHECK(alone.ok());
  SqliteStore s(f.path, SqliteStore::Mode::Open);
  auto v = verify_audit(s, {anchor_of(log.back()), anchor_of(log[2])});
  REQUIRE(v.anchor_problems.size() == 2);
  CHECK(v.anchor_problems[0].message == "the audit log ends at entry 1 (head " + log[0].hash +
                                            "), but the anchor a.json anchors entry 4 (" + log[3].hash +
                                            "): entries 2-4 were deleted");
  CHECK(v.anchor_problems[1].message == "the audit log ends at entry 1 (head " + log[0].hash +
                                            "), but the anchor a.json anchors entry 3 (" + log[2].hash +
                                            "): entries 2-3 were deleted");
  CHECK(v.anchored == std::vector<int64_t>{0, 0});
}

TEST_CASE("an anchor holds while the register grows", "[audit][anchor]") {
  Fixture f;
  AuditEntry head;
  {
    SqliteStore s(f.path, SqliteStore::Mode::Open);
    head = *s.audit_last();
    CHECK(head.seq == 4);
    CHECK(head.hash == s.audit_log().back().hash);
    s.append_assessment({"R2", {"D", "2"}, "carol", at("2026-04-01T10:00:00Z"), "better", std::nullopt});
  }
  SqliteStore s(f.path, SqliteStore::Mode::Open);
  auto v = verify_audit(s, {anchor_of(head), {head.hash, std::nullopt, "--head"}});
  INFO((v.anchor_problems.empty() ? "" : v.anchor_problems.front().message));
  CHECK(v.ok());
  CHECK(v.entries == 5);
  CHECK(v.anchored == std::vector<int64_t>{4, 4});
}

TEST_CASE("anchor inputs: hashes, anchor files and manifests", "[audit][anchor]") {
  TempDir dir;
  const std::string h(64, 'a');
  CHECK(anchor_from_hash(std::string(64, 'A')).hash == h);
  for (const std::string& bad :
       {std::string(63, 'a'), std::string(65, 'a'), std::string(63, 'a') + "g", std::string()}) {
    INFO(bad);
    try {
      anchor_from_hash(bad);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::Usage);
    }
  }
  AuditEntry e{7, "2026-03-01T10:00:00Z", "a", "score", "R1", "{}", std::string(64, '0'), h};
  auto doc = anchor_document(e, "Reg", at("2026-04-02T03:04:05Z"));
  auto j = nlohmann::json::parse(doc);
  CHECK(j["riskreg_anchor"] == 1);
  CHECK(j["seq"] == 7);
  CHECK(j["hash"] == h);
  CHECK(j["at"] == "2026-03-01T10:00:00Z");
  CHECK(j["anchored_at"] == "2026-04-02T03:04:05Z");
  CHECK(j["register"] == "Reg");
  write_anchor_file(dir.file("a.json"), doc, false);
  auto a = read_anchor_file(dir.file("a.json"));
  CHECK(a.hash == h);
  CHECK(a.seq == 7);
  CHECK_THROWS_AS(write_anchor_file(dir.file("a.json"), doc, false), Error);
  // A manifest: alone, in a CSV export's folder, or inside a JSON export; with and without audit_seq.
  nlohmann::json man = {{"riskreg_version", "0.1.0"}, {"audit_head", h}, {"audit_seq", 7}};
  riskreg::test::write_file(dir.file("manifest.json"), man.dump());
  CHECK(read_manifest(dir.file("manifest.json")).seq == 7);
  CHECK(read_manifest(dir.path()).hash == h);
  man.erase("audit_seq");
  riskreg::test::write_file(
      dir.file("export.json"),
      "{\n\"risks\": [\n],\n\"assessments\": [\n],\n\"feeds\": [\n],\n\"manifest\": " + man.dump() + "\n}\n");
  auto m = read_manifest(dir.file("export.json"));
  CHECK(m.hash == h);
  CHECK_FALSE(m.seq);
  auto kind = [](const std::function<void()>& f) {
    try {
      f();
    } catch (const Error& e) {
      return e.kind();
    }
    return ErrorKind::Internal;
  };
  CHECK(kind([&] { read_manifest(dir.file("a.json")); }) == ErrorKind::BadFile);  // an anchor, not a manifest
  CHECK(kind([&] { read_anchor_file(dir.file("manifest.json")); }) == ErrorKind::BadFile);
  CHECK(kind([&] { read_manifest(dir.file("none.json")); }) == ErrorKind::NotFound);
  CHECK(kind([&] { read_anchor_file(dir.path()); }) == ErrorKind::NotFound);
  riskreg::test::write_file(dir.file("newer.json"), R"({"riskreg_anchor": 2, "seq": 1, "hash": ")" + h + "\"}");
  CHECK(kind([&] { read_anchor_file(dir.file("newer.json")); }) == ErrorKind::BadFile);
}
