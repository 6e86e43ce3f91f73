// The stored rules as versions (issue 19): `rules apply DIR` stores the files that changed as
// one audited event, `rules history` lists the versions, `export --as-of` reads the rules in
// force then, and `audit verify` holds every stored version to the entry that applied it.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "audit/chain.h"
#include "pg_cluster.h"
#include "store/sqlite_store.h"
#include "support.h"

using namespace riskreg::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::map<std::string, std::string> kDec1 = {{"RISKREG_NOW", "2026-12-01T10:00:00Z"}};

RunResult ok(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
  auto r = run_riskreg(args, env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

/// A copy of the shipped rules folder, to edit.
std::string rules_copy(const TempDir& dir, const std::string& name = "new-rules") {
  std::string d = dir.file(name);
  fs::copy(source_path("rules"), d, fs::copy_options::recursive);
  return d;
}

/// Replaces `from` by `to` in the file at `path` (once; `from` must be there).
void edit(const std::string& path, const std::string& from, const std::string& to) {
  std::string s = read_file(path);
  auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  s.replace(at, from.size(), to);
  write_file(path, s);
}

/// The shipped rules with D2 moved below the appetite line and a 60-day review cadence.
std::string lowered_appetite(const TempDir& dir) {
  std::string d = rules_copy(dir);
  edit(d + "/matrix.toml", R"("D1", "D2"])", R"("D1"])");
  edit(d + "/flags.toml", "review_days = 91", "review_days = 60");
  return d;
}

std::string snapshot(const std::string& db) {
  std::string wal = fs::exists(db + "-wal") ? read_file(db + "-wal") : "";
  return read_file(db) + "|wal|" + wal;
}

json risk_in(const json& j, const std::string& id) {
  for (const auto& e : j["risks"])
    if (e["id"] == id) return e;
  return nullptr;
}

/// A register with version 2 of the rules applied on 2026-12-01 by manager; returns its
/// "rules" entry's sequence number.
int64_t with_version_2(const TempDir& dir, const std::string& db) {
  auto r = ok({"--db", db, "rules", "apply", lowered_appetite(dir), "--reason", "Appetite lowered", "--as", "manager",
               "--json"},
              kDec1);
  return json::parse(r.out)["audit_seq"].get<int64_t>();
}

std::string verify_error(const std::string& db) {
  auto r = run_riskreg({"--db", db, "audit", "verify"});
  CHECK(r.exit_code == 11);
  return r.err;
}

}  // namespace

TEST_CASE("rules apply stores the files that changed as version 2, with one audit entry", "[cli][rules]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  CHECK(json::parse(ok({"--db", db, "show", "R3", "--json"}).out)["above_appetite"] == true);  // D2
  std::string rules = lowered_appetite(dir);
  auto r =
      ok({"--db", db, "rules", "apply", rules, "--reason", "Appetite lowered", "--as", "manager", "--json"}, kDec1);
  auto j = json::parse(r.out);
  CHECK(j["version"] == 2);
  CHECK(j["by"] == "manager");
  CHECK(j["at"] == "2026-12-01T10:00:00Z");
  CHECK(j["reason"] == "Appetite lowered");
  REQUIRE(j["files"].size() == 2);
  CHECK(j["files"][0]["name"] == "flags.toml");
  CHECK(j["files"][1]["name"] == "matrix.toml");
  CHECK(j["files"][1]["sha256"] == riskreg::sha256_hex(read_file(rules + "/matrix.toml")));
  CHECK(j["unchanged"] == json::array({"cascade.toml", "network.toml"}));
  auto log = json::parse(ok({"--db", db, "audit", "log", "--json"}).out);
  CHECK(log.size() == 2);  // "create", then the one "rules" entry
  CHECK(log.back()["action"] == "rules");
  CHECK(log.back()["seq"] == j["audit_seq"]);

  // The new rules are in force: D2 is within appetite now.
  CHECK(json::parse(ok({"--db", db, "show", "R3", "--json"}).out)["above_appetite"] == false);
  CHECK(ok({"--db", db, "audit", "verify"}).out.find("audit verify: ok") == 0);

  auto h = json::parse(ok({"--db", db, "rules", "history", "--json"}).out);
  REQUIRE(h.size() == 2);
  CHECK(h[0]["version"] == 1);
  CHECK(h[0]["by"] == "loader");
  CHECK(h[0]["files"].size() == 4);
  CHECK(h[1]["version"] == 2);
  CHECK(h[1]["by"] == "manager");
  CHECK(h[1]["reason"] == "Appetite lowered");
  CHECK(h[1]["files"].size() == 2);
  auto text = ok({"--db", db, "rules", "history"}).out;
  CHECK_THAT(text, Catch::Contains("VERSION"));
  CHECK_THAT(text, Catch::Contains("Appetite lowered"));
  CHECK_THAT(text,
             Catch::Contains("matrix.toml " + riskreg::sha256_hex(read_file(rules + "/matrix.toml")).substr(0, 12)));
  auto line = ok({"--db", db, "log", "--kind", "rules"}).out;
  CHECK_THAT(line, Catch::Contains("rules version 2: flags.toml, matrix.toml"));
  CHECK_THAT(line, Catch::Contains("Appetite lowered"));

  // Applying the same folder again changes nothing, and says so.
  auto again = run_riskreg({"--db", db, "rules", "apply", rules, "--reason", "again"});
  CHECK(again.exit_code == 4);
  CHECK(again.err == "riskreg: rules apply: " + rules + " holds the rules in force (version 2); nothing to apply\n");
}

TEST_CASE("rules apply refusals write nothing", "[cli][rules]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  std::string before = snapshot(db);
  SECTION("the rules in force") {
    auto r = run_riskreg({"--db", db, "rules", "apply", source_path("rules"), "--reason", "x"});
    CHECK(r.exit_code == 4);
    CHECK(r.err == "riskreg: rules apply: " + source_path("rules") +
                       " holds the rules in force (version 1); nothing to apply\n");
  }
  SECTION("a matrix that cannot express the scores of open risks") {
    std::string rules = rules_copy(dir);
    std::string m = read_file(rules + "/matrix.toml");
    for (size_t p; (p = m.find("\"C")) != std::string::npos;) m.replace(p, 2, "\"G");  // likelihood C is now G
    write_file(rules + "/matrix.toml", m);
    auto r = run_riskreg({"--db", db, "rules", "apply", rules, "--reason", "x"});
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::StartsWith("riskreg: the new matrix 'Zurich 6x4 (Darlington Children's Services "
                                        "Departmental Plan 2009-2013)' cannot express "));
    CHECK_THAT(r.err, Catch::Contains("R5 current C2"));
    CHECK_THAT(r.err, Catch::Contains("likelihood is one of A/B/G/D/E/F and impact one of 1/2/3/4"));
    CHECK_THAT(r.err, Catch::EndsWith("re-score, re-target or close them first\n"));
  }
  SECTION("a closed risk's score does not hold the matrix back") {
    // (Checked through the message: only open risks are listed.)
    REQUIRE(run_riskreg({"--db", db, "close", "R5", "--reason", "done"}).exit_code == 0);
    before = snapshot(db);
    std::string rules = rules_copy(dir);
    std::string m = read_file(rules + "/matrix.toml");
    for (size_t p; (p = m.find("\"C")) != std::string::npos;) m.replace(p, 2, "\"G");
    write_file(rules + "/matrix.toml", m);
    auto r = run_riskreg({"--db", db, "rules", "apply", rules, "--reason", "x"});
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, !Catch::Contains("R5 "));
    CHECK_THAT(r.err, Catch::Contains("R1 current C3"));
  }
  SECTION("a flags file that does not parse is named with its line and column") {
    std::string rules = rules_copy(dir);
    write_file(rules + "/flags.toml",
               "[[rule]]\nname = \"X\"\nseverity = \"info\"\ndescription = \"d\"\nwhen = '1 +'\n"
               "message = \"{id}\"\n");
    auto r = run_riskreg({"--db", db, "rules", "apply", rules, "--reason", "x"});
    CHECK(r.exit_code == 5);
    CHECK(r.err == "riskreg: " + rules +
                       "/flags.toml:5:12: expected a value, a field name or '(', found the end of the condition\n"
                       "  when = '1 +'\n"
                       "             ^\n");
  }
  SECTION("a template that does not parse") {
    std::string rules = rules_copy(dir);
    edit(rules + "/flags.toml", "review_days = 91", "review_days = 60");
    write_file(rules + "/templates/alert-owner.txt.mustache", "Dear {{owner}},\n{{#risks}}\n");
    auto r = run_riskreg({"--db", db, "rules", "apply", rules, "--reason", "x"});
    CHECK(r.exit_code == 5);
    CHECK(r.err == "riskreg: " + rules +
                       "/templates/alert-owner.txt.mustache:2:1: section 'risks' is never closed ('{{/risks}}')\n" +
                       "  {{#risks}}\n  ^\n");
  }
  SECTION("a rules file the register holds is missing from the folder") {
    std::string rules = rules_copy(dir);
    fs::remove(rules + "/cascade.toml");
    edit(rules + "/flags.toml", "review_days = 91", "review_days = 60");
    auto r = run_riskreg({"--db", db, "rules", "apply", rules, "--reason", "x"});
    CHECK(r.exit_code == 4);
    CHECK(r.err == "riskreg: " + rules +
                       " lacks cascade.toml, which the register's rules hold: rules apply stores new versions of "
                       "files and never removes one; put it back in the folder\n");
  }
  SECTION("a blank reason") {
    auto r = run_riskreg({"--db", db, "rules", "apply", lowered_appetite(dir), "--reason", "  "});
    CHECK(r.exit_code == 4);
    CHECK(r.err == "riskreg: rules apply: the reason cannot be blank\n");
  }
  SECTION("no reason") {
    auto r = run_riskreg({"--db", db, "rules", "apply", lowered_appetite(dir)});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::StartsWith("riskreg: --reason is required"));
  }
  CHECK(snapshot(db) == before);
}

