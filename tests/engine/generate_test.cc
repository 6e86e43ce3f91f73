// riskreg generate: determinism for a seed, a realistic spread, cycles, a sound audit
// trail; and the whole-register load path (merged counts, streamed flags) on its output.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "core/error.h"
#include "core/text.h"
#include "graph/cascade.h"
#include "register/generate.h"
#include "register/risk_view.h"
#include "register/rules_bundle.h"
#include "rules/flags.h"
#include "store/sqlite_store.h"
#include "store/verify.h"
#include "support.h"
#ifndef RISKREG_TSAN_TESTS  // (the ThreadSanitizer build has no PostgreSQL)
#include "pg_cluster.h"
#include "store/open.h"
#endif

using namespace riskreg;
using riskreg::test::source_path;
using riskreg::test::TempDir;

namespace {

const FixedClock kClock(*parse_timestamp("2026-11-23T09:00:00Z"));

/// A generated register at `db` (a file or a PostgreSQL URL); returns `db`.
std::string generate_at(const std::string& db, int64_t risks, uint64_t seed, int bodies = 0) {
  GenerateRequest req;
  req.db_path = db;
  req.rules_dir = source_path("rules");
  req.risks = risks;
  req.seed = seed;
  req.bodies = bodies;
  req.by = "generator";
  generate_register(req, kClock);
  return req.db_path;
}

std::string generate(const TempDir& dir, const std::string& name, int64_t risks, uint64_t seed, int bodies = 0) {
  return generate_at(dir.file(name), risks, seed, bodies);
}

/// Every row of every table the generator writes, in a fixed order: equal dumps are equal registers.
std::string dump(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  std::string out;
  for (const char* sql :
       {"SELECT * FROM meta ORDER BY key", "SELECT * FROM risks ORDER BY key", "SELECT * FROM assessments ORDER BY id",
        "SELECT * FROM owner_changes ORDER BY id", "SELECT * FROM feeds ORDER BY from_risk, to_risk",
        "SELECT * FROM objectives ORDER BY pos", "SELECT * FROM priorities ORDER BY pos",
        "SELECT * FROM priority_risks ORDER BY priority, risk", "SELECT * FROM actions ORDER BY id",
        "SELECT * FROM audit ORDER BY seq"}) {
    SQLite::Statement st(db, sql);
    while (st.executeStep()) {
      for (int i = 0; i < st.getColumnCount(); ++i) out += st.getColumn(i).getString() + "|";
      out += "\n";
    }
  }
  return out;
}

int64_t count(const std::string& path, const std::string& sql) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  return db.execAndGet(sql).getInt64();
}

}  // namespace

TEST_CASE("generate: the same seed gives the same register, another seed another", "[generate]") {
  TempDir dir;
  auto a = dump(generate(dir, "a.db", 2000, 7));
  auto b = dump(generate(dir, "b.db", 2000, 7));
  auto c = dump(generate(dir, "c.db", 2000, 8));
  REQUIRE(a.size() > 100000);
  CHECK(a == b);
  CHECK(a != c);
}

TEST_CASE("generate: sizes from Darlington's nine risks up, and an existing register is kept", "[generate]") {
  TempDir dir;
  auto path = generate(dir, "nine.db", 9, 1);
  SqliteStore store(path, SqliteStore::Mode::Open);
  auto n = store.counts();
  CHECK(n.risks == 9);
  CHECK(n.assessments >= 9);
  CHECK(store.risk_ids().front() == "R1");
  CHECK(store.risk("R9").has_value());
  GenerateRequest again;
  again.db_path = path;
  again.rules_dir = source_path("rules");
  again.risks = 20;
  again.by = "generator";
  CHECK_THROWS_AS(generate_register(again, kClock), Error);
  CHECK(SqliteStore(path, SqliteStore::Mode::Open).counts().risks == 9);
  again.force = true;
  generate_register(again, kClock);
  CHECK(SqliteStore(path, SqliteStore::Mode::Open).counts().risks == 20);
}

