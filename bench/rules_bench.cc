// Rules engine benchmark (not a test): 10 rules over a synthetic register of 1,000,000
// risks written into a real SQLite file through the store, loaded, then evaluated in
// memory on one core. Reports rule evaluations per second in the evaluation step and the
// share of time in loading versus evaluating. Target: >= 5 million evaluations/s.
//
// BM_WholeRegister is issue 8's whole-register evaluation: open the register, load every
// risk's facts, count the matrix and the appetite line, evaluate the register's own rules
// (rules/flags.toml) with their messages. Target: under 2 s and 1 GiB for 1,000,000 risks.
// BM_EvaluateVsBaseline times our evaluator against a plain C++ loop over the same facts
// with the ten conditions written by hand (the lower bound), in the same run.
//
//   build-*/bench/bench_rules_bench [--benchmark_filter=...]
//   RISKREG_BENCH_RISKS=100000 to try a smaller register;
//   RISKREG_BENCH_DB=path.db to use an existing register (riskreg generate) instead;
//   RISKREG_BENCH_SMOKE=1 for a 1,000-risk smoke run.
#include <benchmark/benchmark.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <random>

#include <unistd.h>

#include "bench_size.h"
#include "register/rules_bundle.h"
#include "rules/flags.h"
#include "store/open.h"
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
  bool owned = true;  ///< written here (removed at exit), not given by RISKREG_BENCH_DB
};

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

