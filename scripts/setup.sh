#!/usr/bin/env bash
# Installs the Debian 12 packages riskreg needs (only those missing) and builds it into
# build/. Idempotent: a second run installs nothing and rebuilds only what changed.
#   bash scripts/setup.sh              # packages, then build/
#   bash scripts/setup.sh --packages   # packages only (what sanitize.sh and fuzz.sh run first)
#   bash scripts/setup.sh riskreg      # packages, then only the named targets (demo.sh: riskreg
#                                      # and the modules it loads, not the tests or benchmarks)
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(cmake g++ make ninja-build ccache pkg-config libboost-graph-dev libsqlitecpp-dev libsqlite3-dev sqlite3 libspdlog-dev
      catch2 libcli11-dev libtomlplusplus-dev nlohmann-json3-dev nettle-dev libbenchmark-dev
      libcurl4-openssl-dev libmstch-dev python3-aiosmtpd libxlsxwriter-dev python3-openpyxl chromium zlib1g-dev
      postgresql libpqxx-dev clang-14 libclang-rt-14-dev
      libgraphviz-dev graphviz poppler-utils dpkg-dev clang-format-14
      help2man bash-completion zsh libhowardhinnant-date-dev)
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

# Ninja for a new build directory (an existing one keeps its generator): it compiles a target's
# files while the targets it links still build.
export CMAKE_GENERATOR="${CMAKE_GENERATOR:-Ninja}"
# Warnings are errors in CI's builds (sanitize.sh, tsan.sh), not here: a warning GCC only finds
# at -O2 must not stop a newcomer's first build.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRISKREG_WERROR=OFF \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g -DNDEBUG" >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build build -j"$(nproc)" "${targets[@]}" >&2
