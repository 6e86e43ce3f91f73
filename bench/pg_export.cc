// bench_pg_export URL [RUNS] [--after-only]: one PostgreSQL register's export read two ways in the same run
// (issue 18, bench/pg_bench.sh): PgStore's streaming export (store/pg_export.cc: five cursors
// in one snapshot, one query per table) against the Store default it replaced (store/store.cc:
// several reads per risk, each its own round trips), and the audit head read both ways (the
// newest entry against the whole log). Checks that both ways give the same rows and head
// (exit 1 if not), then prints the median wall time of RUNS runs of each, as a Markdown table.
// --after-only times the streaming export and the audit head alone (the per-risk default reads
// about 60 risks a second on 100,000 risks: half an hour a run).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "core/text.h"
#include "store/open.h"

using namespace riskreg;

namespace {

double seconds(const std::function<void()>& f) {
  auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

/// Every exported row in a line: what the two ways must agree on.
std::string describe(const ExportRisk& r) {
  std::string s = r.state.id + "|" + r.state.title + "|" + (r.state.current ? r.state.current->score.likelihood : "");
  s += "|" + join(r.priorities, ",") + "|" + join(r.actions, ",") + "|" + join(r.triggers, ",");
  for (const auto& f : r.feeds) s += "|" + f.from + ">" + f.to;
  s += "|up " + std::to_string(r.upstream.size());
  for (const auto& a : r.history) s += "|" + std::to_string(a.id) + a.score.likelihood + a.score.impact + a.at;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_pg_export URL [RUNS]\n");
    return 2;
  }
  const int runs = argc > 2 ? std::max(1, std::stoi(argv[2])) : 3;
  const bool after_only = argc > 3 && std::string(argv[3]) == "--after-only";
  auto store = open_store(argv[1], StoreMode::Open);
  Store& s = *store;
  std::vector<std::string> streamed, per_risk;
  auto stream = [&] {
    streamed.clear();
    s.for_each_export(std::nullopt, true, [&](ExportRisk& r) { streamed.push_back(describe(r)); });
  };
  auto by_risk = [&] {
    per_risk.clear();
    s.Store::for_each_export(std::nullopt, true, [&](ExportRisk& r) { per_risk.push_back(describe(r)); });
  };
  std::vector<double> a, b, c, d;
  std::string head, head_default;
  for (int i = 0; i < runs; ++i) {
    if (!after_only) b.push_back(seconds(by_risk));
    a.push_back(seconds(stream));
    d.push_back(seconds([&] { head_default = s.Store::audit_head(); }));
    c.push_back(seconds([&] { head = s.audit_head(); }));
  }
  if (after_only) {
    std::printf("| read (%zu risks, median of %d) | PgStore |\n|---|---|\n", streamed.size(), runs);
    std::printf("| export rows (`for_each_export`, with upstream scores) | %.2f s |\n", median(a));
    std::printf("| audit head | %.1f ms (the whole log: %.1f ms) |\n", median(c) * 1000, median(d) * 1000);
    return head == head_default && !head.empty() ? 0 : 1;
  }
  if (streamed != per_risk || head != head_default || head.empty()) {
    std::fprintf(stderr, "bench_pg_export: the two ways differ (%zu and %zu rows; heads %s and %s)\n", streamed.size(),
                 per_risk.size(), head.c_str(), head_default.c_str());
    return 1;
  }
  std::printf("| read (%zu risks, median of %d) | before: Store default | after: PgStore | before / after |\n",
              streamed.size(), runs);
  std::printf("|---|---|---|---|\n");
  std::printf("| export rows (`for_each_export`, with upstream scores) | %.2f s | %.2f s | %.1fx |\n", median(b),
              median(a), median(b) / median(a));
  std::printf("| audit head | %.1f ms | %.1f ms | %.0fx |\n", median(d) * 1000, median(c) * 1000,
              median(d) / median(c));
  return 0;
}
