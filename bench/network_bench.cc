// Benchmarks of the risk-network model on a random network of 1,000 risks and 5,000 links
// (s ~ U(0, 0.3), t ~ U(0, 0.15), fixed seed; spectral radius well below 1): Monte Carlo
// runs per second on 1 and 2 threads, and the exact solver's time.
#include <random>

#include <benchmark/benchmark.h>

#include "bench_size.h"
#include "graph/network_model.h"

using namespace riskreg;

namespace {
RiskNetwork synthetic() {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> s(0, 0.3), t(0, 0.15), impact(1, 4);
  std::uniform_int_distribution<uint32_t> pick(0, 999);
  RiskNetwork n;
  for (int i = 0; i < 1000; ++i) n.risks.push_back({"R" + std::to_string(i), "", s(rng), impact(rng)});
  for (int e = 0; e < 5000; ++e) n.links.push_back({pick(rng), pick(rng), t(rng)});
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
}  // namespace

BENCHMARK_MAIN();
