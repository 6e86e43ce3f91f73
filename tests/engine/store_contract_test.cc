// The store contract, run against both implementations: an SQLite file in a temporary
// directory and a database in a throw-away PostgreSQL cluster (tests/pg_cluster.h). The
// same calls must give the same answers, down to the audit chain's hashes.
#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <type_traits>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include "audit/chain.h"
#include "audit/events.h"
#include "core/error.h"
#include "core/text.h"
#include "data/register_loader.h"
#include "domain/action_status.h"
#include "io/import.h"
#include "pg_cluster.h"
#include "register/rescore.h"
#include "register/respond.h"
#include "register/rules_bundle.h"
#include "rules/facts.h"
#include "store/changes.h"
#include "store/open.h"
#include "store/postgres.h"
#include "store/verify.h"
#include "support.h"

using namespace riskreg;
using riskreg::test::source_path;
using riskreg::test::TempDir;

namespace {
Timestamp at(const char* s) { return *parse_timestamp(s); }

struct SqliteBackend {
  TempDir dir;
  std::string db = "sqlite:" + dir.file("r.db");
  /// Raw SQL on the database, past the store (as a tamperer would).
  void raw(const std::string& sql) {
    SQLite::Database d(sqlite_path(db), SQLite::OPEN_READWRITE);
    d.exec(sql);
  }
};

struct PgBackend {
  std::string db = test::pg_cluster().fresh_database();
  void raw(const std::string& sql) { test::pg_cluster().exec(db, sql); }
};

/// The minimal register (R1 C3 unowned, R2 B2 owned by Jane Owner) created on 2026-01-01.
template <typename B>
struct Fixture {
  B backend;
  std::vector<RulesFile> rules = read_rules_dir(source_path("rules"));
  Matrix matrix = matrix_from(rules);
  explicit Fixture(const char* data = "tests/fixtures/data/minimal") {
    auto s = open_store(backend.db, StoreMode::Create);
    s->create(load_register_dir(source_path(data), matrix), rules, "loader", at("2026-01-01"), "initial");
  }
  std::unique_ptr<Store> open() { return open_store(backend.db, StoreMode::Open); }
};

/// The same re-scores and owner change on any store, for comparing backends.
void scenario(Store& s, const Matrix& m) {
  rescore(s, m, FixedClock(at("2026-03-01")), {"R1", "B2", "worse", "a", std::nullopt});
  rescore(s, m, FixedClock(at("2026-04-01")), {"R1", "D4", "better", "b", std::string("B2")});
  rescore(s, m, FixedClock(at("2026-04-02")), {"R2", "C3", "steady", "c", std::nullopt});
  s.assign_owner("R1", "Later Owner", "a", at("2026-03-15"), "assigned");
}
}  // namespace

TEMPLATE_TEST_CASE("store contract: create stores the register, first assessments and owners", "[store][contract]",
                   SqliteBackend, PgBackend) {
  Fixture<TestType> f;
  auto s = f.open();
  auto c = s->counts();
  CHECK(c.risks == 2);
  CHECK(c.assessments == 2);
  CHECK(c.audit == 1);
  CHECK(s->risk_ids() == std::vector<std::string>{"R1", "R2"});
  auto r2 = s->risk_state("R2");
  REQUIRE(r2);
  CHECK(r2->owner == std::optional<std::string>("Jane Owner"));
  CHECK(r2->current->score == ScoreCodes{"B", "2"});
  CHECK(r2->target == std::optional<ScoreCodes>(ScoreCodes{"D", "3"}));
  CHECK_FALSE(r2->previous);
  CHECK_FALSE(s->risk_state("R9"));
  CHECK(s->owner_history("R2").size() == 1);
  CHECK(s->info().name == "Minimal test register");
  REQUIRE(s->rules().size() == f.rules.size());
  CHECK(s->rules()[0].sha256 == f.rules[0].sha256);
  auto risk = s->risk("R1");
  REQUIRE(risk);
  CHECK(risk->title == "First");
  CHECK(s->risk("R2")->title == "Second");
  CHECK(s->load().risks.size() == 2);
}

TEMPLATE_TEST_CASE("store contract: a re-score appends and history keeps all", "[store][contract]", SqliteBackend,
                   PgBackend) {
  Fixture<TestType> f;
  auto s = f.open();
  auto r =
      rescore(*s, f.matrix, FixedClock(at("2026-02-01T10:00:00Z")), {"1", "B2", "Budget cut", "owner-a", std::nullopt});
  CHECK(r.risk_id == "R1");
  CHECK(f.matrix.format(*r.from) == "C3");
  auto h = s->history("R1");
  REQUIRE(h.size() == 2);
  CHECK(h[0].score == ScoreCodes{"C", "3"});
  CHECK(h[1].score == ScoreCodes{"B", "2"});
  CHECK(h[1].by == "owner-a");
  CHECK(h[1].at == "2026-02-01T10:00:00Z");
  CHECK(h[1].reason == "Budget cut");
  auto st = s->risk_state("R1");
  CHECK(st->current->score == ScoreCodes{"B", "2"});
  CHECK(st->previous->score == ScoreCodes{"C", "3"});
  std::vector<std::string> seen;
  s->for_each_risk([&](const RiskState& x) { seen.push_back(x.id + ":" + x.current->score.likelihood); });
  CHECK(seen == std::vector<std::string>{"R1:B", "R2:B"});
}

