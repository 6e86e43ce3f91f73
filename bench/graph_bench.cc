// Benchmarks of the register graph on a synthetic graph of 1,000,000 risks and 5,000,000
// feed links (random, fixed seed): building it from memory, and one risk's downstream
// closure (target: under 100 ms). Peak memory (getrusage ru_maxrss) is reported as a counter.
//
// The closure is measured against a baseline in the same run: a plain breadth-first loop over
// a CSR (offsets + uint32 targets) of the same links, built here, with its visited bytes and
// queue reused across queries. Counters: ours_ms, baseline_ms (wall, mean per query) and
// ratio = ours / baseline.
#include <sys/resource.h>

#include <chrono>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench_size.h"
#include "graph/model.h"

using namespace riskreg;

namespace {
// RISKREG_BENCH_SMOKE=1: 2,000 risks and 10,000 links.
const uint32_t kRisks = static_cast<uint32_t>(bench::size(1000000, 2000));
const uint32_t kLinks = static_cast<uint32_t>(bench::size(5000000, 10000));

double peak_mib() { return bench::peak_mib(); }

/// The feed links (from, to), fixed seed.
std::vector<std::pair<uint32_t, uint32_t>> links() {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<uint32_t> pick(0, kRisks - 1);
  std::vector<std::pair<uint32_t, uint32_t>> out;
  out.reserve(kLinks);
  for (uint32_t e = 0; e < kLinks; ++e) {
    uint32_t from = pick(rng);
    out.emplace_back(from, pick(rng));
  }
  return out;
}

RegisterGraph synthetic() {
  auto ls = links();
  GraphBuilder b;
  b.reserve(kRisks, kLinks);
  std::string id;
  for (uint32_t i = 0; i < kRisks; ++i) {
    id.assign(1, 'R');  // not "R" + to_string(i): GCC 12 warns falsely there (-Wrestrict)
    id += std::to_string(i);
    b.node(NodeKind::Risk, id);
  }
  for (uint32_t e = 0; e < kLinks; ++e)
    b.edge({ls[e].first, ls[e].second, EdgeKind::Feeds, e % 3 ? Basis::Inferred : Basis::Stated, std::nullopt});
  return std::move(b).build();
}

/// The baseline: the same links as a raw CSR, walked by a plain loop.
struct Baseline {
  std::vector<uint32_t> off, to;
  std::vector<uint8_t> seen;
  std::vector<uint32_t> queue;

  Baseline() {
    auto ls = links();
    off.assign(kRisks + 1, 0);
    for (auto [f, t] : ls) ++off[f + 1];
    for (uint32_t v = 0; v < kRisks; ++v) off[v + 1] += off[v];
    to.resize(ls.size());
    std::vector<uint32_t> next(off.begin(), off.end() - 1);
    for (auto [f, t] : ls) to[next[f]++] = t;
    seen.assign(kRisks, 0);
    queue.reserve(kRisks);
  }

  /// Nodes reached from `from`, `from` excluded.
  size_t closure(uint32_t from) {
    std::fill(seen.begin(), seen.end(), 0);
    queue.clear();
    queue.push_back(from);
    seen[from] = 1;
    for (size_t head = 0; head < queue.size(); ++head) {
      uint32_t v = queue[head];
      for (uint32_t i = off[v]; i < off[v + 1]; ++i) {
        uint32_t w = to[i];
        if (!seen[w]) seen[w] = 1, queue.push_back(w);
      }
    }
    return queue.size() - 1;
  }
};

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
  static Baseline base;
  using Clock = std::chrono::steady_clock;
  size_t reached = 0;
  NodeId from = 0;
  Clock::duration ours{}, theirs{};
  int64_t n = 0;
  for (auto _ : state) {
    auto t0 = Clock::now();
    auto c = g.closure(from, EdgeMask::of({EdgeKind::Feeds}));
    auto t1 = Clock::now();
    benchmark::DoNotOptimize(c.data());
    reached = c.size();
    ours += t1 - t0;
    state.PauseTiming();
    auto t2 = Clock::now();
    size_t b = base.closure(from);
    theirs += Clock::now() - t2;
    benchmark::DoNotOptimize(b);
    if (b != reached) state.SkipWithError("baseline reached a different number of risks");
    state.ResumeTiming();
    ++n;
    from = (from + 7919) % kRisks;
  }
  auto ms = [n](Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count() / static_cast<double>(n);
  };
  state.counters["reached"] = static_cast<double>(reached);
  state.counters["ours_ms"] = ms(ours);
  state.counters["baseline_ms"] = ms(theirs);
  state.counters["ratio"] = ms(ours) / ms(theirs);
  state.counters["peak_MiB"] = peak_mib();
}
BENCHMARK(BM_DownstreamClosure)->Unit(benchmark::kMillisecond);
}  // namespace

BENCHMARK_MAIN();