TEST_CASE("rules apply refuses when another apply came first", "[cli][rules]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  riskreg::SqliteStore store(db, riskreg::SqliteStore::Mode::Open);
  riskreg::NewRulesVersion v;
  v.files.push_back({"flags.toml", "# empty\n", riskreg::sha256_hex("# empty\n")});
  v.expect_version = 1;
  v.by = "a";
  v.reason = "first";
  auto applied = store.apply_rules(v);
  CHECK(applied.version == 2);
  REQUIRE(applied.rows.size() == 1);
  v.reason = "second, compared with version 1";
  try {
    store.apply_rules(v);
    FAIL("a stale apply was written");
  } catch (const riskreg::Error& e) {
    CHECK(e.kind() == riskreg::ErrorKind::Conflict);
    CHECK(std::string(e.what()) ==
          "the rules in force are version 2, not the 1 they were compared with (someone applied rules meanwhile); "
          "check 'riskreg rules history' and try again");
  }
  CHECK(store.rules_rows().size() == 5);
}

TEST_CASE("export --as-of reads the rules in force then", "[cli][rules][export]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  std::string v1 = riskreg::sha256_hex(read_file(source_path("rules/matrix.toml")));
  with_version_2(dir, db);
  std::string v2 = riskreg::sha256_hex(read_file(dir.file("new-rules/matrix.toml")));
  auto at = [&](const std::string& date) {
    auto out = dir.file("export-" + date + ".json");
    ok({"--db", db, "export", "--format", "json", "--out", out, "--as-of", date});
    return json::parse(read_file(out));
  };
  auto matrix_sha = [](const json& j) {
    for (const auto& f : j["manifest"]["rules"])
      if (f["name"] == "matrix.toml") return f["sha256"].get<std::string>();
    return std::string();
  };
  auto before = at("2026-11-30");
  CHECK(matrix_sha(before) == v1);
  CHECK(risk_in(before, "R3")["above_appetite"] == true);
  auto after = at("2026-12-01");
  CHECK(matrix_sha(after) == v2);
  CHECK(risk_in(after, "R3")["above_appetite"] == false);
  // Before the register existed: its first rules.
  CHECK(matrix_sha(at("2020-01-01")) == v1);
}

