#pragma once
// Benchmark sizes. RISKREG_BENCH_SMOKE=1 (set by the CTest smoke tests) shrinks every
// benchmark to a tiny register so the suite is built and run on every test run and cannot
// rot; the figures of a smoke run mean nothing.
#include <sys/resource.h>

#include <cstdlib>
#include <string>

namespace riskreg::bench {

inline bool smoke() {
  const char* s = std::getenv("RISKREG_BENCH_SMOKE");
  return s && *s && std::string(s) != "0";
}

/// `full`, or `tiny` in smoke mode; an environment variable `env` (if set) overrides both.
inline size_t size(size_t full, size_t tiny, const char* env = nullptr) {
  if (env)
    if (const char* v = std::getenv(env); v && *v) return std::strtoul(v, nullptr, 10);
  return smoke() ? tiny : full;
}

/// Minimum benchmark time: `full` seconds, a token in smoke mode.
inline double min_time(double full) { return smoke() ? 0.001 : full; }

/// Peak resident memory of this process so far, MiB.
inline double peak_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // KiB on Linux
}

}  // namespace riskreg::bench
