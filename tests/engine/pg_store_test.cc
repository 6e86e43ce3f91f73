// PostgreSQL only: concurrent writers on separate connections, the database's own roles
// and row-level security, schema versions, and `migrate` from SQLite. Against a real server
// in a throw-away cluster (tests/pg_cluster.h); if it cannot start these tests fail.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <unistd.h>

#include <cstdlib>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "core/error.h"
#include "data/register_loader.h"
#include "io/import.h"
#include "pg_cluster.h"
#include "register/generate.h"
#include "register/rules_bundle.h"
#include "store/pg_copy.h"
#include "store/pg_schema.h"
#include "store/pg_store.h"
#include "store/sqlite_store.h"
#include "store/verify.h"
#include "support.h"

using namespace riskreg;
using riskreg::test::pg_cluster;
using riskreg::test::source_path;

namespace {
Timestamp at(const char* s) { return *parse_timestamp(s); }

/// A fresh database holding the minimal register (R1 unowned, R2 owned by Jane Owner).
std::string minimal_pg() {
  std::string url = pg_cluster().fresh_database();
  auto rules = read_rules_dir(source_path("rules"));
  PgStore s(url, PgStore::Mode::Create);
  s.create(load_register_dir(source_path("tests/fixtures/data/minimal"), matrix_from(rules)), rules, "loader",
           at("2026-01-01"), "initial");
  return url;
}

std::string first(const AuditVerification& v) { return v.problems.empty() ? "" : v.problems.front().message; }
}  // namespace

TEST_CASE("eight writers on separate connections: every re-score recorded once, none lost", "[postgres][concurrency]") {
  std::string url = minimal_pg();
  constexpr int kWriters = 8, kEach = 50;
  const ScoreCodes scores[] = {{"A", "1"}, {"B", "2"}, {"C", "3"}, {"D", "4"}};
  std::atomic<int> conflicts{0};
  std::vector<std::string> errors(kWriters);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      try {
        PgStore s(url, PgStore::Mode::Open);  // its own connection
        for (int i = 0; i < kEach; ++i) {
          std::string risk = (i + w) % 2 ? "R1" : "R2";
          // Read, then write with the lost-update guard; re-read and retry when someone got there first.
          for (;;) {
            auto cur = s.risk_state(risk)->current->score;
            try {
              s.append_assessment({risk, scores[(i + w) % 4], "owner" + std::to_string(w), at("2026-02-01"),
                                   "w" + std::to_string(w) + "-" + std::to_string(i), cur});
              break;
            } catch (const Error& e) {
              if (e.kind() != ErrorKind::Conflict) throw;
              ++conflicts;
            }
          }
        }
      } catch (const std::exception& e) {
        errors[w] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int w = 0; w < kWriters; ++w) {
    INFO("writer " << w);
    CHECK(errors[w].empty());
  }
  PgStore s(url, PgStore::Mode::Open);
  auto c = s.counts();
  CHECK(c.assessments == 2 + kWriters * kEach);
  CHECK(c.audit == 1 + kWriters * kEach);
  // Each reason once: nothing recorded twice, nothing lost.
  std::set<std::string> reasons;
  for (const char* id : {"R1", "R2"})
    for (const auto& a : s.history(id)) reasons.insert(a.reason);
  CHECK(reasons.size() == 1 + kWriters * kEach);  // + the shared "initial"
  // No lost update: every score entry's "from" is the assessment before it on that risk.
  std::map<std::string, ScoreCodes> last;
  for (const char* id : {"R1", "R2"}) last[id] = s.history(id).front().score;
  int checked = 0;
  for (const auto& e : s.audit_log()) {
    if (e.action != "score") continue;
    auto d = nlohmann::json::parse(e.detail);
    ScoreCodes from{d["from"]["likelihood"], d["from"]["impact"]};
    CHECK(from == last[e.entity]);
    last[e.entity] = ScoreCodes{d["likelihood"], d["impact"]};
    ++checked;
  }
  CHECK(checked == kWriters * kEach);
  auto v = verify_audit(s);
  INFO(first(v));
  CHECK(v.ok());
  CHECK(v.entries == 1 + kWriters * kEach);
}