TEMPLATE_TEST_CASE(
    "store contract: a risk's downstream neighbourhood, its closed risks and its feeders' scores, read by query",
    "[store][contract][graph]", SqliteBackend, PgBackend) {
  Fixture<TestType> f("data/darlington-2009");
  auto s = f.open();
  auto names = [](const Neighbourhood& n) {
    const RegisterData& d = n.part;
    std::string out;
    for (const auto& r : d.risks) out += r.id + " ";
    out += "|";
    for (const auto& l : d.feeds) out += " " + l.from + ">" + l.to;
    out += " |";
    for (const auto& p : d.priorities)
      out += " " + p.id + "(" + std::to_string(p.actions.size()) + " actions, risks " + join(p.risks, ",") +
             ", objectives " + join(p.departmental_objectives, ",") + ")";
    out += " | closed";
    for (const auto& id : n.closed) out += " " + id;
    return out;
  };
  // The size check `show` makes before ranking the register: Darlington holds nine risks.
  CHECK(s->more_risks_than(8));
  CHECK_FALSE(s->more_risks_than(9));
  CHECK(s->more_risks_than(0));
  // R5 feeds R1 and R3 (stated in the seed), R1 feeds R3 (inferred): three risks at depth 1.
  auto one = s->downstream("R5", 1);
  CHECK(names(one) == names(s->Store::downstream("R5", 1)));
  CHECK(one.part.risks.size() == 3);
  CHECK(one.closed.empty());
  CHECK(names(one).find("R5>R1") != std::string::npos);
  CHECK(names(one).find("R5>R3") != std::string::npos);
  for (int depth : {0, 2, 5})
    for (const char* id : {"R1", "R2", "R5", "R8"}) {
      INFO(id << " at depth " << depth);
      CHECK(names(s->downstream(id, depth)) == names(s->Store::downstream(id, depth)));
    }
  CHECK(s->downstream("R5", 0).part.risks.size() == 1);
  // A closed risk stays in the neighbourhood, named as closed (the cascade neither moves nor
  // passes through it); every field of its risks and actions is read as load() reads it.
  s->apply_change({events::kClose,
                   "R1",
                   {{"status", EditOp::Set, "closed", 0}},
                   std::nullopt,
                   "mgr",
                   at("2026-02-01T10:00:00Z"),
                   "merged into R5"});
  auto closed = s->downstream("R5", 2);
  CHECK(names(closed) == names(s->Store::downstream("R5", 2)));
  CHECK(closed.closed == std::set<std::string>{"R1"});
  RegisterData whole = s->load();
  for (const auto& r : closed.part.risks) {
    INFO(r.id);
    const Risk* w = whole.find_risk(r.id);
    REQUIRE(w);
    CHECK(r.title == w->title);
    CHECK(r.number == w->number);
    CHECK(r.triggers == w->triggers);
    CHECK(r.consequences == w->consequences);
    CHECK(r.controls == w->controls);
    CHECK(r.notes == w->notes);
    CHECK(r.owner == w->owner);
    CHECK(r.current == w->current);
    CHECK(r.target == w->target);
    CHECK(r.spontaneous_probability == w->spontaneous_probability);
  }
  for (const auto& p : closed.part.priorities) {
    INFO(p.id);
    const Priority* w = nullptr;
    for (const auto& q : whole.priorities)
      if (q.id == p.id) w = &q;
    REQUIRE(w);
    CHECK(p.title == w->title);
    CHECK(p.parent == w->parent);
    CHECK(p.subtitles == w->subtitles);
    CHECK(p.notes == w->notes);
    REQUIRE(p.actions.size() == w->actions.size());
    for (size_t i = 0; i < p.actions.size(); ++i) {
      CHECK(p.actions[i].id == w->actions[i].id);
      CHECK(p.actions[i].text == w->actions[i].text);
      CHECK(p.actions[i].lead_officers == w->actions[i].lead_officers);
      CHECK(p.actions[i].pis == w->actions[i].pis);
      CHECK(p.actions[i].milestones == w->actions[i].milestones);
    }
  }
  CHECK_THROWS_AS(s->downstream("R99", 3), Error);
  // The scores of the risks that feed R1, in the register's order, as the per-link default reads them.
  for (const char* id : {"R1", "R3", "R5", "R9"}) {
    INFO(id);
    CHECK(s->feeder_scores(id) == s->Store::feeder_scores(id));
  }
  CHECK_FALSE(s->feeder_scores("R1").empty());
}

TEMPLATE_TEST_CASE("store contract: the risks an import names, read in one batch", "[store][contract][import]",
                   SqliteBackend, PgBackend) {
  Fixture<TestType> f("data/darlington-2009");
  auto s = f.open();
  // Ids the register holds, ids it does not, and ids that would break a quoted list if they
  // were pasted into SQL (the PostgreSQL store passes them as one text[] parameter).
  std::vector<std::string> ids = {"R5", "R1", "R10", "R\"1", "R\\2", "{R3}", "R3,R4", "R9"};
  auto got = s->existing_risks(ids);
  CHECK(got.size() == 3);
  for (const char* id : {"R1", "R5", "R9"}) {
    INFO(id);
    REQUIRE(got.count(id) == 1);
    CHECK(got.at(id).first.title == s->risk(id)->title);
    CHECK(got.at(id).second.current->id == s->risk_state(id)->current->id);
    CHECK(got.at(id).second.owner == s->risk_state(id)->owner);
  }
  CHECK(s->existing_risks({}).empty());
  // More ids than one batch holds.
  std::vector<std::string> many;
  for (int i = 0; i < 25000; ++i) many.push_back("R" + std::to_string(i));
  CHECK(s->existing_risks(many).size() == 9);
}

TEMPLATE_TEST_CASE("store contract: the register as of a date, rebuilt from history", "[store][contract][as-of]",
                   SqliteBackend, PgBackend) {
  Fixture<TestType> f;
  auto s = f.open();
  scenario(*s, f.matrix);
  auto as_of = [&](const char* t) {
    std::map<std::string, RiskState> out;
    s->for_each_risk_as_of(t, [&](const RiskState& r) { out[r.id] = r; });
    return out;
  };
  CHECK(as_of("2025-12-31T23:59:59Z").empty());
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
  CHECK(now["R2"].current->score == ScoreCodes{"C", "3"});
  CHECK(now["R2"].owner == std::optional<std::string>("Jane Owner"));
}

TEMPLATE_TEST_CASE("store contract: history cannot be rewritten through SQL", "[store][contract]", SqliteBackend,
                   PgBackend) {
  Fixture<TestType> f;
  CHECK_THROWS_WITH(f.backend.raw("UPDATE assessments SET likelihood = 'A'"), Catch::Contains("append-only"));
  CHECK_THROWS_WITH(f.backend.raw("DELETE FROM assessments"), Catch::Contains("append-only"));
  CHECK_THROWS_WITH(f.backend.raw("DELETE FROM owner_changes"), Catch::Contains("append-only"));
  auto s = f.open();
  CHECK(s->counts().assessments == 2);
  CHECK(s->history("R1")[0].score == ScoreCodes{"C", "3"});
}

TEMPLATE_TEST_CASE("store contract: a stale expectation is a conflict and writes nothing", "[store][contract]",
                   SqliteBackend, PgBackend) {
  Fixture<TestType> f;
  auto s = f.open();
  auto before = s->counts();
  try {
    s->append_assessment({"R1", {"B", "2"}, "x", at("2026-02-01"), "x", ScoreCodes{"D", "4"}});
    FAIL("expected a conflict");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Conflict);
    CHECK(std::string(e.what()) ==
          "R1: the score is no longer the expected one (someone re-scored it); check it with "
          "'riskreg show R1' and try again");
  }
  try {
    s->append_assessment({"R9", {"B", "2"}, "x", at("2026-02-01"), "x", std::nullopt});
    FAIL("expected not found");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::NotFound);
  }
  CHECK(s->counts().assessments == before.assessments);
  CHECK(s->counts().audit == before.audit);
  s->append_assessment({"R1", {"B", "2"}, "x", at("2026-02-01"), "x", ScoreCodes{"C", "3"}});
  CHECK(s->counts().assessments == before.assessments + 1);
}

