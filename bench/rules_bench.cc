// Rules engine benchmark (not a test): 10 rules over a synthetic register of 1,000,000
// risks written into a real SQLite file through the store, loaded, then evaluated in
// memory on one core. Reports rule evaluations per second in the evaluation step and the
// share of time in loading versus evaluating. Target: >= 5 million evaluations/s.
//
//   build-*/bench/bench_rules_bench [--benchmark_filter=...]
//   RISKREG_BENCH_RISKS=100000 to try a smaller register.
#include <benchmark/benchmark.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>

#include <unistd.h>

#include "register/rules_bundle.h"
#include "rules/flags.h"
#include "store/sqlite_store.h"

namespace fs = std::filesystem;
using namespace riskreg;

namespace {

/// The six default rules and four more, so that ten rules are evaluated per risk.
const char* kRules = R"toml(
[params]
stale_days = 91

[[rule]]
name = "ABOVE_APPETITE"
severity = "warning"
when = 'above_appetite'
message = "{id} is at {cell} ({band}), above the appetite line"

[[rule]]
name = "NO_TARGET"
severity = "warning"
when = 'not has_target'
message = "{id} has no target score"

[[rule]]
name = "UNMITIGATED"
severity = "critical"
when = 'above_appetite and priorities == 0 and actions == 0'
message = "{id} is unmitigated"

[[rule]]
name = "STALE_REVIEW"
severity = "warning"
when = 'days_since_assessment == none or days_since_assessment > stale_days'
message = "{id} is stale"

[[rule]]
name = "WORSENED"
severity = "critical"
when = 'direction == "worse"'
message = "{id} worsened"

[[rule]]
name = "NO_OWNER"
severity = "warning"
when = 'owner == none or owner == ""'
message = "{id} has no owner"

[[rule]]
name = "VERY_LIKELY"
severity = "info"
when = 'likelihood >= B and impact in (1, 2)'
message = "{id}"

[[rule]]
name = "FAR_FROM_TARGET"
severity = "warning"
when = 'has_target and target_distance >= 3'
message = "{id}"

[[rule]]
name = "FED_FROM_ABOVE"
severity = "warning"
when = 'upstream_above >= 2 or (upstream > 0 and band == "very-high")'
message = "{id}"

[[rule]]
name = "RED_CELLS"
severity = "info"
when = 'cell in ("A1", "A2", "B1", "B2") and not (owner == "Risk Manager")'
message = "{id}"
)toml";

struct Fixture {
  std::string path;
  Matrix matrix;
  rules::RuleSet rules;
  size_t risks = 0;
  double generate_seconds = 0;
};

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

