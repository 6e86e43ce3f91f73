// Benchmarks of the register graph on a synthetic graph of 1,000,000 risks and 5,000,000
// feed links (random, fixed seed): building it from memory, and one risk's downstream
// closure (target: under 100 ms). Peak memory (getrusage ru_maxrss) is reported as a counter.
#include <sys/resource.h>

#include <random>
#include <string>

#include <benchmark/benchmark.h>

#include "graph/model.h"

using namespace riskreg;

namespace {
constexpr uint32_t kRisks = 1000000;
constexpr uint32_t kLinks = 5000000;

double peak_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // KiB on Linux
}

RegisterGraph synthetic() {
  std::mt19937_64 rng(42);
  GraphBuilder b;
  b.reserve(kRisks, kLinks);
  for (uint32_t i = 0; i < kRisks; ++i) b.node(NodeKind::Risk, "R" + std::to_string(i));
  std::uniform_int_distribution<uint32_t> pick(0, kRisks - 1);
  for (uint32_t e = 0; e < kLinks; ++e)
    b.edge({pick(rng), pick(rng), EdgeKind::Feeds, e % 3 ? Basis::Inferred : Basis::Stated, std::nullopt});
  return std::move(b).build();
}

void BM_BuildGraph(benchmark::State& state) {
  for (auto _ : state) {
    RegisterGraph g = synthetic();
    benchmark::DoNotOptimize(g.edge_count());
  }
  state.counters["peak_MiB"] = peak_mib();
}
BENCHMARK(BM_BuildGraph)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_DownstreamClosure(benchmark::State& state) {
  static RegisterGraph g = synthetic();
  size_t reached = 0;
  NodeId from = 0;
  for (auto _ : state) {
    auto c = g.closure(from, EdgeMask::of({EdgeKind::Feeds}));
    reached = c.size();
    benchmark::DoNotOptimize(c.data());
    from = (from + 7919) % kRisks;
  }
  state.counters["reached"] = static_cast<double>(reached);
  state.counters["peak_MiB"] = peak_mib();
}
BENCHMARK(BM_DownstreamClosure)->Unit(benchmark::kMillisecond);
}  // namespace

BENCHMARK_MAIN();
