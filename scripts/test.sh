#!/usr/bin/env bash
# What CI runs (.ci/run), in stages, stopping at the first that fails:
#   0. format: every C++ file matches the committed .clang-format (scripts/format.sh, seconds);
#   1. test: set up, build with AddressSanitizer + UndefinedBehaviorSanitizer and run every
#      test (scripts/sanitize.sh, build-asan/: CTest runs each Catch2 test case on its own, and
#      the benchmarks' smoke runs); any sanitizer report, from the test binary or from any
#      riskreg it starts, fails;
#   2. tsan: the engine's threaded code under ThreadSanitizer (scripts/tsan.sh, build-tsan/:
#      the pipeline, two-thread scan and flags, export stream, import checker, Monte Carlo);
#   3. fuzz: the fuzz smoke (scripts/fuzz.sh, clang-14, build-fuzz/): every seed and regression
#      input replayed, then each libFuzzer target fuzzed for FUZZ_SECONDS (default 20) s, two
#      at a time; any crash, hang, out-of-memory or sanitizer report fails.
# The suite runs once, under the sanitizers: a second plain run of it would double the build
# and the run for no test the sanitized one does not make (`bash scripts/setup.sh && ctest
# --test-dir build` runs it on the plain build). Each stage prints how long it took.
# RISKREG_CI_STAGES picks stages (default: all four, in this order), e.g.
# RISKREG_CI_STAGES="format test" for a quicker run.
set -euo pipefail
cd "$(dirname "$0")/.."
STAGES="${RISKREG_CI_STAGES:-format test tsan fuzz}"
# Ninja (scripts/setup.sh installs ninja-build) for CI's new build directories: it compiles a
# target's files while the targets it links are still building, where make waits for them.
# CMake reads this only when it creates a build directory; an existing one keeps its generator.
export CMAKE_GENERATOR="${CMAKE_GENERATOR:-Ninja}"
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

stage format bash scripts/format.sh
stage test bash scripts/sanitize.sh
stage tsan bash scripts/tsan.sh
stage fuzz bash scripts/fuzz.sh "$FUZZ_SECONDS"
echo "test: all stages passed in $((SECONDS - total)) s" >&2