TEST_CASE("generate: a realistic spread over the matrix, owners, priorities, actions and feeds", "[generate]") {
  TempDir dir;
  const int64_t n = 5000;
  auto path = generate(dir, "r.db", n, 3, 5);
  SqliteStore store(path, SqliteStore::Mode::Open);
  auto m = matrix_from(store.rules());
  std::map<int, int64_t> by_cell;
  int64_t owned = 0, targeted = 0, mitigated = 0, with_actions = 0, rescored = 0;
  std::set<std::string> bodies;
  store.for_each_risk([&](const RiskState& s) {
    auto v = view_of(s, m);
    REQUIRE(v.current);
    ++by_cell[m.index(*v.current)];
    owned += s.owner.has_value();
    targeted += s.target.has_value();
    mitigated += s.priorities > 0;
    with_actions += s.actions > 0;
    rescored += s.previous.has_value();
  });
  // Most cells are used, the centre more than the most severe corner.
  CHECK(by_cell.size() >= static_cast<size_t>(m.cell_count() * 3 / 4));
  int centre = m.index({m.likelihood.size() / 2, m.impact.size() / 2});
  int corner = m.index({m.likelihood.size() - 1, m.impact.size() - 1});
  CHECK(by_cell[centre] > 3 * by_cell[corner]);
  CHECK(owned > n * 7 / 10);
  CHECK(owned < n * 9 / 10);
  CHECK(targeted > n / 2);
  CHECK(mitigated > n / 2);
  CHECK(mitigated < n * 8 / 10);
  CHECK(with_actions > n / 3);
  CHECK(rescored > n / 5);
  CHECK(rescored < n * 3 / 5);
  CHECK(count(path, "SELECT count(DISTINCT heading) FROM risks") == 5);
  CHECK(count(path, "SELECT count(*) FROM actions WHERE lead_officers = '[]' OR completion = ''") == 0);
  CHECK(count(path, "SELECT count(*) FROM actions WHERE pis = '[]'") == 0);
  // About one feed link per risk; in-degree heavy-tailed (hubs), out-degree mostly small.
  auto feeds = count(path, "SELECT count(*) FROM feeds");
  CHECK(feeds > n * 8 / 10);
  CHECK(feeds < n * 2);
  auto max_in = count(path, "SELECT max(c) FROM (SELECT count(*) AS c FROM feeds GROUP BY to_risk)");
  CHECK(max_in > 20 * feeds / n);
  CHECK(count(path, "SELECT count(*) FROM risks WHERE key NOT IN (SELECT from_risk FROM feeds)") > n / 5);
}

TEST_CASE("generate: feed links include cycles", "[generate]") {
  TempDir dir;
  auto path = generate(dir, "r.db", 3000, 11);
  SqliteStore store(path, SqliteStore::Mode::Open);
  std::map<std::string, std::vector<std::string>> out;
  store.for_each_feed([&](const Feed& f) { out[f.from].push_back(f.to); });
  // The seeded loop, and a depth-first search that finds a back edge.
  CHECK(std::count(out["R1"].begin(), out["R1"].end(), "R2") == 1);
  CHECK(std::count(out["R2"].begin(), out["R2"].end(), "R3") == 1);
  CHECK(std::count(out["R3"].begin(), out["R3"].end(), "R1") == 1);
  std::map<std::string, int> colour;  // 0 new, 1 on the stack, 2 done
  int64_t back_edges = 0;
  for (const auto& id : store.risk_ids()) {
    if (colour[id]) continue;
    std::vector<std::pair<std::string, size_t>> stack{{id, 0}};
    colour[id] = 1;
    while (!stack.empty()) {
      auto& [v, i] = stack.back();
      if (i < out[v].size()) {
        std::string w = out[v][i++];
        if (colour[w] == 1) ++back_edges;
        if (colour[w] == 0) colour[w] = 1, stack.push_back({w, 0});
      } else {
        colour[v] = 2;
        stack.pop_back();
      }
    }
  }
  CHECK(back_edges > 3);
}