TEST_CASE("eight writers on separate connections edit one risk's controls: every item kept, none lost",
          "[postgres][concurrency][lifecycle]") {
  // Each change reads the list under the risk's row lock (SELECT ... FOR UPDATE), so an
  // append made by another connection meanwhile is always in the list this one extends.
  std::string url = minimal_pg();
  constexpr int kWriters = 8, kEach = 10;
  std::vector<std::string> errors(kWriters);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      try {
        PgStore s(url, PgStore::Mode::Open);  // its own connection
        for (int i = 0; i < kEach; ++i) {
          const std::string item = "w" + std::to_string(w) + "-" + std::to_string(i);
          s.apply_change({"edit",
                          "R1",
                          {{"controls", EditOp::Append, item, 0}},
                          std::nullopt,
                          "owner" + std::to_string(w),
                          at("2026-02-01"),
                          item});
        }
      } catch (const std::exception& e) {
        errors[w] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int w = 0; w < kWriters; ++w) {
    INFO("writer " << w);
    CHECK(errors[w].empty());
  }
  PgStore s(url, PgStore::Mode::Open);
  auto controls = s.risk("R1")->controls;
  std::set<std::string> items(controls.begin(), controls.end());
  CHECK(controls.size() == kWriters * kEach);
  CHECK(items.size() == kWriters * kEach);
  CHECK(s.changes("R1").size() == kWriters * kEach);
  CHECK(s.risk_version("R1") == 1 + kWriters * kEach);
  auto v = verify_audit(s);
  INFO(first(v));
  CHECK(v.ok());
}

TEST_CASE("PostgreSQL roles: an owner re-scores only their own risks, a manager any, an auditor none",
          "[postgres][roles]") {
  std::string url = minimal_pg();
  std::string db = test::pg_db_name(url);
  auto& cl = pg_cluster();
  apply_pg_roles(url);
  // Roles are cluster-wide: each test process has its own cluster, so these names are free.
  cl.exec(url, R"sql(
CREATE ROLE jane LOGIN IN ROLE riskreg_owner;
CREATE ROLE mo LOGIN IN ROLE riskreg_manager;
CREATE ROLE audrey LOGIN IN ROLE riskreg_auditor;
INSERT INTO riskreg_users VALUES ('jane', 'Jane Owner');
)sql");
  PgStore jane(cl.url(db, "jane"), PgStore::Mode::Open);
  // R2 is Jane's: accepted.
  jane.append_assessment({"R2", {"C", "3"}, "jane", at("2026-02-01"), "mine", std::nullopt});
  // R1 is not: the database refuses, whatever the client does.
  try {
    jane.append_assessment({"R1", {"A", "1"}, "jane", at("2026-02-01"), "not mine", std::nullopt});
    FAIL("an owner re-scored another's risk");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Conflict);
    CHECK(std::string(e.what()) ==
          "R1: refused by the database: user 'jane' may not re-score this risk (risk owners "
          "may re-score only the risks they own; see docs/postgresql.md)");
  }
  // Nor past the store, in raw SQL: row-level security, and no UPDATE on history at all.
  {
    pqxx::connection c(cl.url(db, "jane"));
    pqxx::work tx(c);
    CHECK_THROWS_WITH(tx.exec("INSERT INTO assessments (risk, likelihood, impact, assessed_by, assessed_at, reason) "
                              "VALUES (1, 'A', '1', 'jane', 'x', 'sneaky')"),
                      Catch::Contains("row-level security"));
  }
  {
    pqxx::connection c(cl.url(db, "jane"));
    pqxx::work tx(c);
    CHECK_THROWS_WITH(tx.exec("UPDATE audit SET detail = '{}'"), Catch::Contains("permission denied"));
  }
  // Owners do not assign owners.
  CHECK_THROWS_AS(jane.assign_owner("R1", "Jane Owner", "jane", at("2026-02-01"), "grab"), Error);
  PgStore mo(cl.url(db, "mo"), PgStore::Mode::Open);
  mo.append_assessment({"R1", {"B", "2"}, "mo", at("2026-02-02"), "manager", std::nullopt});
  mo.assign_owner("R1", "Someone", "mo", at("2026-02-02"), "assigned");
  PgStore audrey(cl.url(db, "audrey"), PgStore::Mode::Open);
  CHECK(audrey.counts().assessments == 4);
  try {
    audrey.append_assessment({"R2", {"A", "1"}, "audrey", at("2026-02-03"), "x", std::nullopt});
    FAIL("an auditor re-scored");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Conflict);
    CHECK_THAT(e.what(), Catch::Contains("refused by the database for user 'audrey'"));
  }
  auto v = verify_audit(audrey);
  INFO(first(v));
  CHECK(v.ok());
  CHECK(v.entries == 4);  // create, jane's, mo's score and owner change
}

