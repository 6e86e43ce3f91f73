#!/usr/bin/env bash
# The main job: set up, build, and show the Darlington register on the embedded SQLite
# default (created on first run, kept afterwards so re-scores are never lost).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh riskreg   # the executable and its modules only, not the tests
RISKREG=build/cli/riskreg
if ! $RISKREG list --csv >/dev/null 2>&1; then
  $RISKREG init
fi
$RISKREG matrix
echo
echo "Risks above the appetite line:"
$RISKREG list --above-appetite