TEST_CASE("generate: the register and its history of re-scores pass audit verify", "[generate]") {
  TempDir dir;
  auto path = generate(dir, "r.db", 1500, 5);
  SqliteStore store(path, SqliteStore::Mode::Open);
  auto n = store.counts();
  CHECK(n.assessments > n.risks + n.risks / 5);
  CHECK(n.audit == 1 + (n.assessments - n.risks));  // "create", then one "score" entry per re-score
  auto v = verify_audit(store);
  CHECK(v.ok());
  CHECK(v.entries == n.audit);
  // Re-scores are in time order and within the two years before now.
  CHECK(count(path,
              "SELECT count(*) FROM assessments a JOIN assessments b ON b.id = a.id + 1 "
              "WHERE b.assessed_at < a.assessed_at") == 0);
  CHECK(count(path, "SELECT count(*) FROM assessments WHERE assessed_at > '2026-11-23T09:00:00Z'") == 0);
}

TEST_CASE("load path: the merged whole-register scan agrees with per-risk reads", "[generate][store]") {
  TempDir dir;
  auto path = generate(dir, "r.db", 1200, 9);
  SqliteStore store(path, SqliteStore::Mode::Open);
  int64_t seen = 0, mitigated = 0;
  std::vector<RiskState> all;
  store.for_each_risk([&](const RiskState& s) { all.push_back(s); });
  for (const auto& s : all) {
    auto one = store.risk_state(s.id);
    REQUIRE(one);
    CHECK(one->priorities == s.priorities);
    CHECK(one->actions == s.actions);
    CHECK(one->owner == s.owner);
    CHECK(one->target == s.target);
    CHECK((one->current ? one->current->id : 0) == (s.current ? s.current->id : 0));
    CHECK((one->previous ? one->previous->at : "") == (s.previous ? s.previous->at : ""));
    mitigated += s.priorities > 0;
    ++seen;
  }
  CHECK(seen == 1200);
  CHECK(mitigated > 0);
}

TEST_CASE("load path: streamed flags risk by risk equal the whole-register flags", "[generate][rules]") {
  TempDir dir;
  auto path = generate(dir, "r.db", 800, 4);
  SqliteStore store(path, SqliteStore::Mode::Open);
  auto m = matrix_from(store.rules());
  Timestamp now = kClock.now();
  for (bool upstream : {false, true}) {
    auto set = upstream ? rules::load_rules_text(R"toml(
[[rule]]
name = "FED"
severity = "warning"
when = 'upstream_above >= 1 and upstream >= 2'
message = "{id}"
)toml",
                                                 "t.toml", m)
                        : rules::rule_set_from(store.rules(), m);
    auto report = rules::flag_register(store, m, set, now);
    std::map<std::string, std::vector<std::string>> whole;
    for (const auto& f : report.flags) whole[report.facts[f.risk].id].push_back(f.rule->name);
    rules::RiskFlagger flagger(store, m, set, now);
    std::map<std::string, std::vector<std::string>> streamed;
    store.for_each_risk([&](const RiskState& s) {
      for (const auto* r : flagger.fired(s)) streamed[s.id].push_back(r->name);
    });
    CHECK(report.flags.size() > 10);
    CHECK(streamed == whole);
  }
}