TEST_CASE("PostgreSQL roles: an owner edits, reviews and notes only their own risks, a manager adds and closes",
          "[postgres][roles][lifecycle]") {
  std::string url = minimal_pg();
  std::string db = test::pg_db_name(url);
  auto& cl = pg_cluster();
  apply_pg_roles(url);
  // Roles are cluster-wide: other names than the re-score test's, which may run in this process.
  cl.exec(url, R"sql(
CREATE ROLE jo LOGIN IN ROLE riskreg_owner;
CREATE ROLE mel LOGIN IN ROLE riskreg_manager;
CREATE ROLE ava LOGIN IN ROLE riskreg_auditor;
INSERT INTO riskreg_users VALUES ('jo', 'Jane Owner');
)sql");
  auto change = [](const char* kind, const char* id, const char* field, const char* value, const char* by) {
    return ChangeRequest{kind, id, {{field, EditOp::Set, value, 0}}, std::nullopt, by, at("2026-02-01"), "why"};
  };
  auto refused = [](const std::function<void()>& write, const std::string& message) {
    try {
      write();
      FAIL("the database accepted it");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::Conflict);
      CHECK_THAT(e.what(), Catch::Contains(message));
    }
  };
  PgStore jo(cl.url(db, "jo"), PgStore::Mode::Open);
  // R2 is Jo's: they edit, re-targets, reviews and notes it.
  jo.apply_change(change("edit", "R2", "title", "Second, reworded", "jo"));
  jo.apply_change(change("target", "R2", "target", "E/4", "jo"));
  jo.apply_change(change("review", "R2", "last_review", "2026-02-01", "jo"));
  jo.apply_change(
      {"note", "R2", {{"note", EditOp::Append, "Spoke to finance", 0}}, std::nullopt, "jo", at("2026-02-01"), "n"});
  // Not R1, and they do not close her own.
  const std::string not_hers =
      "refused by the database: user 'jo' may not edit this risk (risk owners may edit, target, review and note "
      "only the risks they own; adding, closing and reopening are a risk manager's; see docs/postgresql.md)";
  refused([&] { jo.apply_change(change("edit", "R1", "title", "Mine now", "jo")); }, "R1: " + not_hers);
  refused([&] { jo.apply_change(change("close", "R2", "status", "closed", "jo")); },
          "R2: refused by the database: user 'jo' may not close this risk");
  NewRisk n;
  n.risk.id = "R3";
  n.risk.title = "Third";
  n.risk.current = ScoreCodes{"C", "3"};
  n.by = "jo";
  n.at = at("2026-02-01");
  n.reason = "new";
  refused([&] { jo.add_risk(n); }, "R3: refused by the database: user 'jo' may not add a risk");
  // Nor past the store: row-level security on the changes table itself.
  {
    pqxx::connection c(cl.url(db, "jo"));
    pqxx::work tx(c);
    CHECK_THROWS_WITH(tx.exec("INSERT INTO changes (risk, kind, field, from_value, to_value, changed_by, changed_at, "
                              "reason) VALUES (1, 'edit', 'title', 'First', 'x', 'jo', 'x', 'sneaky')"),
                      Catch::Contains("row-level security"));
  }
  {
    pqxx::connection c(cl.url(db, "jo"));
    pqxx::work tx(c);
    CHECK_THROWS_WITH(tx.exec("UPDATE changes SET reason = 'x'"), Catch::Contains("permission denied"));
  }
  {
    // Nor another's risk itself, which (never changed by riskreg) verify could not hold to a change.
    pqxx::connection c(cl.url(db, "jo"));
    pqxx::work tx(c);
    CHECK_THROWS_WITH(tx.exec("UPDATE risks SET title = 'Mine now' WHERE id = 'R1'"),
                      Catch::Contains("row-level security"));
  }
  // A manager adds and closes any risk.
  PgStore mel(cl.url(db, "mel"), PgStore::Mode::Open);
  n.by = "mel";
  n.risk.owner = "Jane Owner";
  mel.add_risk(n);
  mel.apply_change(change("close", "R1", "status", "closed", "mel"));
  mel.apply_change(change("edit", "R3", "heading", "Information", "mel"));
  // Jo now owns R3 too.
  jo.apply_change(change("edit", "R3", "vulnerability", "Old servers", "jo"));
  // A manager's import of a new risk: staged past COPY (risks are under row-level security
  // for them), then refused where the grants stop it (the import log is the tables' owner's),
  // whole: nothing of it is written.
  {
    test::TempDir dir;
    std::string csv = dir.file("new.csv");
    {
      std::ofstream f(csv, std::ios::binary);
      f << "id,title,current,reason\nR7,Imported,C3,batch\n";
    }
    auto rules = read_rules_dir(source_path("rules"));
    auto before = mel.counts();
    try {
      import_csv(mel, matrix_from(rules), csv, "mel", at("2026-02-02"));
      FAIL("a manager imported");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::Conflict);
      CHECK_THAT(e.what(), Catch::Contains("refused by the database for user 'mel'"));
      CHECK_THAT(e.what(), Catch::Contains("nothing was imported"));
    }
    CHECK(mel.counts().risks == before.risks);
    CHECK(mel.counts().audit == before.audit);
  }
  PgStore ava(cl.url(db, "ava"), PgStore::Mode::Open);
  refused([&] { ava.apply_change(change("note", "R2", "note", "x", "ava")); }, "user 'ava' may not note");
  CHECK(ava.changes("R2").size() == 4);
  CHECK(ava.risk_state("R1")->closed);
  auto v = verify_audit(ava);
  INFO(first(v));
  CHECK(v.ok());
  CHECK(v.entries == 1 + 4 + 3 + 3);  // create, Jo's four, the add (add, score, owner), mel's two and Jo's last
}

