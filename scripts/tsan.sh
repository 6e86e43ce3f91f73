#!/usr/bin/env bash
# ThreadSanitizer over the engine's threaded code (CI's tsan stage): builds riskreg_tsan_tests
# (tests/CMakeLists.txt, RISKREG_TSAN: the pipeline, the two-thread register scan and flag
# evaluation, the SQLite export stream, the import's checker thread, the Monte Carlo threads;
# only what they need of the engine, -O1 -g1) into build-tsan/ and runs it. Any data race or
# other ThreadSanitizer report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
B=build-tsan
bash scripts/setup.sh --packages
cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DRISKREG_TSAN=ON -DRISKREG_WERROR=ON -DRISKREG_BENCH=OFF >/dev/null
cmake --build "$B" -j"$(nproc)" --target riskreg_tsan_tests >&2
REPORTS="$PWD/$B/tsan-reports"
rm -rf "$REPORTS"
mkdir -p "$REPORTS"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$REPORTS/tsan"
status=0
(cd "$B/tests" && ./riskreg_tsan_tests -w NoTests) >&2 || status=1
if [ -n "$(ls -A "$REPORTS")" ]; then
  echo "tsan: ThreadSanitizer reports (in $REPORTS):" >&2
  for f in "$REPORTS"/*; do
    echo "== $f" >&2
    head -n 80 "$f" >&2
  done
  status=1
fi
exit $status