TEMPLATE_TEST_CASE("store contract: every write is chained in the audit log", "[store][contract][audit]", SqliteBackend,
                   PgBackend) {
  Fixture<TestType> f;
  auto s = f.open();
  scenario(*s, f.matrix);
  s->append_alert_delivery(
      {0, "2026-04", "a@example.org", "file", "sent", 1, "ok", std::string(64, 'a'), "2026-04-03T00:00:00Z"}, "alerts");
  auto log = s->audit_log();
  REQUIRE(log.size() == 6);
  CHECK(log[0].action == "create");
  CHECK(log[1].action == "score");
  CHECK(log[4].action == "owner");
  CHECK(log[5].action == "alert");
  CHECK(log[1].prev_hash == log[0].hash);
  auto v = verify_audit(*s);
  INFO((v.problems.empty() ? "" : v.problems.front().message));
  CHECK(v.ok());
  CHECK(v.entries == 6);
  CHECK(v.head == log.back().hash);
  auto deliveries = s->alert_deliveries("2026-04");
  REQUIRE(deliveries.size() == 1);
  CHECK(deliveries[0].recipient == "a@example.org");
  CHECK(s->alert_deliveries("2026-05").empty());
}

TEMPLATE_TEST_CASE("store contract: a missing register is NoDatabase, a second create a conflict",
                   "[store][contract][errors]", SqliteBackend, PgBackend) {
  TestType b;
  try {
    open_store(b.db, StoreMode::Open);
    FAIL("opened a missing register");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::NoDatabase);
    CHECK_THAT(e.what(), Catch::StartsWith("no register at "));
  }
  Fixture<TestType> f;
  auto rules = read_rules_dir(source_path("rules"));
  try {
    auto s = open_store(f.backend.db, StoreMode::Create);
    s->create(load_register_dir(source_path("tests/fixtures/data/minimal"), f.matrix), rules, "x", at("2026-01-01"),
              "again");
    FAIL("created twice");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Conflict);
  }
  CHECK(f.open()->counts().audit == 1);
}

TEST_CASE("SQLite and PostgreSQL give the same answers and the same audit chain", "[store][contract][postgres]") {
  Fixture<SqliteBackend> lite("data/darlington-2009");
  Fixture<PgBackend> pg("data/darlington-2009");
  auto a = lite.open();
  auto b = pg.open();
  scenario(*a, lite.matrix);
  scenario(*b, pg.matrix);
  auto la = a->audit_log(), lb = b->audit_log();
  REQUIRE(la.size() == lb.size());
  for (size_t i = 0; i < la.size(); ++i) {
    CHECK(la[i].detail == lb[i].detail);
    CHECK(la[i].hash == lb[i].hash);
  }
  CHECK(verify_audit(*a).head == verify_audit(*b).head);
  for (const char* id : {"R1", "R2"}) {
    auto ha = a->history(id), hb = b->history(id);
    REQUIRE(ha.size() == hb.size());
    for (size_t i = 0; i < ha.size(); ++i) {
      CHECK(ha[i].id == hb[i].id);
      CHECK(ha[i].score == hb[i].score);
      CHECK(ha[i].at == hb[i].at);
    }
    CHECK(a->links(id).priorities.size() == b->links(id).priorities.size());
  }
  auto da = a->load(), db = b->load();
  REQUIRE(da.risks.size() == 9);
  REQUIRE(da.risks.size() == db.risks.size());
  for (size_t i = 0; i < da.risks.size(); ++i) {
    CHECK(da.risks[i].id == db.risks[i].id);
    CHECK(da.risks[i].title == db.risks[i].title);
    CHECK(da.risks[i].owner == db.risks[i].owner);
    CHECK(da.risks[i].current == db.risks[i].current);
    CHECK(da.risks[i].controls == db.risks[i].controls);
    CHECK(da.risks[i].spontaneous_probability == db.risks[i].spontaneous_probability);
  }
  REQUIRE(da.feeds.size() == db.feeds.size());
  CHECK_FALSE(da.feeds.empty());
  for (size_t i = 0; i < da.feeds.size(); ++i) {
    CHECK(da.feeds[i].from + ">" + da.feeds[i].to == db.feeds[i].from + ">" + db.feeds[i].to);
    CHECK(da.feeds[i].transition_probability == db.feeds[i].transition_probability);
    CHECK(da.feeds[i].evidence == db.feeds[i].evidence);
  }
  REQUIRE(da.priorities.size() == db.priorities.size());
  for (size_t i = 0; i < da.priorities.size(); ++i) {
    CHECK(da.priorities[i].id == db.priorities[i].id);
    CHECK(da.priorities[i].parent == db.priorities[i].parent);
    CHECK(da.priorities[i].risks == db.priorities[i].risks);
    CHECK(da.priorities[i].actions.size() == db.priorities[i].actions.size());
  }
  CHECK(da.objectives.size() == db.objectives.size());
  CHECK(da.concepts.size() == db.concepts.size());
  REQUIRE(da.outcomes.size() == db.outcomes.size());
  for (size_t i = 0; i < da.outcomes.size(); ++i)
    CHECK(da.outcomes[i].priorities.size() == db.outcomes[i].priorities.size());
  auto ca = a->counts(), cb = b->counts();
  CHECK(ca.feeds == cb.feeds);
  CHECK(ca.actions == cb.actions);
  CHECK(ca.outcomes == cb.outcomes);
  std::vector<std::string> sa, sb;
  a->for_each_risk(
      [&](const RiskState& x) { sa.push_back(x.id + std::to_string(x.priorities) + "/" + std::to_string(x.actions)); });
  b->for_each_risk(
      [&](const RiskState& x) { sb.push_back(x.id + std::to_string(x.priorities) + "/" + std::to_string(x.actions)); });
  CHECK(sa == sb);
}