TEST_CASE("PostgreSQL schema: versioned, and a newer one is refused", "[postgres][schema]") {
  std::string url = minimal_pg();
  {
    PgStore s(url, PgStore::Mode::Open);
    CHECK(s.schema_version() == pg_current_schema_version());
  }
  pg_cluster().exec(url, "UPDATE riskreg_meta SET schema_version = 99");
  try {
    PgStore s(url, PgStore::Mode::Open);
    FAIL("opened a newer register");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Schema);
    CHECK_THAT(e.what(), Catch::Contains("the register has schema version 99, newer than this riskreg understands"));
  }
}

TEST_CASE("PostgreSQL schema: a register made before the lifecycle is upgraded on open and takes changes",
          "[postgres][upgrade][lifecycle]") {
  std::string url = minimal_pg();
  {
    PgStore s(url, PgStore::Mode::Open);
    s.append_assessment({"R1", {"B", "2"}, "alice", at("2026-02-01"), "before", std::nullopt});
  }
  // Back to schema 4: no changes table, no status or review dates.
  pg_cluster().exec(url, R"sql(DROP TABLE action_changes; ALTER TABLE actions DROP COLUMN status, DROP COLUMN due;
      ALTER TABLE risks DROP COLUMN response;
      DROP TABLE changes; ALTER TABLE risks DROP COLUMN status, DROP COLUMN next_review,
      DROP COLUMN last_review; UPDATE riskreg_meta SET schema_version = 4)sql");
  PgStore s(url, PgStore::Mode::Open);
  CHECK(s.schema_version() == pg_current_schema_version());
  CHECK(pg_current_schema_version() == 7);
  auto st = s.risk_state("R1");
  REQUIRE(st);
  CHECK_FALSE(st->closed);
  CHECK(st->next_review.empty());
  CHECK(s.risk_version("R1") == 2);
  s.apply_change(
      {"close", "R1", {{"status", EditOp::Set, "closed", 0}}, std::nullopt, "mgr", at("2026-03-01"), "done"});
  CHECK(s.risk_state("R1")->closed);
  auto v = verify_audit(s);
  INFO(first(v));
  CHECK(v.ok());
  CHECK(v.entries == 3);
}