namespace {
/// Everything Store::for_each_export streams, as text, to compare two implementations.
std::string export_stream(Store& s, const std::optional<std::string>& as_of, bool base) {
  std::ostringstream out;
  auto list = [&](const std::vector<std::string>& v) {
    for (const auto& x : v) out << x << '|';
    out << ';';
  };
  auto on_risk = [&](ExportRisk& r) {
    const auto& st = r.state;
    out << "R " << st.id << ' ' << st.title << ' ' << st.owner.value_or("-") << ' '
        << (st.current ? std::to_string(st.current->id) + st.current->score.likelihood + st.current->score.impact : "-")
        << ' ' << (st.previous ? std::to_string(st.previous->id) : "-") << ' '
        << (st.target ? st.target->likelihood + st.target->impact : "-") << ' ' << st.priorities << ' ' << st.actions
        << ' ' << r.heading << ' ' << r.vulnerability << ' ';
    for (const auto* v : {&r.triggers, &r.consequences, &r.controls, &r.notes, &r.priorities, &r.actions}) list(*v);
    for (const auto& f : r.feeds)
      out << f.from << '>' << f.to << ' ' << f.basis << ' '
          << (f.transition_probability ? std::to_string(*f.transition_probability) : "-") << '|';
    std::vector<std::string> up;  // the order of a risk's sources is not part of the contract
    for (const auto& u : r.upstream) up.push_back(u ? u->likelihood + u->impact : "-");
    std::sort(up.begin(), up.end());
    list(up);
    out << '\n';
    for (const auto& a : r.history)
      out << "A " << a.id << ' ' << a.risk_id << ' ' << a.score.likelihood << a.score.impact << ' ' << a.by << ' '
          << a.at << ' ' << a.reason << '\n';
    // The consumer may take the row's parts (the stream sets every field afresh).
    std::vector<AssessmentRow>().swap(r.history);
    r.feeds.clear();
    r.state.current.reset();
  };
  if (base)
    s.Store::for_each_export(as_of, true, on_risk);
  else
    s.for_each_export(as_of, true, on_risk);
  return out.str();
}
}  // namespace

TEST_CASE("the SQLite export stream is what per-risk reads give, now and as of a time", "[generate][store][export]") {
  TempDir dir;
  SqliteStore s(generate(dir, "g.db", 400, 3), SqliteStore::Mode::Open);
  for (std::optional<std::string> as_of :
       {std::optional<std::string>(), std::optional<std::string>("2025-11-23T09:00:00Z"),
        std::optional<std::string>("2026-06-01T00:00:00Z")}) {
    INFO(as_of.value_or("now"));
    auto merged = export_stream(s, as_of, false);
    CHECK(merged.size() > 1000);
    CHECK(merged == export_stream(s, as_of, true));
  }
  CHECK(s.audit_head(std::nullopt) == s.audit_log().back().hash);
  CHECK(s.audit_head(std::string("2000-01-01T00:00:00Z")).empty());
  CHECK(s.audit_head(std::string("2026-06-01T00:00:00Z")) == s.Store::audit_head(std::string("2026-06-01T00:00:00Z")));
}

#ifndef RISKREG_TSAN_TESTS
TEST_CASE("the PostgreSQL export stream and audit head are what per-risk reads give, now and as of a time",
          "[generate][store][export][postgres]") {
  auto s = open_store(generate_at(test::pg_cluster().fresh_database(), 300, 3), StoreMode::Open);
  for (std::optional<std::string> as_of :
       {std::optional<std::string>(), std::optional<std::string>("2025-11-23T09:00:00Z"),
        std::optional<std::string>("2026-06-01T00:00:00Z")}) {
    INFO(as_of.value_or("now"));
    auto streamed = export_stream(*s, as_of, false);
    CHECK(streamed.size() > 1000);
    CHECK(streamed == export_stream(*s, as_of, true));
    CHECK(s->audit_head(as_of) == s->Store::audit_head(as_of));
  }
  CHECK(s->audit_head(std::nullopt) == s->audit_log().back().hash);
  CHECK(s->audit_head(std::string("2000-01-01T00:00:00Z")).empty());
}
#endif

TEST_CASE("the SQLite export stream reads a current assessment kept outside the risk's own history",
          "[generate][store][export]") {
  // A register edited by hand: one risk's current assessment is another risk's, another's
  // previous assessment is no assessment at all. The stream (which finds both in the risk's
  // history as it passes) must give what per-risk reads give, past its first batch of risks.
  TempDir dir;
  auto path = generate(dir, "g.db", 700, 5);
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec(
        "UPDATE risks SET current_assessment = (SELECT min(id) FROM assessments WHERE risk = 1) "
        "WHERE key = (SELECT max(key) FROM risks)");
    db.exec("UPDATE risks SET previous_assessment = 987654321 WHERE key = 600");
  }
  SqliteStore s(path, SqliteStore::Mode::Open);
  auto merged = export_stream(s, std::nullopt, false);
  CHECK(merged == export_stream(s, std::nullopt, true));
  auto last = s.risk_state(s.risk_ids().back());
  REQUIRE(last);
  REQUIRE(last->current);
  CHECK(merged.find("R " + last->id + " ") != std::string::npos);
  CHECK(last->current->id == s.history(s.risk_ids().front()).front().id);
}