TEST_CASE("audit verify holds every stored rules version to the entry that applied it", "[cli][rules][audit]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  int64_t seq = with_version_2(dir, db);
  REQUIRE(seq == 2);
  REQUIRE(ok({"--db", db, "audit", "verify"}).exit_code == 0);
  SECTION("the applied matrix edited in place") {
    tamper_sql(db,
               "UPDATE rules_files SET content = content || '# x' WHERE seq = (SELECT max(seq) FROM rules_files "
               "WHERE name = 'matrix.toml')");
    auto err = verify_error(db);
    CHECK_THAT(err, Catch::StartsWith("riskreg: audit verify: the rules file 'matrix.toml' in force was edited: its "
                                      "content's SHA-256 is "));
    CHECK_THAT(err, Catch::Contains(", entry 2 recorded "));
  }
  SECTION("an earlier version edited (not in force, but what --as-of reads)") {
    tamper_sql(db,
               "UPDATE rules_files SET content = content || '# x' WHERE seq = (SELECT min(seq) FROM rules_files "
               "WHERE name = 'matrix.toml')");
    CHECK_THAT(verify_error(db), Catch::StartsWith("riskreg: audit verify: the rules file 'matrix.toml' of rules "
                                                   "version 1 was edited: its content's SHA-256 is "));
    CHECK_THAT(verify_error(db), Catch::Contains(", entry 1 recorded "));
  }
  SECTION("the applied version moved back in time") {
    tamper_sql(db, "UPDATE rules_files SET loaded_at = '2026-11-01T00:00:00Z' WHERE loaded_by = 'manager'");
    CHECK(verify_error(db) ==
          "riskreg: audit verify: the rules file 'flags.toml' in force was edited: loaded_at is "
          "'2026-11-01T00:00:00Z', entry 2 recorded '2026-12-01T10:00:00Z' (and 1 more)\n");
  }
  SECTION("the applied version deleted") {
    tamper_sql(db, "DELETE FROM rules_files WHERE loaded_by = 'manager' AND name = 'matrix.toml'");
    CHECK_THAT(verify_error(db), Catch::StartsWith("riskreg: audit verify: the rules file 'matrix.toml' of rules "
                                                   "version 2 (row 6) recorded by entry 2 is missing from the "
                                                   "register (deleted)"));
  }
  SECTION("a version inserted") {
    tamper_sql(db,
               "INSERT INTO rules_files (name, content, sha256, loaded_at, loaded_by) SELECT name, content || '# x', "
               "sha256, loaded_at, 'mallory' FROM rules_files WHERE name = 'matrix.toml' ORDER BY seq DESC LIMIT 1");
    CHECK(verify_error(db) ==
          "riskreg: audit verify: the rules file 'matrix.toml' in force (row 7, loaded by "
          "'mallory') has no audit entry (inserted outside riskreg); entry 2 recorded its last "
          "version\n");
  }
}