TEST_CASE("migrate copies an SQLite register verbatim: same ids, times and audit head", "[postgres][migrate]") {
  test::TempDir dir;
  std::string lite = dir.file("r.db");
  auto rules = read_rules_dir(source_path("rules"));
  {
    SqliteStore s(lite, SqliteStore::Mode::Create);
    s.create(load_register_dir(source_path("data/darlington-2009"), matrix_from(rules)), rules, "loader",
             at("2026-01-01"), "initial");
    s.append_assessment({"R5", {"B", "2"}, "alice", at("2026-02-01T10:00:00Z"), "savings", std::nullopt});
    s.assign_owner("R5", "Jan Lefevre", "bob", at("2026-02-02T10:00:00Z"), "named");
    s.append_alert_delivery(
        {0, "2026-02", "x@example.org", "file", "sent", 1, "ok", std::string(64, 'b'), "2026-02-03T00:00:00Z"},
        "alerts");
  }
  std::string url = pg_cluster().fresh_database();
  auto r = copy_sqlite_to_pg(lite, url);
  SqliteStore a(lite, SqliteStore::Mode::Open);
  PgStore b(url, PgStore::Mode::Open);
  CHECK(r.head == a.audit_log().back().hash);
  CHECK(r.counts.risks == 9);
  CHECK(b.audit_log().back().hash == a.audit_log().back().hash);
  CHECK(b.history("R5").back().at == "2026-02-01T10:00:00Z");
  CHECK(b.history("R5").back().id == a.history("R5").back().id);
  CHECK(b.owner_history("R5").back().owner == "Jan Lefevre");
  CHECK(b.rules().size() == a.rules().size());
  CHECK(b.alert_deliveries("2026-02").size() == 1);
  // New writes continue both the ids and the chain.
  auto next = b.append_assessment({"R5", {"C", "3"}, "carol", at("2026-03-01"), "after", std::nullopt});
  CHECK(next.id == a.counts().assessments + 1);
  CHECK(verify_audit(b).ok());
  // A second copy into the same database is refused and changes nothing.
  try {
    copy_sqlite_to_pg(lite, url);
    FAIL("copied twice");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Conflict);
  }
  CHECK(b.counts().audit == a.counts().audit + 1);
}

TEST_CASE("migrate from PostgreSQL into SQLite: a register that does not verify is not copied, no file is left",
          "[postgres][migrate][lifecycle]") {
  std::string url = minimal_pg();
  {
    PgStore s(url, PgStore::Mode::Open);
    s.apply_change({"close", "R1", {{"status", EditOp::Set, "closed", 0}}, std::nullopt, "mgr", at("2026-02-01"), "x"});
  }
  pg_cluster().exec(url, "UPDATE risks SET status = 'open' WHERE id = 'R1'");
  test::TempDir dir;
  std::string lite = dir.file("copy.db");
  try {
    copy_pg_to_sqlite(url, lite);
    FAIL("copied a register that does not verify");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Tampered);
    CHECK_THAT(e.what(), Catch::Contains("the audit chain does not verify, so it is not copied: R1: its status is"));
  }
  CHECK_FALSE(std::filesystem::exists(lite));
  // Put right through riskreg's own log of it, it copies.
  pg_cluster().exec(url, "UPDATE risks SET status = 'closed' WHERE id = 'R1'");
  auto r = copy_pg_to_sqlite(url, lite);
  SqliteStore b(lite, SqliteStore::Mode::Open);
  CHECK(b.risk_state("R1")->closed);
  CHECK(verify_audit(b).head == r.head);
  CHECK(r.counts.risks == 2);
}