/// CPU seconds of this process: on a machine shared with other work, wall time overstates.
double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// Writes the synthetic register once per process: the store creates an empty register
/// with the rules bundle, then one transaction inserts the risks, their assessments and feeds.
const Fixture& fixture() {
  static const std::unique_ptr<Fixture> f = [] {
    auto fx = std::make_unique<Fixture>();
    if (const char* given = std::getenv("RISKREG_BENCH_DB"); given && *given) {
      fx->path = given;
      fx->owned = false;
      SqliteStore store(fx->path, SqliteStore::Mode::Open);
      fx->matrix = matrix_from(store.rules());
      fx->rules = rules::load_rules_text(kRules, "bench-rules.toml", fx->matrix);
      fx->risks = static_cast<size_t>(store.counts().risks);
      return fx;
    }
    fx->risks = bench::size(1000000, 1000, "RISKREG_BENCH_RISKS");
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
    SQLite::Statement risk(db,
                           "INSERT INTO risks (key, id, title, owner, target_likelihood, target_impact) "
                           "VALUES (?, ?, ?, ?, ?, ?)");
    SQLite::Statement assess(db,
                             "INSERT INTO assessments (id, risk, likelihood, impact, assessed_by, assessed_at, "
                             "reason) VALUES (?, ?, ?, ?, 'bench', ?, 'synthetic')");
    SQLite::Statement link(db, "UPDATE risks SET current_assessment = ?, previous_assessment = ? WHERE key = ?");
    SQLite::Statement feed(db,
                           "INSERT OR IGNORE INTO feeds (from_risk, to_risk, basis, evidence) "
                           "VALUES (?, ?, 'inferred', 'synthetic')");
    std::mt19937_64 rng(42);
    const auto& L = fx->matrix.likelihood.levels;
    const auto& I = fx->matrix.impact.levels;
    int64_t aid = 0;
    for (int64_t k = 1; k <= static_cast<int64_t>(fx->risks); ++k) {
      risk.bind(1, k);
      risk.bind(2, "S" + std::to_string(k));
      risk.bind(3, "Synthetic risk " + std::to_string(k));
      if (rng() % 3)
        risk.bind(4, "Owner " + std::to_string(rng() % 500));
      else
        risk.bind(4);
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
      if (prev)
        link.bind(2, prev);
      else
        link.bind(2);
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

/// Issue 8's whole-register evaluation: load, matrix, appetite and the register's own rules
/// (which rules fire on which risk), as `riskreg matrix` and `riskreg flags` compute them.
/// Rendering every flag's message, which `flags` does as it prints, is timed apart (msg_s).
void BM_WholeRegister(benchmark::State& state) {
  const Fixture& fx = fixture();
  double load = 0, eval = 0, load_cpu = 0, eval_cpu = 0, msg = 0;
  size_t flags = 0, above = 0, msg_bytes = 0;
  for (auto _ : state) {
    double c0 = cpu_now();
    auto t0 = std::chrono::steady_clock::now();
    SqliteStore store(fx.path, SqliteStore::Mode::Open);
    auto bundle = store.rules();
    Matrix m = matrix_from(bundle);
    auto set = rules::rule_set_from(bundle, m);
    auto facts = rules::load_facts(store, m, *parse_timestamp("2026-11-23T09:00:00Z"));
    load += seconds_since(t0);
    double c1 = cpu_now();
    load_cpu += c1 - c0;
    auto t1 = std::chrono::steady_clock::now();
    std::vector<size_t> cells(static_cast<size_t>(m.cell_count()));
    above = 0;
    for (const auto& f : facts) {
      if (f.cell >= 0) ++cells[static_cast<size_t>(f.cell)];
      above += f.above_appetite;
    }
    auto fired = rules::evaluate(set, facts);
    flags = fired.size();
    benchmark::DoNotOptimize(cells.data());
    eval += seconds_since(t1);
    eval_cpu += cpu_now() - c1;
    auto t2 = std::chrono::steady_clock::now();
    msg_bytes = 0;
    for (const auto& f : fired) msg_bytes += set.message(*f.rule, facts[f.risk], m).size();
    msg += seconds_since(t2);
  }
  state.counters["risks"] = static_cast<double>(fx.risks);
  state.counters["load_s"] = load / state.iterations();
  state.counters["eval_s"] = eval / state.iterations();
  state.counters["total_s"] = (load + eval) / state.iterations();
  state.counters["load_cpu_s"] = load_cpu / state.iterations();
  state.counters["eval_cpu_s"] = eval_cpu / state.iterations();
  state.counters["total_cpu_s"] = (load_cpu + eval_cpu) / state.iterations();
  state.counters["msg_s"] = msg / state.iterations();
  state.counters["msg_MB"] = static_cast<double>(msg_bytes) / 1e6;
  state.counters["above"] = static_cast<double>(above);
  state.counters["flags"] = static_cast<double>(flags);
  state.counters["peak_MiB"] = bench::peak_mib();
}
BENCHMARK(BM_WholeRegister)->Unit(benchmark::kMillisecond)->Iterations(1);

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
BENCHMARK(BM_Evaluate)->Unit(benchmark::kMillisecond)->MinTime(bench::min_time(2.0));

/// The ten conditions of kRules written by hand over the same facts: the lower bound.
struct HandRules {
  int b_rank, impact1, impact2, very_high;
  std::vector<char> red_cells;  ///< A1, A2, B1, B2 by cell index

  explicit HandRules(const Matrix& m) {
    b_rank = m.likelihood.find("B")->rank;
    impact1 = m.impact.find("1")->rank;
    impact2 = m.impact.find("2")->rank;
    very_high = -1;
    for (const auto& b : m.bands)
      if (b.name == "very-high") very_high = b.rank;
    red_cells.assign(static_cast<size_t>(m.cell_count()), 0);
    for (const char* c : {"A1", "A2", "B1", "B2"}) red_cells[static_cast<size_t>(m.index(*m.parse(c)))] = 1;
  }

  size_t count(const std::vector<rules::RiskFacts>& facts) const {
    size_t n = 0;
    for (const auto& f : facts) {
      bool unowned = !f.owner || f.owner->empty();
      n += f.above_appetite;
      n += f.target_likelihood < 0;
      n += f.above_appetite && f.priorities == 0 && f.actions == 0;
      n += !f.days_since_assessment || *f.days_since_assessment > 91;
      n += f.direction == rules::Direction::Worse;
      n += unowned;
      n += f.likelihood >= 0 && f.likelihood >= b_rank && (f.impact == impact1 || f.impact == impact2);
      n += f.target_likelihood >= 0 && f.target_distance && *f.target_distance >= 3;
      n += f.upstream_above >= 2 || (f.upstream > 0 && f.band == very_high);
      n += f.cell >= 0 && red_cells[static_cast<size_t>(f.cell)] && !(f.owner && *f.owner == "Risk Manager");
    }
    return n;
  }
};

/// Our evaluator against the hand-written loop, both over the same facts in memory.
void BM_EvaluateVsBaseline(benchmark::State& state) {
  const Fixture& fx = fixture();
  SqliteStore store(fx.path, SqliteStore::Mode::Open);
  auto facts = rules::load_facts(store, fx.matrix, *parse_timestamp("2026-11-23T09:00:00Z"));
  HandRules hand(fx.matrix);
  using Clock = std::chrono::steady_clock;
  Clock::duration ours{}, theirs{};
  for (auto _ : state) {
    auto t0 = Clock::now();
    size_t a = rules::count_matches(fx.rules, facts);
    auto t1 = Clock::now();
    size_t b = hand.count(facts);
    auto t2 = Clock::now();
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
    if (a != b) state.SkipWithError("the hand-written rules matched a different number of (risk, rule) pairs");
    ours += t1 - t0;
    theirs += t2 - t1;
  }
  auto ms = [&](Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count() / static_cast<double>(state.iterations());
  };
  state.counters["risks"] = static_cast<double>(facts.size());
  state.counters["ours_ms"] = ms(ours);
  state.counters["baseline_ms"] = ms(theirs);
  state.counters["ratio"] = ms(ours) / ms(theirs);
}
BENCHMARK(BM_EvaluateVsBaseline)->Unit(benchmark::kMillisecond)->MinTime(bench::min_time(1.0));

}  // namespace

int main(int argc, char** argv) {
  riskreg::configure_store_process();  // as riskreg's main does
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (fixture().owned) {
    fs::remove(fixture().path);
    fs::remove(fixture().path + "-wal");
    fs::remove(fixture().path + "-shm");
  }
  return 0;
}
