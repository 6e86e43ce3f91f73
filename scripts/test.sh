#!/usr/bin/env bash
# Sets up, builds and runs every test (CTest runs each Catch2 test case on its own).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"
