#!/usr/bin/env bash
# What CI runs: sets up and builds, then runs every test (CTest runs each Catch2 test case on
# its own, and the benchmarks' smoke runs). The sanitizer build (scripts/sanitize.sh) and the
# fuzz smoke (scripts/fuzz.sh) run separately for now: see README "Reliability" for why they
# are not yet in this script.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
start=$SECONDS
ctest --test-dir build --output-on-failure -j"$(nproc)"
echo "test: the suite passed in $((SECONDS - start)) s" >&2