namespace {
/// Every brief and feed link of a scan, as text: equal dumps are equal scans. Checks the
/// scan's promises on the way: each position once, no worker's calls overlapping.
std::string scan_dump(Store& store, bool base, unsigned* workers_used = nullptr) {
  std::vector<std::string> risks;
  std::vector<std::atomic<int>> busy(2);
  std::atomic<int> overlaps{0}, repeats{0};  // (Catch's CHECK is not for other threads)
  std::string feeds;
  auto start = [&](size_t n, unsigned workers) {
    risks.assign(n, "");
    busy = std::vector<std::atomic<int>>(workers);
    if (workers_used) *workers_used = workers;
  };
  auto risk = [&](unsigned worker, size_t pos, const RiskBrief& b) {
    if (busy.at(worker)++) ++overlaps;
    auto codes = [](const std::optional<ScoreCodes>& c) { return c ? c->likelihood + c->impact : "-"; };
    if (pos >= risks.size()) risks.resize(pos + 1);  // (the serial count is a hint)
    if (!risks[pos].empty()) ++repeats;
    risks[pos] = b.id + "|" + b.title + "|" + b.owner.value_or("-") + "|" + codes(b.target) + "|" + codes(b.current) +
                 "|" + codes(b.previous) + "|" + b.assessed_at + "|" + std::to_string(b.priorities) + "|" +
                 std::to_string(b.actions) + "\n";
    --busy[worker];
  };
  auto feed = [&](size_t from, size_t to) { feeds += std::to_string(from) + ">" + std::to_string(to) + "\n"; };
  if (base) {
    // The reference: the same scan built from the two streams (each their own read).
    std::unordered_map<std::string, size_t> position;
    start(static_cast<size_t>(store.counts().risks), 1);
    store.for_each_risk([&](const RiskState& s) {
      size_t at = position.size();
      position.emplace(s.id, at);
      risk(0, at, brief_of(s));
    });
    store.for_each_feed([&](const Feed& f) {
      auto from = position.find(f.from), to = position.find(f.to);
      if (from != position.end() && to != position.end()) feed(from->second, to->second);
    });
  } else {
    store.scan_register(start, risk, feed);
  }
  CHECK(overlaps == 0);
  CHECK(repeats == 0);
  std::string out;
  for (const auto& r : risks) out += r.empty() ? "MISSING\n" : r;
  return out + feeds;
}
}  // namespace

TEST_CASE("load path: the SQLite register scan equals the one built from for_each_risk and for_each_feed",
          "[generate][store]") {
  TempDir dir;
  auto path = generate(dir, "r.db", 900, 12);
  SqliteStore store(path, SqliteStore::Mode::Open);
  auto ours = scan_dump(store, false);
  CHECK(ours == scan_dump(store, true));
  CHECK(ours.find("|B") != std::string::npos);  // scored risks are in it
  // Keys with a gap (a risk inserted with its own key) and a feed link to it: positions still line up.
  store.db().exec(
      "INSERT INTO risks (key, id, title) VALUES (5000, 'RX', 'Far key');"
      "INSERT INTO assessments (risk, likelihood, impact, assessed_by, assessed_at, reason) "
      "VALUES (5000, 'A', '1', 't', '2026-01-02T00:00:00Z', 't');"
      "UPDATE risks SET current_assessment = last_insert_rowid() WHERE key = 5000;"
      "INSERT INTO feeds (from_risk, to_risk, basis, evidence) VALUES (1, 5000, 'stated', 't'), "
      "(5000, 2, 'inferred', 't');");
  auto gapped = scan_dump(store, false);
  CHECK(gapped == scan_dump(store, true));
  CHECK(gapped.find("RX|Far key|-|-|A1|-|2026-01-02T00:00:00Z|0|0") != std::string::npos);
  CHECK(gapped.find("0>900\n") != std::string::npos);
  CHECK(gapped.find("900>1\n") != std::string::npos);
}

