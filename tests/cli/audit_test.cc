// riskreg audit verify / audit log on a real Darlington register, before and after tampering.
#include <sys/stat.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "audit/chain.h"
#include "pg_cluster.h"
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

// Anchors (issue 20, item 5) and the rules in force (item 4), through the built riskreg.

namespace {
/// The log as `audit log --json` prints it.
std::vector<riskreg::AuditEntry> log_of(const std::string& db) {
  auto r = run_riskreg({"--db", db, "audit", "log", "--json"});
  REQUIRE(r.exit_code == 0);
  std::vector<riskreg::AuditEntry> out;
  for (const auto& j : nlohmann::json::parse(r.out))
    out.push_back({j["seq"].get<int64_t>(), j["at"].get<std::string>(), j["actor"].get<std::string>(),
                   j["action"].get<std::string>(), j["entity"].get<std::string>(),
                   j["detail"].is_string() ? j["detail"].get<std::string>() : j["detail"].dump(),
                   j["prev_hash"].get<std::string>(), j["hash"].get<std::string>()});
  return out;
}

/// SQL (for SQLite and PostgreSQL alike) that edits the reason of the "score" entry `seq` and
/// recomputes every hash from there on: what a tamperer who knows the hash function does.
std::string recompute_sql(std::vector<riskreg::AuditEntry> log, int64_t seq, const std::string& reason) {
  auto quote = [](const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  };
  std::string sql;
  for (size_t i = static_cast<size_t>(seq - 1); i < log.size(); ++i) {
    auto& e = log[i];
    if (e.seq == seq) {
      auto d = nlohmann::json::parse(e.detail);
      d["reason"] = reason;
      e.detail = d.dump();
    }
    e.prev_hash = log[i - 1].hash;
    e.hash = riskreg::audit_hash(e.prev_hash, e);
    sql += "UPDATE audit SET detail = " + quote(e.detail) + ", prev_hash = " + quote(e.prev_hash) +
           ", hash = " + quote(e.hash) + " WHERE seq = " + std::to_string(e.seq) + ";";
  }
  return sql;
}
}  // namespace