TEST_CASE("every audited event is written byte for byte alike by SQLite and PostgreSQL, and verifies after migrate",
          "[store][contract][postgres][events]") {
  // The same command sequence on both backends: create, re-scores (one guarded), an owner
  // change, an import that creates one risk and updates another, a bulk history and an
  // alert delivery. Every event's detail, and so the chain's head, must be identical.
  Fixture<SqliteBackend> lite("data/darlington-2009");
  Fixture<PgBackend> pg("data/darlington-2009");
  TempDir dir;
  std::string csv = dir.file("changes.csv");
  {
    std::ofstream f(csv, std::ios::binary);
    f << "id,title,owner,current,reason\n"
         "R10,Cyber attack on case records,Ann Analyst,B2,new threat\n"
         "R2,Recruitment of foster carers,Bob Manager,A1,quarterly review\n";
  }
  auto run = [&](Store& s, const Matrix& m) {
    scenario(s, m);
    import_csv(s, m, csv, "importer", at("2026-05-01"));
    s.append_assessments({{"R3", {"C", "3"}, "bulk", at("2026-05-02"), "synthetic", std::nullopt},
                          {"R3", {"B", "3"}, "bulk", at("2026-05-03"), "synthetic", ScoreCodes{"C", "3"}}});
    s.assign_owner("R10", "Cy Owner", "mgr", at("2026-05-04"), "handover");
    s.append_alert_delivery({0, "2026-05", "x@example.org", "smtp", "failed", 2, "451 try later", std::string(64, 'c'),
                             "2026-05-05T00:00:00Z"},
                            "alerts");
  };
  auto a = lite.open();
  auto b = pg.open();
  run(*a, lite.matrix);
  run(*b, pg.matrix);
  auto la = a->audit_log(), lb = b->audit_log();
  // 11: the import's new title for R2 is a change of its own (kind "import", entity R2), before
  // the import's entry.
  REQUIRE(la.size() == 11);
  REQUIRE(la.size() == lb.size());
  CHECK(std::count_if(la.begin(), la.end(), [](const AuditEntry& e) {
          return e.action == "import" && e.entity == "R2" && e.detail.find("\"field\":\"title\"") != std::string::npos;
        }) == 1);
  std::set<std::string> actions;
  for (size_t i = 0; i < la.size(); ++i) {
    INFO("entry " << la[i].seq << " " << la[i].action);
    actions.insert(la[i].action);
    CHECK(la[i].action == lb[i].action);
    CHECK(la[i].entity == lb[i].entity);
    CHECK(la[i].detail == lb[i].detail);
    CHECK(la[i].hash == lb[i].hash);
  }
  CHECK(actions == std::set<std::string>{"create", "score", "owner", "import", "alert"});
  CHECK(a->audit_head() == b->audit_head());
  CHECK(a->audit_head() == la.back().hash);
  // The last entry made by then, in chain order: the owner change dated 2026-03-15, written after
  // the re-scores of April.
  CHECK(b->audit_head("2026-03-31") == lb[4].hash);
  CHECK(a->audit_head("2026-03-31") == lb[4].hash);
  auto va = verify_audit(*a), vb = verify_audit(*b);
  CHECK(va.ok());
  CHECK(vb.ok());
  CHECK(va.head == vb.head);

  // migrate: the SQLite register copied into an empty database verifies there, with the same head.
  std::string copy = test::pg_cluster().fresh_database();
  auto report = postgres().copy_from_sqlite(sqlite_path(lite.backend.db), copy);
  CHECK(report.head == va.head);
  auto c = open_store(copy, StoreMode::Open);
  auto vc = verify_audit(*c);
  for (const auto& p : vc.problems) UNSCOPED_INFO(p.message);
  CHECK(vc.ok());
  CHECK(vc.head == vb.head);
  auto lc = c->audit_log();
  REQUIRE(lc.size() == lb.size());
  for (size_t i = 0; i < lc.size(); ++i) CHECK(lc[i].detail == lb[i].detail);
  // and a write after it continues the same chain as on the other two
  for (Store* s : {a.get(), b.get(), c.get()}) s->assign_owner("R1", "Next Owner", "mgr", at("2026-06-01"), "moved");
  CHECK(a->audit_head() == b->audit_head());
  CHECK(c->audit_head() == b->audit_head());
}

TEMPLATE_TEST_CASE("store contract: a deleted or edited owner change made by 'riskreg owner' fails verify",
                   "[store][contract][audit]", SqliteBackend, PgBackend) {
  for (const char* tamper :
       {"DELETE FROM owner_changes WHERE owner = 'Later Owner'",
        "UPDATE owner_changes SET owner = 'Someone Else' WHERE owner = 'Later Owner'",
        "UPDATE owner_changes SET changed_at = '2026-03-16T00:00:00Z' WHERE owner = 'Later Owner'"}) {
    INFO(tamper);
    Fixture<TestType> f;
    auto s = f.open();
    scenario(*s, f.matrix);
    REQUIRE(verify_audit(*s).ok());
    // Past the store, as a tamperer with the database's owner rights would: the append-only
    // triggers are dropped first.
    if constexpr (std::is_same_v<TestType, SqliteBackend>)
      f.backend.raw("DROP TRIGGER owner_changes_append_only_u; DROP TRIGGER owner_changes_append_only_d; " +
                    std::string(tamper));
    else
      f.backend.raw("ALTER TABLE owner_changes DISABLE TRIGGER USER; " + std::string(tamper));
    auto v = verify_audit(*f.open());
    REQUIRE_FALSE(v.ok());
    bool named = false;
    for (const auto& p : v.problems) named |= p.message.find("owner change") != std::string::npos;
    CHECK(named);
  }
}

namespace {
ChangeRequest change(const char* kind, const char* id, std::vector<FieldEdit> edits, const char* when,
                     std::optional<int64_t> expect = std::nullopt) {
  return {kind, id, std::move(edits), expect, "mgr", at(when), std::string("why ") + kind};
}

/// The lifecycle on any store: a risk added (R3, owned, with a target, a control and a next
/// review), edited (title, a control added and the first removed), re-targeted, closed,
/// reopened, closed again, reviewed and noted; each change dated so that every as-of read
/// between them has one answer.
void lifecycle_scenario(Store& s) {
  NewRisk n;
  n.risk.id = "R3";
  n.risk.title = "Data breach";
  n.risk.current = ScoreCodes{"C", "3"};
  n.risk.target = ScoreCodes{"D", "4"};
  n.risk.owner = "Jane Owner";
  n.risk.controls = {"Encryption"};
  n.risk.triggers = {"Phishing"};
  n.next_review = "2026-06-01";
  n.by = "mgr";
  n.at = at("2026-02-01");
  n.reason = "new threat";
  s.add_risk(n);
  s.apply_change(change(events::kEdit, "R3",
                        {{"title", EditOp::Set, "Data breach of case records", 0},
                         {"controls", EditOp::Append, "Weekly audit", 0},
                         {"controls", EditOp::RemoveAt, "", 0}},
                        "2026-02-02"));
  s.apply_change(change(events::kTarget, "R3", {{"target", EditOp::Set, "D/3", 0}}, "2026-02-03"));
  s.apply_change(change(events::kClose, "R3", {{"status", EditOp::Set, "closed", 0}}, "2026-02-04"));
  s.apply_change(change(events::kReopen, "R3", {{"status", EditOp::Set, "open", 0}}, "2026-03-01"));
  s.apply_change(change(events::kReview, "R3",
                        {{"last_review", EditOp::Set, "2026-03-02", 0}, {"next_review", EditOp::Set, "2026-09-01", 0}},
                        "2026-03-02"));
  s.apply_change(change(events::kNote, "R1", {{"note", EditOp::Append, "Met the auditors", 0}}, "2026-03-03"));
  s.apply_change(change(events::kClose, "R1", {{"status", EditOp::Set, "closed", 0}}, "2026-03-04"));
}

/// The two stores' audit logs entry by entry: the same action, entity, actor, time, detail and
/// hash. Returns the actions the log holds.
std::set<std::string> same_audit_log(Store& a, Store& b) {
  auto la = a.audit_log(), lb = b.audit_log();
  REQUIRE(la.size() == lb.size());
  std::set<std::string> actions;
  for (size_t i = 0; i < la.size(); ++i) {
    INFO("entry " << la[i].seq << " " << la[i].action);
    actions.insert(la[i].action);
    CHECK(la[i].action == lb[i].action);
    CHECK(la[i].entity == lb[i].entity);
    CHECK(la[i].actor == lb[i].actor);
    CHECK(la[i].at == lb[i].at);
    CHECK(la[i].detail == lb[i].detail);
    CHECK(la[i].hash == lb[i].hash);
  }
  return actions;
}

std::string change_text(const ChangeRow& c) {
  return std::to_string(c.id) + "|" + c.kind + "|" + c.subject + "|" + c.field + "|" + c.from + "|" + c.to + "|" +
         c.by + "|" + c.at + "|" + c.reason;
}
}  // namespace