namespace {
/// Every field of every risk, feed and assessment, as text, for comparing two stores.
std::string risk_text(const Risk& r) {
  auto list = [](const std::vector<std::string>& v) { return nlohmann::json(v).dump(); };
  auto num = [](const std::optional<double>& d) { return d ? std::to_string(*d) : "-"; };
  return r.id + "|" + (r.number ? std::to_string(*r.number) : "-") + "|" + r.title + "|" + r.heading + "|" +
         r.vulnerability + "|" + list(r.triggers) + list(r.consequences) + list(r.controls) + list(r.notes) + "|" +
         (r.current ? r.current->likelihood + r.current->impact : "-") + "|" +
         (r.target ? r.target->likelihood + r.target->impact : "-") + "|" + r.owner.value_or("-") + "|" +
         num(r.spontaneous_probability);
}
std::string feed_text(const Feed& f) {
  return f.from + ">" + f.to + "|" + f.basis + "|" + f.evidence + "|" + f.direction_note + "|" +
         (f.transition_probability ? nlohmann::json(*f.transition_probability).dump() : "-");
}
std::string assessment_text(const AssessmentRow& a) {
  return std::to_string(a.id) + "|" + a.risk_id + "|" + a.score.likelihood + a.score.impact + "|" + a.by + "|" + a.at +
         "|" + a.reason;
}
}  // namespace

TEST_CASE("migrate by COPY: a generated register's risks, history, feeds and audit chain equal the source's",
          "[postgres][migrate]") {
  test::TempDir dir;
  std::string lite = dir.file("g.db");
  GenerateRequest req;
  req.db_path = lite;
  req.rules_dir = source_path("rules");
  req.risks = 400;
  req.seed = 11;
  req.by = "generator";
  auto g = generate_register(req, FixedClock(at("2026-11-23")));
  REQUIRE(g.rescores > 0);
  {
    // Text COPY must carry verbatim: tabs, line ends, backslashes, a literal \N, and non-ASCII.
    SqliteStore s(lite, SqliteStore::Mode::Open);
    s.append_assessment(
        {"R7", {"B", "2"}, "a\tb", at("2026-11-23T10:00:00Z"), "line one\nline two\r\\N \\ end é", std::nullopt});
    s.assign_owner("R8", "O'Brien \\ \"Tab\tOwner\"", "mgr", at("2026-11-23T11:00:00Z"), "\\.");
  }
  std::string url = pg_cluster().fresh_database();
  auto r = copy_sqlite_to_pg(lite, url);
  SqliteStore a(lite, SqliteStore::Mode::Open);
  PgStore b(url, PgStore::Mode::Open);
  auto va = verify_audit(a), vb = verify_audit(b);
  INFO(first(vb));
  CHECK(vb.ok());
  CHECK(vb.head == va.head);
  CHECK(vb.entries == va.entries);
  CHECK(r.head == va.head);
  auto ca = a.counts(), cb = b.counts();
  CHECK(cb.risks == 400);
  CHECK(cb.assessments == ca.assessments);
  CHECK(cb.feeds == ca.feeds);
  CHECK(cb.priorities == ca.priorities);
  CHECK(cb.actions == ca.actions);
  CHECK(cb.audit == ca.audit);
  auto da = a.load(), db = b.load();
  REQUIRE(da.risks.size() == db.risks.size());
  for (size_t i = 0; i < da.risks.size(); ++i) CHECK(risk_text(db.risks[i]) == risk_text(da.risks[i]));
  REQUIRE(da.feeds.size() == db.feeds.size());
  CHECK_FALSE(da.feeds.empty());
  for (size_t i = 0; i < da.feeds.size(); ++i) CHECK(feed_text(db.feeds[i]) == feed_text(da.feeds[i]));
  int64_t rows = 0;
  for (const auto& id : a.risk_ids()) {
    auto ha = a.history(id), hb = b.history(id);
    REQUIRE(ha.size() == hb.size());
    for (size_t i = 0; i < ha.size(); ++i) CHECK(assessment_text(hb[i]) == assessment_text(ha[i]));
    rows += static_cast<int64_t>(ha.size());
    auto oa = a.owner_history(id), ob = b.owner_history(id);
    REQUIRE(oa.size() == ob.size());
    for (size_t i = 0; i < oa.size(); ++i) CHECK(ob[i].owner + ob[i].reason == oa[i].owner + oa[i].reason);
  }
  CHECK(rows == ca.assessments);
  CHECK(b.history("R7").back().reason == "line one\nline two\r\\N \\ end é");
  CHECK(b.history("R7").back().by == "a\tb");
  CHECK(b.risk_state("R8")->owner == std::optional<std::string>("O'Brien \\ \"Tab\tOwner\""));
  auto la = a.audit_log(), lb = b.audit_log();
  REQUIRE(la.size() == lb.size());
  for (size_t i = 0; i < la.size(); ++i) CHECK(lb[i].detail == la[i].detail);
}