TEST_CASE("audit anchor writes the head with its entry number and time, 0600, never over a file", "[cli][audit]") {
  TempDir dir;
  auto db = darlington_with_history(dir);
  auto log = log_of(db);
  auto r = run_riskreg({"--db", db, "audit", "anchor", "--out", dir.file("a.json")},
                       {{"RISKREG_NOW", "2026-12-06T08:00:00Z"}});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "audit anchor: entry 3, head " + log.back().hash + ", written to " + dir.file("a.json") +
                     "; keep it where the register's writers cannot change it\n");
  auto j = nlohmann::json::parse(read_file(dir.file("a.json")));
  CHECK(j["riskreg_anchor"] == 1);
  CHECK(j["seq"] == 3);
  CHECK(j["hash"] == log.back().hash);
  CHECK(j["at"] == "2026-12-05T10:00:00Z");  // bob's re-score
  CHECK(j["anchored_at"] == "2026-12-06T08:00:00Z");
  CHECK(j["register"] == "Darlington Children's Services Departmental Plan 2009-2013");
  struct stat st {};
  REQUIRE(::stat(dir.file("a.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // Without --out, the same document on stdout.
  auto o = run_riskreg({"--db", db, "audit", "anchor"}, {{"RISKREG_NOW", "2026-12-06T08:00:00Z"}});
  CHECK(o.out == read_file(dir.file("a.json")));
  auto again = run_riskreg({"--db", db, "audit", "anchor", "--out", dir.file("a.json")});
  CHECK(again.exit_code == 8);
  CHECK(again.err == "riskreg: " + dir.file("a.json") + " already exists; use --force to overwrite it\n");
  CHECK(run_riskreg({"--db", db, "audit", "anchor", "--out", dir.file("a.json"), "--force"}).exit_code == 0);
}

TEST_CASE("audit anchor refuses a register that does not verify", "[cli][audit]") {
  TempDir dir;
  auto db = darlington_with_history(dir);
  tamper_sql(db, "UPDATE audit SET actor = 'mallory' WHERE seq = 2");
  auto r = run_riskreg({"--db", db, "audit", "anchor", "--out", dir.file("a.json")});
  CHECK(r.exit_code == 11);
  CHECK(r.err ==
        "riskreg: audit anchor: the register does not verify, so nothing was anchored: entry 2 was edited: its "
        "content does not match its hash (see 'riskreg audit verify')\n");
  CHECK_FALSE(std::filesystem::exists(dir.file("a.json")));
}

TEST_CASE("audit verify --head, --manifest, --anchor: an untouched register that grew holds them", "[cli][audit]") {
  TempDir dir;
  auto db = darlington_with_history(dir);
  auto head = log_of(db).back().hash;
  REQUIRE(run_riskreg({"--db", db, "audit", "anchor", "--out", dir.file("a.json")}).exit_code == 0);
  REQUIRE(run_riskreg({"--db", db, "export", "--format", "csv", "--out", dir.file("exp")}).exit_code == 0);
  REQUIRE(run_riskreg({"--db", db, "export", "--format", "json", "--out", dir.file("exp.json")}).exit_code == 0);
  auto man = nlohmann::json::parse(read_file(dir.file("exp/manifest.json")));
  CHECK(man["audit_head"] == head);
  CHECK(man["audit_seq"] == 3);
  // Later writes append: the anchored history is still there.
  REQUIRE(run_riskreg({"--db", db, "score", "2", "B2", "--reason", "later"}).exit_code == 0);
  auto r = run_riskreg({"--db", db, "audit", "verify", "--head", head, "--manifest", dir.file("exp"), "--manifest",
                        dir.file("exp.json"), "--anchor", dir.file("a.json")});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  auto now = log_of(db).back().hash;
  CHECK(r.out == "audit verify: ok, 4 entries, head " + now +
                     "\n"
                     "audit verify: the history up to entry 3 is the one anchored (--head)\n"
                     "audit verify: the history up to entry 3 is the one anchored (the manifest " +
                     dir.file("exp") + "/manifest.json)\n" +
                     "audit verify: the history up to entry 3 is the one anchored (the manifest " +
                     dir.file("exp.json") + ")\n" +
                     "audit verify: the history up to entry 3 is the one anchored (the anchor " + dir.file("a.json") +
                     ")\n");
}

TEST_CASE("an edited row with its chain recomputed: verify passes alone, fails against each anchor, exit 13",
          "[cli][audit]") {
  TempDir dir;
  auto db = darlington_with_history(dir);
  auto log = log_of(db);
  const std::string head = log.back().hash;
  REQUIRE(run_riskreg({"--db", db, "audit", "anchor", "--out", dir.file("a.json")}).exit_code == 0);
  REQUIRE(run_riskreg({"--db", db, "export", "--format", "csv", "--out", dir.file("exp")}).exit_code == 0);
  // alice's reason rewritten in the row and in entry 2, and entries 2-3 rehashed.
  tamper_sql(db, "UPDATE assessments SET reason = 'Routine review' WHERE reason = 'Savings target raised';" +
                     recompute_sql(log, 2, "Routine review"));
  auto alone = run_riskreg({"--db", db, "audit", "verify"});
  INFO(alone.out << alone.err);
  CHECK(alone.exit_code == 0);  // the chain alone cannot tell
  const std::string now = log_of(db).back().hash;
  REQUIRE(now != head);
  const std::string why = " as the anchor " + dir.file("a.json") +
                          " records: the history up to entry 3 was rewritten since it was anchored";
  auto a = run_riskreg({"--db", db, "audit", "verify", "--anchor", dir.file("a.json")});
  CHECK(a.exit_code == 13);
  CHECK(a.err == "riskreg: audit verify: entry 3 has the hash " + now + ", not " + head + why + "\n");
  CHECK(a.out == "audit verify: entry 3 has the hash " + now + ", not " + head + why + "\n");
  auto h = run_riskreg({"--db", db, "audit", "verify", "--head", head});
  CHECK(h.exit_code == 13);
  CHECK(h.err == "riskreg: audit verify: no entry of the audit log has the hash " + head +
                     " (--head): the history it anchors was rewritten or cut; the audit log ends at entry 3 (head " +
                     now + ")\n");
  auto m = run_riskreg({"--db", db, "audit", "verify", "--manifest", dir.file("exp/manifest.json")});
  CHECK(m.exit_code == 13);
  CHECK(m.err.find("riskreg: audit verify: entry 3 has the hash " + now + ", not " + head + " as the manifest ") == 0);
  // Both anchors at once: each is listed, the first is the error.
  auto both = run_riskreg({"--db", db, "audit", "verify", "--head", head, "--anchor", dir.file("a.json")});
  CHECK(both.exit_code == 13);
  CHECK(both.err.find(" (and 1 more)\n") != std::string::npos);
}

TEST_CASE("the newest entries deleted with their rows: verify passes alone, fails against the anchor", "[cli][audit]") {
  TempDir dir;
  auto db = darlington_with_history(dir);
  auto log = log_of(db);
  REQUIRE(run_riskreg({"--db", db, "audit", "anchor", "--out", dir.file("a.json")}).exit_code == 0);
  // bob's re-score (entry 3) cut cleanly: its row gone, R5 pointing back at alice's.
  tamper_sql(db,
             "DELETE FROM audit WHERE seq = 3;"
             "DELETE FROM assessments WHERE id = (SELECT max(id) FROM assessments);"
             "UPDATE risks SET current_assessment = (SELECT max(id) FROM assessments a WHERE a.risk = risks.key),"
             " previous_assessment = (SELECT max(id) FROM assessments a WHERE a.risk = risks.key AND a.id <"
             " (SELECT max(id) FROM assessments b WHERE b.risk = risks.key)) WHERE id = 'R5'");
  auto alone = run_riskreg({"--db", db, "audit", "verify"});
  INFO(alone.out << alone.err);
  CHECK(alone.exit_code == 0);
  auto r = run_riskreg({"--db", db, "audit", "verify", "--anchor", dir.file("a.json")});
  CHECK(r.exit_code == 13);
  CHECK(r.err == "riskreg: audit verify: the audit log ends at entry 2 (head " + log[1].hash + "), but the anchor " +
                     dir.file("a.json") + " anchors entry 3 (" + log[2].hash + "): entry 3 was deleted\n");
}

TEST_CASE("a moved appetite line fails verify naming the entry, the manifest hashes the rules in force",
          "[cli][audit]") {
  TempDir dir;
  auto db = init_darlington(dir);
  std::string stored;
  {
    SQLite::Database d(db, SQLite::OPEN_READONLY);
    stored = d.execAndGet("SELECT content FROM rules_files WHERE name = 'matrix.toml'").getString();
  }
  // What `sqlite3 reg.db "UPDATE rules_files SET content = replace(...)"` does: D2 drops below the line.
  tamper_sql(db,
             R"(UPDATE rules_files SET content = replace(content, '"D1", "D2"]', '"D1"]') WHERE name = 'matrix.toml')");
  std::string moved;
  {
    SQLite::Database d(db, SQLite::OPEN_READONLY);
    moved = d.execAndGet("SELECT content FROM rules_files WHERE name = 'matrix.toml'").getString();
  }
  REQUIRE(moved != stored);
  auto r = run_riskreg({"--db", db, "audit", "verify"});
  CHECK(r.exit_code == 11);
  CHECK(r.err == "riskreg: audit verify: the rules file 'matrix.toml' in force was edited: its content's SHA-256 is " +
                     riskreg::sha256_hex(moved) + ", entry 1 recorded " + riskreg::sha256_hex(stored) + "\n");
  REQUIRE(run_riskreg({"--db", db, "export", "--format", "csv", "--out", dir.file("exp")}).exit_code == 0);
  auto man = nlohmann::json::parse(read_file(dir.file("exp/manifest.json")));
  bool found = false;
  for (const auto& f : man["rules"])
    if (f["name"] == "matrix.toml") {
      found = true;
      CHECK(f["sha256"] == riskreg::sha256_hex(moved));  // what is in force, not what was first stored
    }
  CHECK(found);
}

TEST_CASE("on PostgreSQL: a superuser's recomputed chain passes verify alone, not against the anchor",
          "[cli][audit][postgres]") {
  TempDir dir;
  std::string url = riskreg::test::pg_cluster().fresh_database();
  REQUIRE(run_riskreg({"--db", url, "init", "--as", "loader"}).exit_code == 0);
  auto s = run_riskreg({"--db", url, "score", "5", "B2", "--reason", "Savings target raised", "--as", "alice"});
  INFO(s.err);
  REQUIRE(s.exit_code == 0);
  REQUIRE(run_riskreg({"--db", url, "score", "5", "A1", "--reason", "Budget cut", "--as", "bob"}).exit_code == 0);
  auto log = log_of(url);
  REQUIRE(log.size() == 3);
  REQUIRE(run_riskreg({"--db", url, "audit", "anchor", "--out", dir.file("a.json")}).exit_code == 0);
  REQUIRE(run_riskreg({"--db", url, "audit", "verify", "--anchor", dir.file("a.json")}).exit_code == 0);
  riskreg::test::pg_cluster().exec(url,
                                   "ALTER TABLE assessments DISABLE TRIGGER USER;"
                                   "UPDATE assessments SET reason = 'Routine review' WHERE reason = 'Savings target "
                                   "raised';" +
                                       recompute_sql(log, 2, "Routine review"));
  auto alone = run_riskreg({"--db", url, "audit", "verify"});
  INFO(alone.out << alone.err);
  CHECK(alone.exit_code == 0);
  auto r = run_riskreg({"--db", url, "audit", "verify", "--anchor", dir.file("a.json")});
  CHECK(r.exit_code == 13);
  CHECK(r.err == "riskreg: audit verify: entry 3 has the hash " + log_of(url).back().hash + ", not " + log.back().hash +
                     " as the anchor " + dir.file("a.json") +
                     " records: the history up to entry 3 was rewritten since it was anchored\n");
}