/// Writes the synthetic register once per process: the store creates an empty register
/// with the rules bundle, then one transaction inserts the risks, their assessments and feeds.
const Fixture& fixture() {
  static const std::unique_ptr<Fixture> f = [] {
    auto fx = std::make_unique<Fixture>();
    const char* n = std::getenv("RISKREG_BENCH_RISKS");
    fx->risks = n ? std::strtoul(n, nullptr, 10) : 1000000;
    fx->path = (fs::temp_directory_path() / ("riskreg-rules-bench-" + std::to_string(::getpid()) + ".db")).string();
    fs::remove(fx->path);
    auto bundle = read_rules_dir((fs::path(__FILE__).parent_path().parent_path() / "rules").string());
    fx->matrix = matrix_from(bundle);
    fx->rules = rules::load_rules_text(kRules, "bench-rules.toml", fx->matrix);
    auto t0 = std::chrono::steady_clock::now();
    SqliteStore store(fx->path, SqliteStore::Mode::Create);
    RegisterData empty;
    empty.info.name = "Synthetic benchmark register";
    Timestamp at = *parse_timestamp("2026-01-01T00:00:00Z");
    store.create(empty, bundle, "bench", at, "benchmark");
    SQLite::Database& db = store.db();
    db.exec("PRAGMA synchronous = OFF");
    SQLite::Transaction tx(db);
    SQLite::Statement risk(db, "INSERT INTO risks (key, id, title, owner, target_likelihood, target_impact) "
                               "VALUES (?, ?, ?, ?, ?, ?)");
    SQLite::Statement assess(db, "INSERT INTO assessments (id, risk, likelihood, impact, assessed_by, assessed_at, "
                                 "reason) VALUES (?, ?, ?, ?, 'bench', ?, 'synthetic')");
    SQLite::Statement link(db, "UPDATE risks SET current_assessment = ?, previous_assessment = ? WHERE key = ?");
    SQLite::Statement feed(db, "INSERT OR IGNORE INTO feeds (from_risk, to_risk, basis, evidence) "
                               "VALUES (?, ?, 'inferred', 'synthetic')");
    std::mt19937_64 rng(42);
    const auto& L = fx->matrix.likelihood.levels;
    const auto& I = fx->matrix.impact.levels;
    int64_t aid = 0;
    for (int64_t k = 1; k <= static_cast<int64_t>(fx->risks); ++k) {
      risk.bind(1, k);
      risk.bind(2, "S" + std::to_string(k));
      risk.bind(3, "Synthetic risk " + std::to_string(k));
      if (rng() % 3) risk.bind(4, "Owner " + std::to_string(rng() % 500));
      else risk.bind(4);
      if (rng() % 2) {
        risk.bind(5, L[rng() % L.size()].code);
        risk.bind(6, I[rng() % I.size()].code);
      } else {
        risk.bind(5);
        risk.bind(6);
      }
      risk.exec();
      risk.reset();
      int64_t prev = 0;
      int count = 1 + static_cast<int>(rng() % 2);
      for (int a = 0; a < count; ++a) {
        assess.bind(1, ++aid);
        assess.bind(2, k);
        assess.bind(3, L[rng() % L.size()].code);
        assess.bind(4, I[rng() % I.size()].code);
        assess.bind(5, format_timestamp(at + std::chrono::days(rng() % 365)));
        assess.exec();
        assess.reset();
        if (a + 1 < count) prev = aid;
      }
      link.bind(1, aid);
      if (prev) link.bind(2, prev);
      else link.bind(2);
      link.bind(3, k);
      link.exec();
      link.reset();
      if (k > 1) {  // about one feed link per risk, from an earlier risk
        feed.bind(1, static_cast<int64_t>(1 + rng() % (k - 1)));
        feed.bind(2, k);
        feed.exec();
        feed.reset();
      }
    }
    tx.commit();
    fx->generate_seconds = seconds_since(t0);
    return fx;
  }();
  return *f;
}

/// The whole pipeline: open the store, load every risk's facts, evaluate 10 rules on each.
void BM_LoadAndEvaluate(benchmark::State& state) {
  const Fixture& fx = fixture();
  double load = 0, eval = 0;
  size_t matches = 0, evals = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    SqliteStore store(fx.path, SqliteStore::Mode::Open);
    auto facts = rules::load_facts(store, fx.matrix, *parse_timestamp("2026-11-23T09:00:00Z"));
    load += seconds_since(t0);
    auto t1 = std::chrono::steady_clock::now();
    matches += rules::count_matches(fx.rules, facts);
    eval += seconds_since(t1);
    evals += facts.size() * fx.rules.rules.size();
    benchmark::DoNotOptimize(matches);
  }
  state.counters["risks"] = static_cast<double>(fx.risks);
  state.counters["rules"] = static_cast<double>(fx.rules.rules.size());
  state.counters["generate_s"] = fx.generate_seconds;
  state.counters["load_s"] = load / state.iterations();
  state.counters["eval_s"] = eval / state.iterations();
  state.counters["load_share"] = load / (load + eval);
  state.counters["eval_share"] = eval / (load + eval);
  state.counters["evals_per_s"] = static_cast<double>(evals) / eval;
  state.counters["flags"] = static_cast<double>(matches) / state.iterations();
}
BENCHMARK(BM_LoadAndEvaluate)->Unit(benchmark::kMillisecond)->Iterations(1);

/// The evaluation step alone, facts already in memory.
void BM_Evaluate(benchmark::State& state) {
  const Fixture& fx = fixture();
  SqliteStore store(fx.path, SqliteStore::Mode::Open);
  auto facts = rules::load_facts(store, fx.matrix, *parse_timestamp("2026-11-23T09:00:00Z"));
  size_t evals = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(rules::count_matches(fx.rules, facts));
    evals += facts.size() * fx.rules.rules.size();
  }
  state.counters["evals_per_s"] = benchmark::Counter(static_cast<double>(evals), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Evaluate)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  fs::remove(fixture().path);
  fs::remove(fixture().path + "-wal");
  fs::remove(fixture().path + "-shm");
  return 0;
}