TEST_CASE("generate on PostgreSQL writes in one transaction the register SQLite gets for the same seed",
          "[postgres][generate]") {
  test::TempDir dir;
  GenerateRequest req;
  req.db_path = "sqlite:" + dir.file("g.db");
  req.rules_dir = source_path("rules");
  req.risks = 250;
  req.seed = 5;
  req.by = "generator";
  FixedClock clock(at("2026-11-23"));
  auto ga = generate_register(req, clock);
  std::string url = pg_cluster().fresh_database();
  req.db_path = url;
  auto gb = generate_register(req, clock);
  CHECK(gb.rescores == ga.rescores);
  CHECK(gb.counts.assessments == ga.counts.assessments);
  CHECK(gb.counts.feeds == ga.counts.feeds);
  CHECK(gb.counts.audit == ga.counts.audit);
  SqliteStore a(dir.file("g.db"), SqliteStore::Mode::Open);
  PgStore b(url, PgStore::Mode::Open);
  auto va = verify_audit(a), vb = verify_audit(b);
  INFO(first(vb));
  CHECK(vb.ok());
  CHECK(vb.head == va.head);  // the same rows, ids and times, entry by entry
  // A second generate without --force is refused and changes nothing; with it, replaces.
  try {
    generate_register(req, clock);
    FAIL("generated over a register");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Conflict);
  }
  CHECK(b.counts().audit == ga.counts.audit);
  req.force = true;
  req.seed = 6;
  generate_register(req, clock);
  CHECK(verify_audit(b).ok());
  CHECK_THAT(b.info().name, Catch::Contains("seed 6"));
}

TEST_CASE("PostgreSQL tests fail, never skip, when no server can start", "[postgres][cluster]") {
  // This test binary, run again on one PostgreSQL test with the server's programs missing.
  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  REQUIRE(n > 0);
  self[n] = 0;
  test::TempDir dir;
  std::string out = dir.file("out.txt");
  std::string cmd =
      "RISKREG_PG_BIN=" + dir.file("no-such-bin") + " " + self + " -r compact '[postgres][schema]' >" + out + " 2>&1";
  int rc = std::system(cmd.c_str());
  std::string text = test::read_file(out);
  INFO(text);
  CHECK(rc != 0);
  CHECK_THAT(text, Catch::Contains("unexpected exception with message: 'PostgreSQL test cluster: " +
                                   dir.file("no-such-bin") + "/initdb not found"));
  CHECK_THAT(text, Catch::Contains("Failed 1 test case"));
}
