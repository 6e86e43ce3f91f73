#!/usr/bin/env bash
# PostgreSQL against SQLite, in the same run (issue 9):
#  - the interactive commands (show, list --above-appetite, matrix, score) on the Darlington
#    register and on a generated register of N risks, median of R runs each;
#  - the bulk writes at N risks: generate on each backend, migrate (SQLite -> PostgreSQL), and
#    import of an N-risk CSV (the generated register's own export) into a fresh register;
#  - where the time goes on PostgreSQL: process start and connection set-up (a bare
#    `psql -c 'SELECT 1'` and `sqlite3 'SELECT 1'`), and the statements each command sends
#    (counted from the server's log with log_statement=all, one extra run each);
#  - the export's reads at N risks: PgStore's streaming export and audit head against the
#    Store defaults they replaced (bench_pg_export, built with the benchmarks).
# Starts a throw-away cluster on loopback with the server's default settings (as the postgres
# user when run as root) and removes it at the end. Prints one table; re-runnable.
#   bash bench/pg_bench.sh [build-dir] [risks] [runs] [runs-at-N]   # defaults: build 1000000 5 1
set -euo pipefail
BUILD=${1:-build}
N=${2:-1000000}
RUNS=${3:-5}
RUNS_N=${4:-1}
R="$(realpath "$BUILD/cli/riskreg")"
PGBIN=/usr/lib/postgresql/15/bin
DIR=$(mktemp -d /tmp/riskreg-pgbench-XXXXXX)
chmod 755 "$DIR"
RUN=()
if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; RUN=(runuser -u postgres --); fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${RUN[@]}" "$PGBIN/initdb" -D "$DIR/data" -A trust -U bench -E UTF8 --locale=C.UTF-8 >"$DIR/init.log"
"${RUN[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
  -o "-k $DIR -p $PORT -c listen_addresses=127.0.0.1" start >/dev/null
trap '"${RUN[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$DIR"' EXIT
psql() { "$PGBIN/psql" -q -h 127.0.0.1 -p "$PORT" -U bench "$@"; }
PG="postgresql://bench@127.0.0.1:$PORT"
W="$DIR/work"
mkdir -p "$W"
export NO_COLOR=1 RISKREG_NOW=2026-11-23T09:00:00Z

now() { date +%s.%N; }
secs() { local s e; s=$(now); "$@" >/dev/null; e=$(now); echo "$e - $s" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
med() {  # median wall seconds of RUNS runs of the command
  for _ in $(seq "$RUNS"); do secs "$@"; done | median
}
statements() {  # statements the server ran for one run of riskreg against database $1
  local db=$1; shift
  local before after
  before=$(grep -c 'LOG:  \(statement\|execute\)' "$DIR/server.log" || true)
  PGOPTIONS='-c log_statement=all' "$R" --db "$PG/$db" "$@" >/dev/null
  sleep 0.2
  after=$(grep -c 'LOG:  \(statement\|execute\)' "$DIR/server.log" || true)
  echo $((after - before))
}
line() { printf '| %s | %s | %s | %s | %s |\n' "$@"; }
ratio() { echo "scale=2; $2 / $1" | bc; }
ms() { printf '%.1f ms' "$(echo "$1 * 1000" | bc)"; }
s() { printf '%.1f s' "$1"; }

echo "riskreg PostgreSQL vs SQLite: N=$N, median of $RUNS runs (Darlington); $(uptime | sed 's/.*load/load/')"
echo
echo "## Connection set-up (process start + connect + one query)"
a=$(med sqlite3 "$W/empty.db" 'SELECT 1'); b=$(med psql -d postgres -c 'SELECT 1')
echo "sqlite3 'SELECT 1': $(ms "$a"); psql -c 'SELECT 1' over loopback: $(ms "$b")"

interactive() {  # label, sqlite db, pg database name
  local label=$1 lite=$2 pgdb=$3
  echo
  echo "## Interactive commands: $label"
  line command SQLite PostgreSQL ratio "statements on PostgreSQL"
  line --- --- --- --- ---
  for cmd in "show 5" "list --above-appetite" "matrix" "score 5 B2 --reason bench"; do
    # shellcheck disable=SC2086
    a=$(med "$R" --db "$lite" $cmd); b=$(med "$R" --db "$PG/$pgdb" $cmd)
    # shellcheck disable=SC2086
    n=$(statements "$pgdb" $cmd)
    line "\`$cmd\`" "$(ms "$a")" "$(ms "$b")" "$(ratio "$a" "$b")×" "$n"
  done
}

psql -d postgres -c "CREATE DATABASE darlington"
"$R" --db "$W/darlington.db" init >/dev/null
"$R" --db "$PG/darlington" init >/dev/null
interactive "Darlington (9 risks)" "$W/darlington.db" darlington

echo
echo "## Bulk writes: $N risks"
line operation SQLite PostgreSQL ratio note
line --- --- --- --- ---
psql -d postgres -c "CREATE DATABASE gen" -c "CREATE DATABASE migrated" -c "CREATE DATABASE imported"
a=$(secs "$R" --db "$W/gen.db" generate --risks "$N" --seed 1)
b=$(secs "$R" --db "$PG/gen" generate --risks "$N" --seed 1)
line "\`generate --risks $N\`" "$(s "$a")" "$(s "$b")" "$(ratio "$a" "$b")×" "the same register (seed 1)"
b=$(secs "$R" migrate --from "sqlite:$W/gen.db" --to "$PG/migrated")
v=$(secs "$R" --db "$W/gen.db" audit verify)
line "\`migrate\` (COPY, verified both sides)" "$(s "$v") (its audit verify)" "$(s "$b")" "$(ratio "$v" "$b")×" \
  "against the source's own \`audit verify\`"
"$R" --db "$W/gen.db" export --format csv --out "$W/export" >/dev/null
"$R" --db "$W/imp.db" init >/dev/null
"$R" --db "$PG/imported" init >/dev/null
a=$(secs "$R" --db "$W/imp.db" import "$W/export/risks.csv")
b=$(secs "$R" --db "$PG/imported" import "$W/export/risks.csv")
line "\`import\` of the register's risks.csv" "$(s "$a")" "$(s "$b")" "$(ratio "$a" "$b")×" \
  "into a fresh Darlington register"
psql -d imported -At -c "SELECT 'PostgreSQL after import: ' || count(*) || ' risks' FROM risks"
sqlite3 "$W/imp.db" "SELECT 'SQLite after import: ' || count(*) || ' risks' FROM risks"

RUNS=$RUNS_N interactive "generated, $N risks (median of $RUNS_N)" "$W/gen.db" gen
echo
echo "## Export reads on PostgreSQL: $N risks, streaming against the per-risk default"
RISKREG_MODULE_DIR="$(dirname "$R")" "$(dirname "$R")/../bench/bench_pg_export" "$PG/gen" "$RUNS_N"
echo
echo "Database sizes: SQLite $(du -m "$W/gen.db" | cut -f1) MiB; PostgreSQL" \
  "$(psql -d postgres -At -c "SELECT pg_database_size('gen') / 1048576") MiB"
echo
echo "Done: $(uptime | sed 's/.*load/load/')"