TEST_CASE("rules apply on PostgreSQL: as on SQLite, and the manager's only", "[cli][rules][postgres][roles]") {
  auto& cl = pg_cluster();
  TempDir dir;
  std::string lite = init_darlington(dir);
  std::string url = cl.fresh_database();
  REQUIRE(run_riskreg({"--db", url, "init", "--as", "loader"}).exit_code == 0);
  std::string rules = lowered_appetite(dir);
  for (const std::string& db : {lite, url})
    ok({"--db", db, "rules", "apply", rules, "--reason", "Appetite lowered", "--as", "manager"}, kDec1);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"rules", "history", "--json"}, std::vector<std::string>{"audit", "verify"},
        std::vector<std::string>{"show", "R3"}}) {
    auto a = args, b = args;
    a.insert(a.begin(), {"--db", lite});
    b.insert(b.begin(), {"--db", url});
    auto ra = ok(a), rb = ok(b);
    CHECK(rb.out == ra.out);
  }
  auto ex = [&](const std::string& db, const std::string& name) {
    ok({"--db", db, "export", "--format", "json", "--out", dir.file(name), "--as-of", "2026-11-30"});
    return json::parse(read_file(dir.file(name)))["manifest"]["rules"];
  };
  CHECK(ex(url, "pg.json") == ex(lite, "lite.json"));
  // migrate carries the versions, and they verify on the copy with the same head.
  std::string copy = cl.fresh_database();
  auto m = run_riskreg({"migrate", "--from", "sqlite:" + lite, "--to", copy});
  INFO(m.err);
  REQUIRE(m.exit_code == 0);
  CHECK(ok({"--db", copy, "audit", "verify"}).out == ok({"--db", lite, "audit", "verify"}).out);
  CHECK(ok({"--db", copy, "rules", "history"}).out == ok({"--db", lite, "rules", "history"}).out);

  // Roles: an owner may not apply rules; a manager may.
  REQUIRE(run_riskreg({"migrate", "--roles", "--to", url}).exit_code == 0);
  cl.exec(url,
          "CREATE ROLE rules_owner LOGIN IN ROLE riskreg_owner; CREATE ROLE rules_manager LOGIN IN ROLE "
          "riskreg_manager; INSERT INTO riskreg_users VALUES ('rules_owner', 'Jan Lefevre')");
  std::string head = ok({"--db", url, "audit", "verify"}).out;
  edit(rules + "/flags.toml", "review_days = 60", "review_days = 30");
  auto owner =
      run_riskreg({"--db", cl.url(pg_db_name(url), "rules_owner"), "rules", "apply", rules, "--reason", "mine"});
  CHECK(owner.exit_code == 8);
  CHECK(owner.err ==
        "riskreg: refused by the database: user 'rules_owner' may not apply rules (applying rules is a "
        "risk manager's; see docs/postgresql.md)\n");
  CHECK(ok({"--db", url, "audit", "verify"}).out == head);
  auto manager =
      run_riskreg({"--db", cl.url(pg_db_name(url), "rules_manager"), "rules", "apply", rules, "--reason", "monthly"});
  INFO(manager.err);
  CHECK(manager.exit_code == 0);
  CHECK_THAT(manager.out, Catch::StartsWith("rules version 3: flags.toml "));
  CHECK(ok({"--db", url, "audit", "verify"}).exit_code == 0);
}