TEST_CASE("load path: a large register's scan split over two threads equals the scan on one", "[generate][store]") {
  TempDir dir;
  SqliteStore store(generate(dir, "p.db", 1500, 21), SqliteStore::Mode::Open);
  unsigned workers = 0;
  auto serial = scan_dump(store, false, &workers);
  CHECK(workers == 1);  // 1,500 risks: under the threshold
  store.set_parallel_scan_from(1000);
  auto split = scan_dump(store, false, &workers);
  CHECK(workers == (std::thread::hardware_concurrency() >= 2 ? 2u : 1u));
  CHECK(split == serial);
  CHECK(split.find("MISSING") == std::string::npos);

  // The facts evaluation reads, both ways, field by field.
  Matrix m = matrix_from(store.rules());
  auto now = *parse_timestamp("2026-11-23T09:00:00Z");
  auto parallel_facts = rules::load_facts(store, m, now);
  store.set_parallel_scan_from(SIZE_MAX);
  auto serial_facts = rules::load_facts(store, m, now);
  REQUIRE(parallel_facts.size() == 1500);
  REQUIRE(serial_facts.size() == 1500);
  size_t differing = 0, fed = 0;
  for (size_t i = 0; i < 1500; ++i) {
    const auto &a = parallel_facts[i], &b = serial_facts[i];
    fed += a.upstream > 0;
    differing += std::tie(a.id, a.title, a.owner, a.cell, a.previous_cell, a.target_cell, a.days_since_assessment,
                          a.priorities, a.actions, a.upstream, a.upstream_above) !=
                 std::tie(b.id, b.title, b.owner, b.cell, b.previous_cell, b.target_cell, b.days_since_assessment,
                          b.priorities, b.actions, b.upstream, b.upstream_above);
  }
  CHECK(differing == 0);
  CHECK(fed > 100);

  // The rules evaluated in two halves give the flags of one pass, in the same order.
  auto set = rules::rule_set_from(store.rules(), m);
  auto whole = rules::evaluate(set, serial_facts, SIZE_MAX);
  auto halves = rules::evaluate(set, serial_facts, 100);
  REQUIRE(whole.size() > 1500);
  REQUIRE(halves.size() == whole.size());
  size_t moved = 0;
  for (size_t i = 0; i < whole.size(); ++i) moved += whole[i].risk != halves[i].risk || whole[i].rule != halves[i].rule;
  CHECK(moved == 0);

  // A score not on the matrix in the second half (the other thread's share) stops the load
  // with the risk's id, as it does on one thread.
  store.set_parallel_scan_from(1000);
  store.db().exec("DROP TRIGGER assessments_append_only_u");
  store.db().exec(
      "UPDATE assessments SET likelihood = 'Q' WHERE id = (SELECT current_assessment FROM risks "
      "WHERE key = (SELECT max(key) FROM risks))");
  auto last = store.db().execAndGet("SELECT id FROM risks ORDER BY key DESC LIMIT 1").getString();
  CHECK_THROWS_WITH(rules::load_facts(store, m, now), Catch::Contains(last + ": stored score Q/"));
}

