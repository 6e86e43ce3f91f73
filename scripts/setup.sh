#!/usr/bin/env bash
# Installs the Debian 12 packages riskreg needs (only those missing) and builds it into
# build/. Idempotent: a second run installs nothing and rebuilds only what changed.
#   bash scripts/setup.sh              # packages, then build/
#   bash scripts/setup.sh --packages   # packages only (what sanitize.sh and fuzz.sh run first)
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(cmake g++ make ccache pkg-config libboost-graph-dev libsqlitecpp-dev libsqlite3-dev sqlite3 libspdlog-dev
      catch2 libcli11-dev libtomlplusplus-dev nlohmann-json3-dev nettle-dev libbenchmark-dev
      libcurl4-openssl-dev libmstch-dev python3-aiosmtpd libxlsxwriter-dev python3-openpyxl chromium zlib1g-dev
      postgresql libpqxx-dev clang-14 libclang-rt-14-dev libhowardhinnant-date-dev)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  echo "setup: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

[ "${1:-}" = "--packages" ] && exit 0

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRISKREG_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)" >&2