TEMPLATE_TEST_CASE("store contract: the lifecycle's changes are stored, read back, versioned and verified",
                   "[store][contract][lifecycle]", SqliteBackend, PgBackend) {
  Fixture<TestType> f;
  auto s = f.open();
  lifecycle_scenario(*s);
  auto r3 = s->risk("R3");
  REQUIRE(r3);
  CHECK(r3->title == "Data breach of case records");
  CHECK(r3->controls == std::vector<std::string>{"Weekly audit"});
  CHECK(r3->triggers == std::vector<std::string>{"Phishing"});
  CHECK(r3->target == std::optional<ScoreCodes>(ScoreCodes{"D", "3"}));
  CHECK(r3->owner == std::optional<std::string>("Jane Owner"));
  auto st = s->risk_state("R3");
  REQUIRE(st);
  CHECK_FALSE(st->closed);
  CHECK(st->next_review == "2026-09-01");
  CHECK(st->last_review == "2026-03-02");
  CHECK(st->current->score == ScoreCodes{"C", "3"});
  CHECK(s->risk_state("R1")->closed);
  // Its version: its first assessment, its owner, and 1 + 3 + 1 + 1 + 1 + 2 changes.
  CHECK(s->risk_version("R3") == 11);
  CHECK(s->risk_version("R1") == 3);
  CHECK_THROWS_AS(s->risk_version("R9"), Error);
  auto rows = s->changes("R3");
  REQUIRE(rows.size() == 9);
  CHECK(rows[0].kind == "add");
  CHECK(rows[0].field == "risk");
  CHECK(rows[2].field == "controls");
  CHECK(rows[2].from == R"(["Encryption"])");
  CHECK(rows[2].to == R"(["Encryption","Weekly audit"])");
  CHECK(rows[3].to == R"(["Weekly audit"])");
  CHECK(rows[4].from == "D/4");
  CHECK(rows[4].to == "D/3");
  CHECK(rows[5].to == "closed");
  CHECK(rows[8].field == "next_review");
  CHECK(rows[8].from == "2026-06-01");
  CHECK(s->changes("R9").empty());
  int64_t all = 0;
  s->for_each_change([&](const ChangeRow&) { ++all; });
  CHECK(all == 11);
  // Every read of the state carries the lifecycle: the whole-register walk and the scan.
  std::map<std::string, bool> closed;
  s->for_each_risk([&](const RiskState& x) { closed[x.id] = x.closed; });
  CHECK(closed == std::map<std::string, bool>{{"R1", true}, {"R2", false}, {"R3", false}});
  auto v = verify_audit(*s);
  for (const auto& p : v.problems) UNSCOPED_INFO(p.message);
  CHECK(v.ok());
  CHECK(v.entries == 1 + 3 + 10);

  // As of a time: the last status and review change made by then.
  auto as_of = [&](const char* t) {
    std::map<std::string, RiskState> out;
    s->for_each_risk_as_of(t, [&](const RiskState& r) { out[r.id] = r; });
    return out;
  };
  auto feb = as_of("2026-02-10T00:00:00Z");
  REQUIRE(feb.count("R3"));
  CHECK(feb["R3"].closed);
  CHECK(feb["R3"].last_review.empty());
  CHECK_FALSE(feb["R1"].closed);
  auto march = as_of("2026-03-02T12:00:00Z");
  CHECK_FALSE(march["R3"].closed);
  CHECK(march["R3"].last_review == "2026-03-02");
  CHECK(march["R3"].next_review == "2026-09-01");
  CHECK_FALSE(march["R1"].closed);
  CHECK(as_of("2026-12-31T00:00:00Z")["R1"].closed);
  // and the export stream, now and then.
  std::map<std::string, std::string> exported;
  s->for_each_export(std::nullopt, false, [&](ExportRisk& e) {
    exported[e.state.id] =
        std::string(e.state.closed ? "closed" : "open") + "|" + e.state.next_review + "|" + e.state.last_review;
  });
  CHECK(exported["R1"] == "closed||");
  CHECK(exported["R3"] == "open|2026-09-01|2026-03-02");
  exported.clear();
  s->for_each_export(std::string("2026-02-10T00:00:00Z"), false, [&](ExportRisk& e) {
    exported[e.state.id] =
        std::string(e.state.closed ? "closed" : "open") + "|" + e.state.next_review + "|" + e.state.last_review;
  });
  CHECK(exported["R1"] == "open||");
  CHECK(exported["R3"] == "closed||");
}

TEMPLATE_TEST_CASE("store contract: a refused change writes nothing", "[store][contract][lifecycle][errors]",
                   SqliteBackend, PgBackend) {
  Fixture<TestType> f;
  auto s = f.open();
  lifecycle_scenario(*s);
  auto before = s->audit_head();
  auto refused = [&](const ChangeRequest& c, ErrorKind kind, const std::string& message) {
    try {
      s->apply_change(c);
      FAIL("applied " << c.kind << " of " << c.risk_id);
    } catch (const Error& e) {
      CHECK(e.kind() == kind);
      CHECK(std::string(e.what()) == message);
    }
  };
  refused(change(events::kClose, "R1", {{"status", EditOp::Set, "closed", 0}}, "2026-04-01"), ErrorKind::InvalidInput,
          "R1 is already closed; nothing was written");
  refused(change(events::kEdit, "R3", {{"controls", EditOp::RemoveAt, "", 4}}, "2026-04-01"), ErrorKind::InvalidInput,
          "R3: there is no controls item 5 (it has 1: 1 to 1); nothing was written");
  refused(change(events::kEdit, "R3", {{"title", EditOp::Set, "Another", 0}}, "2026-04-01", 10), ErrorKind::Conflict,
          "R3: its version is 11, not the expected 10 (someone changed it); check it with 'riskreg show R3 "
          "--history' and try again");
  refused(change(events::kEdit, "R9", {{"title", EditOp::Set, "Another", 0}}, "2026-04-01"), ErrorKind::NotFound,
          "unknown risk 'R9'");
  // Two edits, the second refused: the first is not written either.
  refused(change(events::kEdit, "R3",
                 {{"heading", EditOp::Set, "Information", 0}, {"title", EditOp::Set, "Data breach of case records", 0}},
                 "2026-04-01"),
          ErrorKind::InvalidInput, "R3: the title is already 'Data breach of case records'; nothing was written");
  NewRisk again;
  again.risk.id = "R3";
  again.risk.title = "Twice";
  again.risk.current = ScoreCodes{"E", "4"};
  again.by = "mgr";
  again.at = at("2026-04-01");
  again.reason = "again";
  try {
    s->add_risk(again);
    FAIL("added R3 twice");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Conflict);
    CHECK(std::string(e.what()) == events::risk_exists("R3"));
  }
  CHECK(s->audit_head() == before);
  CHECK(s->risk("R3")->heading.empty());
  CHECK(s->risk_version("R3") == 11);
  CHECK(verify_audit(*s).ok());
}

