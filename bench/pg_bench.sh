#!/usr/bin/env bash
# PostgreSQL vs SQLite, in the same run: the interactive commands on the Darlington register
# and on a generated N-risk register (default 1,000,000), copied to PostgreSQL with
# `riskreg migrate`. Starts a throw-away cluster on loopback (as the postgres user when run
# as root) and removes it at the end. Prints each timing and the PostgreSQL/SQLite ratio.
#   bash bench/pg_bench.sh [build-dir] [risks]
set -euo pipefail
BUILD=${1:-build}
N=${2:-1000000}
R="$BUILD/cli/riskreg"
PGBIN=/usr/lib/postgresql/15/bin
DIR=$(mktemp -d /tmp/riskreg-pgbench-XXXXXX)
RUN=()
if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; RUN=(runuser -u postgres --); fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${RUN[@]}" "$PGBIN/initdb" -D "$DIR/data" -A trust -U bench --no-sync -E UTF8 --locale=C.UTF-8 >"$DIR/init.log"
"${RUN[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
  -o "-k $DIR -p $PORT -c listen_addresses=127.0.0.1" start >/dev/null
trap '"${RUN[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$DIR"' EXIT
psql() { "$PGBIN/psql" -q -h 127.0.0.1 -p "$PORT" -U bench "$@"; }
export NO_COLOR=1 RISKREG_NOW=2026-11-23T09:00:00Z

t() {  # seconds for one run of the command
  local s e
  s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
  echo "$e - $s" | bc
}
row() {  # label, sqlite db, pg db, args...
  local label=$1 lite=$2 pg=$3; shift 3
  local a b
  a=$(t "$R" --db "$lite" "$@"); b=$(t "$R" --db "$pg" "$@")
  printf '%-34s %9.3f s %9.3f s %7.2fx\n' "$label" "$a" "$b" "$(echo "$b / $a" | bc -l)"
}

for size in darlington "$N"; do
  lite="$DIR/$size.db"
  pg="postgresql://bench@127.0.0.1:$PORT/r$size"
  psql -d postgres -c "CREATE DATABASE r$size"
  if [ "$size" = darlington ]; then
    "$R" --db "$lite" init >/dev/null
    s=$(date +%s.%N); "$R" --db "$pg" init >/dev/null; e=$(date +%s.%N)
    printf '\n== Darlington (9 risks)\n'
    printf '%-34s %21.3f s\n' "init on PostgreSQL" "$(echo "$e - $s" | bc)"
  else
    printf '\n== %s generated risks\n' "$size"
    s=$(date +%s.%N); "$R" --db "$lite" generate --risks "$size" >/dev/null; e=$(date +%s.%N)
    printf '%-34s %9.3f s (SQLite)\n' "generate" "$(echo "$e - $s" | bc)"
    s=$(date +%s.%N); "$R" migrate --from "sqlite:$lite" --to "$pg" >/dev/null; e=$(date +%s.%N)
    printf '%-34s %9.3f s (copy into PostgreSQL, verified)\n' "migrate" "$(echo "$e - $s" | bc)"
  fi
  printf '%-34s %11s %11s %8s\n' command SQLite PostgreSQL ratio
  row "show 5" "$lite" "$pg" show 5
  row "score 5 B2" "$lite" "$pg" score 5 B2 --reason bench
  row "list --above-appetite" "$lite" "$pg" list --above-appetite
  row "flags" "$lite" "$pg" flags
  row "audit verify" "$lite" "$pg" audit verify
  row "export --format json" "$lite" "$pg" export --format json --out "$DIR/x.json" --force
done
