#!/usr/bin/env bash
# Builds riskreg, its tests and the benchmarks with AddressSanitizer and UndefinedBehaviorSanitizer
# (g++, -DRISKREG_SANITIZE=ON: the engine and riskreg at -O1 -g1, line numbers in the reports
# and a build twice as fast as -O2 -g; the tests' own code at -O0 with ASan only; executables not PIE) into
# build-asan/ and runs the whole test suite there (CI's test stage, scripts/test.sh). Any report
# fails the run: every process (the test binary and each riskreg it starts, tests/support.h
# riskreg_env) writes its reports to build-asan/sanitizer-reports/, and the run fails if
# anything is there, even when the test that started the process expected it to fail. UBSan is
# built with -fno-sanitize-recover=all, so its first report also ends the process; ASan (with
# LeakSanitizer) exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
B=build-asan
bash scripts/setup.sh --packages
cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DRISKREG_SANITIZE=ON -DRISKREG_WERROR=ON -DRISKREG_BENCH=ON >/dev/null
cmake --build "$B" -j"$(nproc)" >&2
REPORTS="$PWD/$B/sanitizer-reports"
rm -rf "$REPORTS"
mkdir -p "$REPORTS"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1:log_path=$REPORTS/asan"
# Leaks that libraries keep until exit (scripts/lsan.supp: fontconfig's and Graphviz's caches).
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$REPORTS/ubsan"
# Every riskreg process starts several times slower under the sanitizers: the tests that start
# them by the hundred (concurrency, crash) repeat a quarter as often here (tests/support.h).
export RISKREG_TEST_REPEAT_DIVISOR="${RISKREG_TEST_REPEAT_DIVISOR:-4}"
status=0
ctest --test-dir "$B" --output-on-failure -j"$(nproc)" --timeout 900 >&2 || status=1
if [ -n "$(ls -A "$REPORTS")" ]; then
  echo "sanitize: sanitizer reports (in $REPORTS):" >&2
  for f in "$REPORTS"/*; do
    echo "== $f" >&2
    head -n 60 "$f" >&2
  done
  status=1
fi
exit $status