#ifndef RISKREG_TSAN_TESTS
TEST_CASE("the PostgreSQL register scan reads one snapshot and equals SQLite's scan of the same register",
          "[generate][store][postgres]") {
  // More risks than one page of the scan (5,000), so the pages are read in one transaction.
  TempDir dir;
  SqliteStore lite(generate(dir, "s.db", 5100, 11), SqliteStore::Mode::Open);
  const std::string url = generate_at(test::pg_cluster().fresh_database(), 5100, 11);
  auto pg = open_store(url, StoreMode::Open);
  auto scanned = scan_dump(*pg, false);
  CHECK(scanned == scan_dump(*pg, true));
  CHECK(scanned == scan_dump(lite, false));
  CHECK(scanned.find("MISSING") == std::string::npos);

  // A risk and a feed link committed by another connection while the scan runs are in none of
  // its reads: the count, the later pages and the feeds are all of the snapshot it began with.
  size_t announced = 0, seen = 0, feeds_seen = 0;
  bool wrote = false;
  pg->scan_register([&](size_t n, unsigned) { announced = n; },
                    [&](unsigned, size_t, const RiskBrief& b) {
                      ++seen;
                      CHECK(b.id != "RLATE");
                      if (!wrote) {
                        wrote = true;
                        test::pg_cluster().exec(url,
                                                "INSERT INTO risks (key, id, title) VALUES (900001, 'RLATE', 'Late');"
                                                "INSERT INTO feeds (from_risk, to_risk, basis, evidence) "
                                                "VALUES (900001, 1, 'stated', 't')");
                      }
                    },
                    [&](size_t, size_t) { ++feeds_seen; });
  CHECK(wrote);
  CHECK(announced == 5100);
  CHECK(seen == 5100);
  auto after = scan_dump(*pg, false);
  CHECK(after != scanned);
  CHECK(after.find("RLATE|Late") != std::string::npos);
  size_t feeds_after = 0;
  pg->scan_register([](size_t, unsigned) {}, [](unsigned, size_t, const RiskBrief&) {},
                    [&](size_t, size_t) { ++feeds_after; });
  CHECK(feeds_seen > 100);
  CHECK(feeds_after == feeds_seen + 1);
}
#endif

TEST_CASE("cascade: the downstream neighbourhood gives the cascade of the whole register", "[generate][graph]") {
  TempDir dir;
  auto path = generate(dir, "r.db", 1500, 3);
  SqliteStore store(path, SqliteStore::Mode::Open);
  auto m = matrix_from(store.rules());
  auto rule = cascade_rule_from(store.rules());
  REQUIRE(rule);
  RegisterNetwork whole = build_network(store.load());
  auto describe = [&](const CascadeResult& c) {
    std::string s = c.risk + " " + std::to_string(c.band_change) + ":";
    for (const auto& st : c.steps)
      s += " " + join(st.path, ">") + "=" + m.format(st.to) + "/" + join(st.priorities, ",") + "/" +
           join(st.officers, ",");
    return s + " | " + join(c.crossing, ",") + " | " + join(c.priorities, ",") + " | " + join(c.actions, ",") + " | " +
           join(c.officers, ",");
  };
  size_t moved = 0;
  for (const auto& id : store.risk_ids()) {
    if (std::stoi(id.substr(1)) % 7 != 0) continue;  // a sample of the register
    NodeId node = *whole.graph.find(NodeKind::Risk, id);
    const Risk* r = whole.risk(node);
    std::optional<Cell> from = r->current ? m.cell(*r->current) : std::nullopt;
    Cell to{m.likelihood.size() - 1, m.impact.size() - 1};  // the worst cell: the largest move
    auto expected = cascade(whole, m, *rule, node, from, to);
    RegisterNetwork part = build_network(store.downstream(id, rule->max_depth).part);
    auto got = cascade(part, m, *rule, *part.graph.find(NodeKind::Risk, id), from, to);
    CHECK(describe(got) == describe(expected));
    moved += expected.steps.size();
    // The default (filtering load(): the whole register per call) reads the same neighbourhood;
    // compared on a quarter of the sample, each call loading all 1,500 risks.
    if (std::stoi(id.substr(1)) % 28 != 0) continue;
    auto a = store.downstream(id, rule->max_depth).part, b = store.Store::downstream(id, rule->max_depth).part;
    CHECK(a.risks.size() == b.risks.size());
    CHECK(a.feeds.size() == b.feeds.size());
    CHECK(a.priorities.size() == b.priorities.size());
    CHECK(store.feeder_scores(id) == store.Store::feeder_scores(id));
  }
  CHECK(moved > 20);
  CHECK_THROWS_AS(store.downstream("R999999", 5), Error);
}
