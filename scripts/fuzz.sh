#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/) with clang-14 into build-fuzz/, replays every
# seed and regression input, then fuzzes each target for FUZZ_SECONDS (default 30; argument 1
# overrides), as many targets at once as there are cores. Fails on any crash, hang (> 10 s per input), out-of-memory or sanitizer report;
# the finding is left in build-fuzz/findings/<target>/ — add it to tests/fuzz/corpus/<target>/
# as a regression once fixed.
#   bash scripts/fuzz.sh          # 30 s per target
#   bash scripts/fuzz.sh 300      # longer
#   FUZZ_TARGETS="fuzz_rules" bash scripts/fuzz.sh 60
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-${FUZZ_SECONDS:-30}}"
ALL="fuzz_rules fuzz_condition fuzz_data fuzz_matrix fuzz_score fuzz_register"
[ -f engine/io/csv_reader.h ] && ALL="$ALL fuzz_csv"
TARGETS=(${FUZZ_TARGETS:-$ALL})
B=build-fuzz
bash scripts/setup.sh --packages

if ! command -v clang++-14 >/dev/null; then
  echo "fuzz: clang++-14 is missing (bash scripts/setup.sh installs clang-14 and libclang-rt-14-dev)" >&2
  exit 1
fi
# -O1 -g1: line numbers in the reports, and a build from scratch much faster than -O2 -g.
CC=clang-14 CXX=clang++-14 cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRISKREG_FUZZ=ON \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DRISKREG_TESTS=OFF -DRISKREG_BENCH=OFF >/dev/null
# All the targets through one make goal (fuzz_targets), so they compile side by side.
if [ -z "${FUZZ_TARGETS:-}" ]; then BUILD=(fuzz_targets); else BUILD=("${TARGETS[@]}"); fi
cmake --build "$B" -j"$(nproc)" --target "${BUILD[@]}" >&2

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
fuzz_one() {  # fuzz_one TARGET: replays its seeds, fuzzes it, reports; non-zero on a finding
  local t=$1
  local seeds="tests/fuzz/corpus/$t" work="$B/corpus/$t" findings="$B/findings/$t" log="$B/$t.log"
  mkdir -p "$work" "$findings"
  rm -f "$findings"/*
  # New inputs go to the scratch corpus (first directory); the committed seeds are read only.
  if "$B/tests/fuzz/$t" "$work" "$seeds" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
       -max_len=65536 -print_final_stats=1 -artifact_prefix="$findings/" >"$log" 2>&1; then
    echo "fuzz: $t: $(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo '?') runs in ${SECONDS_EACH}s, no findings" >&2
  else
    echo "fuzz: $t FAILED; last lines of $log:" >&2
    tail -n 40 "$log" >&2
    ls "$findings" >&2
    return 1
  fi
}

# One target per core at a time (each libFuzzer process is single-threaded).
status=0
pids=()
for t in "${TARGETS[@]}"; do
  if ((${#pids[@]} >= $(nproc))); then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
  fuzz_one "$t" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