TEMPLATE_TEST_CASE("store contract: a risk's status or review date changed in SQL, past riskreg, fails verify",
                   "[store][contract][lifecycle][audit]", SqliteBackend, PgBackend) {
  for (const char* tamper :
       {"UPDATE risks SET status = 'open' WHERE id = 'R1'", "UPDATE risks SET status = 'closed' WHERE id = 'R3'",
        "UPDATE risks SET next_review = '2027-01-01' WHERE id = 'R3'",
        "UPDATE risks SET controls = '[]' WHERE id = 'R3'"}) {
    INFO(tamper);
    Fixture<TestType> f;
    {
      auto s = f.open();
      lifecycle_scenario(*s);
      REQUIRE(verify_audit(*s).ok());
    }
    f.backend.raw(tamper);
    auto v = verify_audit(*f.open());
    REQUIRE_FALSE(v.ok());
    bool named = false;
    for (const auto& p : v.problems) named |= p.message.find("the risks table was edited") != std::string::npos;
    CHECK(named);
  }
  // and a change row edited or deleted past the append-only triggers
  for (const char* tamper : {"UPDATE changes SET to_value = 'open' WHERE kind = 'close' AND to_value = 'closed'",
                             "DELETE FROM changes WHERE kind = 'note'"}) {
    INFO(tamper);
    Fixture<TestType> f;
    lifecycle_scenario(*f.open());
    CHECK_THROWS_WITH(f.backend.raw(tamper), Catch::Contains("append-only"));
    if constexpr (std::is_same_v<TestType, SqliteBackend>)
      f.backend.raw("DROP TRIGGER changes_append_only_u; DROP TRIGGER changes_append_only_d; " + std::string(tamper));
    else
      f.backend.raw("ALTER TABLE changes DISABLE TRIGGER USER; " + std::string(tamper));
    CHECK_FALSE(verify_audit(*f.open()).ok());
  }
}

TEST_CASE("the lifecycle is written byte for byte alike by SQLite and PostgreSQL, and verifies after migrate both ways",
          "[store][contract][postgres][lifecycle]") {
  Fixture<SqliteBackend> lite;
  Fixture<PgBackend> pg;
  auto a = lite.open();
  auto b = pg.open();
  for (Store* s : {a.get(), b.get()}) {
    scenario(*s, lite.matrix);
    lifecycle_scenario(*s);
  }
  REQUIRE(a->audit_log().size() == 1 + 4 + 3 + 10);
  CHECK(same_audit_log(*a, *b) == std::set<std::string>{"create", "score", "owner", "add", "edit", "target", "close",
                                                        "reopen", "review", "note"});
  CHECK(a->audit_head() == b->audit_head());
  for (const char* id : {"R1", "R2", "R3"}) {
    INFO(id);
    auto ca = a->changes(id), cb = b->changes(id);
    REQUIRE(ca.size() == cb.size());
    for (size_t i = 0; i < ca.size(); ++i) CHECK(change_text(ca[i]) == change_text(cb[i]));
    CHECK(a->risk_version(id) == b->risk_version(id));
    auto sa = a->risk_state(id), sb = b->risk_state(id);
    CHECK(sa->closed == sb->closed);
    CHECK(sa->next_review == sb->next_review);
    CHECK(sa->last_review == sb->last_review);
    CHECK(a->history(id).size() == b->history(id).size());
  }
  auto va = verify_audit(*a), vb = verify_audit(*b);
  for (const auto& p : vb.problems) UNSCOPED_INFO(p.message);
  CHECK(va.ok());
  CHECK(vb.ok());
  CHECK(va.head == vb.head);

  // migrate: the changes and the risks' status and review dates are copied; the copy verifies
  // with the same head, and a change after it continues the same chain on all three.
  std::string copy = test::pg_cluster().fresh_database();
  auto report = postgres().copy_from_sqlite(sqlite_path(lite.backend.db), copy);
  CHECK(report.head == va.head);
  auto c = open_store(copy, StoreMode::Open);
  auto vc = verify_audit(*c);
  for (const auto& p : vc.problems) UNSCOPED_INFO(p.message);
  CHECK(vc.ok());
  CHECK(vc.head == vb.head);
  CHECK(c->risk_state("R1")->closed);
  CHECK(c->risk_state("R3")->last_review == "2026-03-02");
  auto cc = c->changes("R3");
  REQUIRE(cc.size() == b->changes("R3").size());
  for (size_t i = 0; i < cc.size(); ++i) CHECK(change_text(cc[i]) == change_text(b->changes("R3")[i]));
  // and back: the PostgreSQL register copied into a new SQLite file verifies there too.
  TempDir back_dir;
  const std::string back = back_dir.file("back.db");
  auto returned = postgres().copy_to_sqlite(pg.backend.db, back);
  CHECK(returned.head == vb.head);
  auto d = open_store("sqlite:" + back, StoreMode::Open);
  auto vd = verify_audit(*d);
  for (const auto& p : vd.problems) UNSCOPED_INFO(p.message);
  CHECK(vd.ok());
  CHECK(vd.head == va.head);
  CHECK(d->risk_state("R1")->closed);
  auto dc = d->changes("R3");
  REQUIRE(dc.size() == a->changes("R3").size());
  for (size_t i = 0; i < dc.size(); ++i) CHECK(change_text(dc[i]) == change_text(a->changes("R3")[i]));
  CHECK(d->risk("R3")->controls == a->risk("R3")->controls);
  for (Store* s : {a.get(), b.get(), c.get(), d.get()})
    s->apply_change(change(events::kReopen, "R1", {{"status", EditOp::Set, "open", 0}}, "2026-06-01"));
  CHECK(a->audit_head() == b->audit_head());
  CHECK(c->audit_head() == b->audit_head());
  CHECK(d->audit_head() == b->audit_head());
  CHECK(c->changes("R1").back().id == a->changes("R1").back().id);
  CHECK(d->changes("R1").back().id == a->changes("R1").back().id);
  CHECK(verify_audit(*c).ok());
  CHECK(verify_audit(*d).ok());
  // A file that exists is not overwritten.
  try {
    postgres().copy_to_sqlite(pg.backend.db, back);
    FAIL("copied over an existing file");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Conflict);
  }
}

