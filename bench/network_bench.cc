// Benchmarks of the risk-network model on a random network of 1,000 risks and 5,000 links
// (s ~ U(0, 0.3), t ~ U(0, 0.15), fixed seed; spectral radius well below 1): Monte Carlo
// runs per second on 1 and 2 threads, the exact solver's time, and ranking every mitigation
// (graph/rank.h) against re-solving the network once per candidate, in the same run.
#include <chrono>
#include <random>

#include <benchmark/benchmark.h>

#include "bench_size.h"
#include "graph/network_model.h"
#include "graph/rank.h"

using namespace riskreg;

namespace {
RiskNetwork synthetic(uint32_t risks = 1000, uint32_t links = 5000) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> s(0, 0.3), t(0, 0.15), impact(1, 4);
  std::uniform_int_distribution<uint32_t> pick(0, risks - 1);
  RiskNetwork n;
  for (uint32_t i = 0; i < risks; ++i) n.risks.push_back({"R" + std::to_string(i), "", s(rng), impact(rng)});
  for (uint32_t e = 0; e < links; ++e) n.links.push_back({pick(rng), pick(rng), t(rng)});
  return n;
}

void BM_MonteCarlo(benchmark::State& state) {
  static RiskNetwork n = synthetic();
  unsigned threads = static_cast<unsigned>(state.range(0));
  uint64_t runs = bench::size(20000, 200);
  for (auto _ : state) {
    auto r = simulate_network(n, {runs, 1, threads, 1000000});
    benchmark::DoNotOptimize(r.frequency.data());
  }
  state.counters["runs_per_s"] =
      benchmark::Counter(static_cast<double>(runs * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MonteCarlo)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ExactSolver(benchmark::State& state) {
  static RiskNetwork n = synthetic();
  for (auto _ : state) {
    auto s = solve_network(n);
    benchmark::DoNotOptimize(s.frequency.data());
    state.counters["spectral_radius"] = s.spectral_radius;
  }
}
BENCHMARK(BM_ExactSolver)->Unit(benchmark::kMillisecond);

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// Every single mitigation of the 1,000-risk network ranked (one forward and one adjoint solve,
/// Sherman–Morrison per cut link, block solves for the links inside loops): the timed part.
/// Each iteration then re-solves the network from scratch once per candidate
/// (solve_objective(apply_mitigations(net, candidate))), the way the ranking would be done without the
/// updates, and checks both give the same values; `speedup` is the re-solving time over the
/// ranking time, both measured in this iteration.
void BM_RankVsResolve(benchmark::State& state) {
  static RiskNetwork n = bench::smoke() ? synthetic(60, 300) : synthetic();
  double rank_s = 0, resolve_s = 0, worst = 0;
  size_t candidates = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    Ranking r = rank_mitigations(n);
    double rs = seconds_since(t0);
    state.SetIterationTime(rs);
    t0 = std::chrono::steady_clock::now();
    for (const auto& row : r.rows) {
      double after = solve_objective(apply_mitigations(n, row.steps));
      worst = std::max(worst, std::abs(after - row.after) / r.total);
    }
    resolve_s += seconds_since(t0);
    rank_s += rs;
    candidates = r.rows.size();
  }
  double it = static_cast<double>(state.iterations());
  state.counters["candidates"] = static_cast<double>(candidates);
  state.counters["rank_ms"] = 1e3 * rank_s / it;
  state.counters["resolve_ms"] = 1e3 * resolve_s / it;
  state.counters["speedup"] = resolve_s / rank_s;
  state.counters["max_rel_diff"] = worst;
  if (worst > 1e-9) state.SkipWithError("the ranking and the re-solves disagree");
}
BENCHMARK(BM_RankVsResolve)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(3);

/// Every pair of mitigations on a register-sized network (30 risks, 60 links: Darlington has
/// 9 risks and 7 feed links).
void BM_RankPairs(benchmark::State& state) {
  static RiskNetwork n = synthetic(30, 60);
  RankOptions o;
  o.pairs = true;
  size_t rows = 0;
  for (auto _ : state) {
    auto r = rank_mitigations(n, o);
    rows = r.rows.size();
    benchmark::DoNotOptimize(r.rows.data());
  }
  state.counters["rows"] = static_cast<double>(rows);
}
BENCHMARK(BM_RankPairs)->Unit(benchmark::kMillisecond);
}  // namespace

BENCHMARK_MAIN();
