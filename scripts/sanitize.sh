#!/usr/bin/env bash
# Builds riskreg and its tests with AddressSanitizer and UndefinedBehaviorSanitizer (g++,
# -DRISKREG_SANITIZE=ON) into build-asan/ and runs the whole test suite there. Any report
# fails the run: UBSan is built with -fno-sanitize-recover=all, so the first report aborts the
# process, and ASan (with LeakSanitizer) exits non-zero; the tests check every riskreg exit
# code, and ctest fails on the test binary's own.
set -euo pipefail
cd "$(dirname "$0")/.."
B=build-asan
cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRISKREG_SANITIZE=ON -DRISKREG_WERROR=ON \
  -DRISKREG_BENCH=OFF >/dev/null
cmake --build "$B" -j"$(nproc)" >&2
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# Every riskreg process starts several times slower under the sanitizers: the tests that start
# them by the hundred (concurrency, crash) repeat a quarter as often here (tests/support.h).
export RISKREG_TEST_REPEAT_DIVISOR="${RISKREG_TEST_REPEAT_DIVISOR:-4}"
ctest --test-dir "$B" --output-on-failure -j"$(nproc)" --timeout 600 | tee "$B/ctest.log" >&2
# A report that some test tolerated (a riskreg run whose failure was expected) still fails.
if grep -E "ERROR: (Address|Leak)Sanitizer|runtime error:" "$B/ctest.log" >/dev/null; then
  echo "sanitize: sanitizer reports in $B/ctest.log" >&2
  exit 1
fi