namespace {
/// An action change as `riskreg action` makes it.
ChangeRequest action_request(const std::string& id, const std::string& field, const std::string& value,
                             const char* when, std::optional<int64_t> expect = std::nullopt) {
  ChangeRequest c;
  c.kind = events::kAction;
  c.risk_id = id;
  c.edits.push_back({field, EditOp::Set, value, 0});
  c.by = "mgr";
  c.at = at(when);
  c.reason = "progress meeting";
  c.expect_version = expect;
  return c;
}
}  // namespace

TEMPLATE_TEST_CASE("store contract: an action's status and due date are versioned, counted per risk and verified",
                   "[store][contract][actions]", SqliteBackend, PgBackend) {
  Fixture<TestType> f("data/darlington-2009");
  auto s = f.open();
  // R4 is mitigated by P3.1 alone, whose three actions are due (by the plan's completion
  // text) 2010-04-30 ("2010 April"), 2009-07-31 ("July 2009") and 2010-04-30 ("April 2010").
  auto a1 = s->action("P3.1-A1");
  REQUIRE(a1);
  CHECK(a1->completion == "2010 April");
  CHECK(a1->due == "2010-04-30");
  CHECK(a1->status.empty());
  auto r4 = s->risk_state("R4");
  REQUIRE(r4);
  CHECK(r4->actions == 3);
  CHECK(r4->open_actions == 3);
  CHECK(count_before(r4->open_action_dues, "2010-01-01") == 1);
  CHECK(count_before(r4->open_action_dues, "2026-01-01") == 3);

  auto done = s->apply_action_change(action_request("P3.1-A2", "status", "done", "2026-02-01T10:00:00Z", 0));
  REQUIRE(done.rows.size() == 1);
  CHECK(done.rows[0].subject == "P3.1-A2");
  CHECK(done.rows[0].from.empty());
  CHECK(done.version == 1);
  // Any case names the action; the row keeps the id as stored.
  auto moved = s->apply_action_change(action_request("p3.1-a1", "due", "2027-01-31", "2026-02-02T10:00:00Z"));
  CHECK(moved.rows[0].subject == "P3.1-A1");
  CHECK(moved.rows[0].from == "2010-04-30");
  CHECK(s->action("p3.1-a1")->due == "2027-01-31");

  // Refusals write nothing.
  CHECK_THROWS_WITH(s->apply_action_change(action_request("P3.1-A2", "status", "dropped", "2026-02-03T00:00:00Z", 0)),
                    Catch::Contains("P3.1-A2: its version is 1, not the expected 0"));
  CHECK_THROWS_WITH(s->apply_action_change(action_request("P3.1-A2", "status", "done", "2026-02-03T00:00:00Z")),
                    "P3.1-A2: the status is already done; nothing was written");
  CHECK_THROWS_WITH(s->apply_action_change(action_request("P3.1-A9", "status", "done", "2026-02-03T00:00:00Z")),
                    Catch::StartsWith("unknown action 'P3.1-A9'; did you mean"));
  CHECK(s->action_changes("").size() == 2);
  CHECK(s->action_changes("P3.1-A2").size() == 1);

  // The risk's counts follow, in the single read and in the whole-register scan.
  r4 = s->risk_state("R4");
  CHECK(r4->open_actions == 2);
  CHECK(count_before(r4->open_action_dues, "2026-06-01") == 1);
  auto facts = rules::load_facts(*s, f.matrix, at("2026-06-01"));
  auto it = std::find_if(facts.begin(), facts.end(), [](const rules::RiskFacts& x) { return x.id == "R4"; });
  REQUIRE(it != facts.end());
  CHECK(it->open_actions == 2);
  CHECK(it->overdue_actions == 1);
  auto one = rules::load_risk_facts(*s, f.matrix, "R4", at("2026-06-01"));
  CHECK(one.open_actions == 2);
  CHECK(one.overdue_actions == 1);
  // load() carries them to the graph (trace).
  auto data = s->load();
  for (const auto& p : data.priorities)
    for (const auto& a : p.actions)
      if (a.id == "P3.1-A2") CHECK(a.status == "done");

  auto v = verify_audit(*s);
  for (const auto& p : v.problems) UNSCOPED_INFO(p.message);
  CHECK(v.ok());
  // An action's status changed past riskreg fails verify, naming the action.
  f.backend.raw("UPDATE actions SET status = 'in-progress' WHERE id = 'P3.1-A2'");
  v = verify_audit(*s);
  REQUIRE_FALSE(v.ok());
  bool named = false;
  for (const auto& p : v.problems)
    named = named || p.message.find(
                         "P3.1-A2: its status is 'in-progress', not what its last change recorded, "
                         "'done' (the actions table was edited)") != std::string::npos;
  CHECK(named);
}

TEST_CASE("action changes are written byte for byte alike by SQLite and PostgreSQL, and survive migrate",
          "[store][contract][postgres][actions]") {
  Fixture<SqliteBackend> lite("data/darlington-2009");
  Fixture<PgBackend> pg("data/darlington-2009");
  auto a = lite.open();
  auto b = pg.open();
  for (Store* s : {a.get(), b.get()}) {
    s->apply_action_change(action_request("P3.1-A2", "status", "in-progress", "2026-02-01T10:00:00Z"));
    s->apply_action_change(action_request("P3.1-A2", "status", "done", "2026-03-01T10:00:00Z"));
    s->apply_action_change(action_request("P1-A1", "due", "", "2026-03-02T10:00:00Z"));
  }
  auto la = a->audit_log(), lb = b->audit_log();
  REQUIRE(la.size() == lb.size());
  CHECK(la.back().action == "action");
  CHECK(la.back().detail == lb.back().detail);
  CHECK(a->audit_head() == b->audit_head());
  std::string copy = test::pg_cluster().fresh_database();
  auto report = postgres().copy_from_sqlite(sqlite_path(lite.backend.db), copy);
  auto c = open_store(copy, StoreMode::Open);
  auto vc = verify_audit(*c);
  for (const auto& p : vc.problems) UNSCOPED_INFO(p.message);
  CHECK(vc.ok());
  CHECK(report.head == b->audit_head());
  CHECK(c->action("P3.1-A2")->status == "done");
  CHECK(c->action_changes("").size() == 3);
}

