#!/usr/bin/env bash
# What CI runs (.ci/run), in stages, stopping at the first that fails:
#   0. format: every C++ file matches the committed .clang-format (scripts/format.sh, seconds);
#   1. set up, build into build/ and run every test (CTest runs each Catch2 test case on its
#      own, and the benchmarks' smoke runs);
#   1b. tsan: the engine's threaded code under ThreadSanitizer (scripts/tsan.sh, build-tsan/:
#      the pipeline, two-thread scan and flags, export stream, import checker, Monte Carlo);
#   2. the whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer
#      (scripts/sanitize.sh, g++ -O1, build-asan/): any report, from the test binary or from
#      any riskreg it starts, fails;
#   3. the fuzz smoke (scripts/fuzz.sh, clang-14, build-fuzz/): every seed and regression
#      input replayed, then each libFuzzer target fuzzed for FUZZ_SECONDS (default 20) s;
#      any crash, hang, out-of-memory or sanitizer report fails.
# Each stage prints how long it took. RISKREG_CI_STAGES picks stages (default: all five, in
# this order), e.g. RISKREG_CI_STAGES="format test" for a quick run.
set -euo pipefail
cd "$(dirname "$0")/.."
STAGES="${RISKREG_CI_STAGES:-format test tsan sanitize fuzz}"
export RISKREG_CI=1  # setup.sh and sanitize.sh: CI's faster build from scratch (RISKREG_CI_BUILD)
export FUZZ_SECONDS="${FUZZ_SECONDS:-20}"
total=$SECONDS

stage() {  # stage NAME COMMAND...: runs it, prints its time, fails the script if it fails
  local name=$1 start=$SECONDS
  shift
  case " $STAGES " in *" $name "*) ;; *) echo "test: stage $name skipped (RISKREG_CI_STAGES)" >&2; return 0 ;; esac
  echo "test: stage $name starts" >&2
  if "$@"; then
    echo "test: stage $name passed in $((SECONDS - start)) s" >&2
  else
    echo "test: stage $name FAILED after $((SECONDS - start)) s" >&2
    exit 1
  fi
}

suite() {  # (set -e does not apply inside `if`: chain with &&)
  bash scripts/setup.sh && ctest --test-dir build --output-on-failure -j"$(nproc)"
}

stage format bash scripts/format.sh
stage test suite
stage tsan bash scripts/tsan.sh
stage sanitize bash scripts/sanitize.sh
stage fuzz bash scripts/fuzz.sh "$FUZZ_SECONDS"
echo "test: all stages passed in $((SECONDS - total)) s" >&2