TEMPLATE_TEST_CASE(
    "store contract: rules versions are appended, read as of a time and verified, and a tampered one "
    "named",
    "[store][contract][rules]", SqliteBackend, PgBackend) {
  Fixture<TestType> f;
  auto s = f.open();
  std::string flags2 = "review_days = 30\n";
  NewRulesVersion v;
  v.files.push_back({"flags.toml", flags2, sha256_hex(flags2)});
  v.expect_version = 1;
  v.by = "manager";
  v.at = at("2026-02-01T09:00:00Z");
  v.reason = "monthly cadence";
  auto applied = s->apply_rules(v);
  CHECK(applied.version == 2);
  REQUIRE(applied.rows.size() == 1);
  CHECK(applied.rows[0].seq == static_cast<int64_t>(f.rules.size()) + 1);
  CHECK(applied.audit_seq == 2);
  CHECK_THROWS_AS(s->apply_rules(v), Error);  // still expects version 1
  CHECK(s->rules_rows().size() == f.rules.size() + 1);

  auto flags_of = [](const std::vector<RulesFile>& rules) {
    for (const auto& r : rules)
      if (r.name == "flags.toml") return r.content;
    return std::string();
  };
  CHECK(flags_of(s->rules()) == flags2);
  CHECK(flags_of(s->rules_as_of("2026-02-01T09:00:00Z")) == flags2);
  CHECK(flags_of(s->rules_as_of("2026-01-31T23:59:59Z")) == flags_of(f.rules));
  CHECK(s->rules_as_of("2025-12-31T00:00:00Z").empty());
  auto entries = s->audit_entries({events::kCreate, events::kRules});
  REQUIRE(entries.size() == 2);
  auto recorded = events::rules_of(entries[1]);
  REQUIRE(recorded);
  CHECK(recorded->version == 2);
  CHECK(recorded->rows.at("flags.toml") == applied.rows[0].seq);
  CHECK(recorded->reason == "monthly cadence");
  CHECK(verify_audit(*s).ok());

  const std::string row = std::to_string(applied.rows[0].seq);
  auto problem = [&](const std::string& sql) {
    f.backend.raw(sql);
    auto r = verify_audit(*f.open());
    REQUIRE_FALSE(r.problems.empty());
    return r.problems.front();
  };
  SECTION("UPDATE") {
    auto p = problem("UPDATE rules_files SET content = 'review_days = 1' WHERE seq = " + row);
    CHECK(p.entry == 2);
    CHECK(p.message.rfind("the rules file 'flags.toml' in force was edited: its content's SHA-256 is ", 0) == 0);
  }
  SECTION("DELETE") {
    auto p = problem("DELETE FROM rules_files WHERE seq = " + row);
    CHECK(p.entry == 2);
    CHECK(p.message == "the rules file 'flags.toml' of rules version 2 (row " + row +
                           ") recorded by entry 2 is missing from the register (deleted)");
  }
  SECTION("INSERT") {
    auto p = problem(
        "INSERT INTO rules_files (name, content, sha256, loaded_at, loaded_by) VALUES ('flags.toml', 'x = 1', '', "
        "'2026-02-02T00:00:00Z', 'mallory')");
    CHECK(p.entry == 2);
    CHECK(p.message.find("has no audit entry (inserted outside riskreg); entry 2 recorded its last version") !=
          std::string::npos);
  }
}

TEST_CASE("links, feeds, decisions and a lapse are written byte for byte alike by SQLite and PostgreSQL",
          "[store][contract][postgres][lifecycle]") {
  Fixture<SqliteBackend> lite("data/darlington-2009");
  Fixture<PgBackend> pg("data/darlington-2009");
  auto a = lite.open();
  auto b = pg.open();
  std::vector<std::string> refusals[2];
  int side = 0;
  for (Store* s : {a.get(), b.get()}) {
    s->apply_change(change(events::kLink, "R4", {{"priority:P3.3", EditOp::Set, "linked", 0}}, "2026-02-01"));
    s->apply_change(change(events::kUnlink, "R1", {{"priority:P3.2", EditOp::Set, "", 0}}, "2026-02-02"));
    s->apply_change(
        change(events::kFeed, "R4", {{"feed:R7", EditOp::Set, changes::feed_value("stated", 0.25), 0}}, "2026-02-03"));
    s->apply_change(change(events::kUnfeed, "R5", {{"feed:R1", EditOp::Set, "", 0}}, "2026-02-04"));
    // R6 (B2) tolerated at its score, then re-scored to a worse cell: the acceptance lapses.
    lifecycle::RespondRequest tolerate{"R6", "tolerate", std::string("Jane Doe"), std::string("2026-12-31"),
                                       std::nullopt};
    ChangeRequest respond =
        lifecycle::respond_change(*s->risk_state("R6"), lite.rules, lite.matrix, at("2026-02-05"), tolerate);
    respond.by = "mgr";
    respond.at = at("2026-02-05");
    respond.reason = "accepted for the year";
    s->apply_change(respond);
    auto worse = rescore(*s, lite.matrix, FixedClock(at("2026-03-01")), {"R6", "A1", "worse", "b", std::nullopt});
    CHECK_FALSE(worse.lapse.empty());
    // The refusals read alike too.
    for (auto bad : {change(events::kLink, "R4", {{"priority:P99", EditOp::Set, "linked", 0}}, "2026-03-02"),
                     change(events::kFeed, "R4", {{"feed:R4", EditOp::Set, "stated", 0}}, "2026-03-02"),
                     change(events::kFeed, "R4", {{"feed:R99", EditOp::Set, "stated", 0}}, "2026-03-02")}) {
      try {
        s->apply_change(bad);
        refusals[side].push_back("(written)");
      } catch (const Error& e) {
        refusals[side].push_back(e.what());
      }
    }
    ++side;
  }
  REQUIRE(refusals[0].size() == 3);
  CHECK(refusals[0] == refusals[1]);
  CHECK_THAT(refusals[0][0],
             Catch::StartsWith("unknown priority 'P99'") && Catch::Contains("(priorities: P1, P2, P3, P3.1"));
  CHECK(refusals[0][1] == "R4 cannot feed itself; nothing was written");
  CHECK(refusals[0][2] == "unknown risk 'R99'");

  CHECK(same_audit_log(*a, *b) ==
        std::set<std::string>{"create", "link", "unlink", "feed", "unfeed", "respond", "score", "lapse"});
  CHECK(a->audit_head() == b->audit_head());
  CHECK(a->risk_state("R6")->response.empty());
  CHECK(b->risk_state("R6")->response.empty());
  auto va = verify_audit(*a), vb = verify_audit(*b);
  for (const auto& p : vb.problems) UNSCOPED_INFO(p.message);
  CHECK(va.ok());
  CHECK(vb.ok());
  CHECK(va.head == vb.head);
  // migrate copies them: the copy verifies with the same head.
  std::string copy = test::pg_cluster().fresh_database();
  CHECK(postgres().copy_from_sqlite(sqlite_path(lite.backend.db), copy).head == va.head);
  auto vc = verify_audit(*open_store(copy, StoreMode::Open));
  CHECK(vc.ok());
  CHECK(vc.head == va.head);
}
