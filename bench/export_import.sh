#!/usr/bin/env bash
# Issue 6: export and import speed on a generated register, against sqlite3's own CLI in the
# same run. Generates (or reuses) an N-risk register with `riskreg generate`, then times,
# each as its own process with its peak memory (getrusage of the child), RUNS times:
#   - `riskreg export` as CSV, JSON and XLSX, in rows per second (rows: risks + assessments);
#   - `riskreg import` of the exported risks.csv into a fresh register (`riskreg init`),
#     alternated with `sqlite3 -cmd '.import --csv --skip 1'` of the same file into an
#     equivalent table (the same columns, the id unique), once with SQLite's default 4 KiB
#     pages and once with the 16 KiB pages riskreg's registers have; the ratio of each pair.
# Every timed run starts after a sync, so the disk's writing back of an earlier run's files
# does not fall into it. Prints medians, with the range, as a Markdown table
# (docs/benchmarks.md, "Export and import (issue 6)").
#
#   bash bench/export_import.sh [N] [BUILD_DIR]      # N risks (default 1000000), BUILD_DIR default build
#   BENCH_WORK=dir keeps the generated register between runs (default: a temporary folder)
#   BENCH_RUNS=K times each workload K times (default 3)
#   BENCH_SMOKE=1: a check that it all runs (CTest runs it at a tiny N); figures mean nothing
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
BUILD=${2:-$ROOT/build}
command -v sqlite3 >/dev/null || { echo "export_import.sh: needs the sqlite3 CLI (apt-get install sqlite3)" >&2; exit 2; }
[ -x "$BUILD/cli/riskreg" ] || { echo "export_import.sh: no $BUILD/cli/riskreg (build it first)" >&2; exit 2; }
exec python3 - "$ROOT" "$BUILD" "$N" <<'PY'
import csv, os, shutil, statistics, subprocess, sys, tempfile, time

root, build, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
riskreg = f"{build}/cli/riskreg"
keep = os.environ.get("BENCH_WORK")
work = keep or tempfile.mkdtemp(prefix="riskreg-bench-ei-")
os.makedirs(work, exist_ok=True)
env = dict(os.environ, NO_COLOR="1", RISKREG_NOW="2026-11-23T09:00:00Z")
runs = max(1, int(os.environ.get("BENCH_RUNS", "3")))

def run(cmd, **kw):
    """(wall seconds, peak resident MiB) of cmd as its own process; fails loudly."""
    os.sync()
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, **kw)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    err = p.stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"export_import.sh: {' '.join(cmd)} failed: {err.strip()}")
    return wall, ru.ru_maxrss / 1024.0

def log(*a): print("bench:", *a, file=sys.stderr, flush=True)

def assessments_so_far():
    with open(f"{work}/export.csv/assessments.csv", newline="", encoding="utf-8") as f:
        return sum(1 for _ in csv.reader(f)) - 1

try:
    db = f"{work}/generated-{n}.db"
    if not os.path.exists(db):
        log(f"generating {n} risks into {db}")
        run([riskreg, "generate", "--risks", str(n), "--seed", "1", "--db", db, "--as", "bench"])
    out = {}  # format -> [(wall, MiB)] of each run
    for fmt in ("csv", "json", "xlsx"):
        dest = f"{work}/export.{fmt}"
        if fmt == "xlsx" and "csv" in out and assessments_so_far() > 1048575:
            log("xlsx: skipped, the Assessments sheet would pass Excel's 1,048,576 rows")
            continue
        for k in range(runs):
            shutil.rmtree(dest, ignore_errors=True)
            if os.path.exists(dest): os.remove(dest)
            log(f"export --format {fmt} ({k + 1} of {runs})")
            out.setdefault(fmt, []).append(run([riskreg, "--db", db, "export", "--format", fmt, "--out", dest]))
    with open(f"{work}/export.csv/risks.csv", newline="", encoding="utf-8") as f:
        risks = sum(1 for _ in csv.reader(f)) - 1
    with open(f"{work}/export.csv/assessments.csv", newline="", encoding="utf-8") as f:
        assessments = sum(1 for _ in csv.reader(f)) - 1
    if risks != n:
        raise SystemExit(f"export_import.sh: risks.csv has {risks} risks, expected {n}")
    total = risks + assessments

    # Import: the exported risks.csv into a fresh register, alternated with sqlite3's .import of
    # the same file into a fresh table, with SQLite's default pages and with the register's.
    with open(f"{work}/export.csv/risks.csv", newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    cols = ", ".join(f'"{c}" TEXT' + (" NOT NULL UNIQUE" if c == "id" else "") for c in header)
    page = subprocess.run(["sqlite3", db, "PRAGMA page_size"], capture_output=True, text=True, check=True).stdout.strip()

    def fresh(path):
        for p in (path, path + "-wal", path + "-shm"):
            if os.path.exists(p): os.remove(p)

    def count(path):
        got = subprocess.run(["sqlite3", path, "SELECT count(*) FROM risks"], capture_output=True, text=True).stdout.strip()
        return int(got)

    imports, base4k, base_same = [], [], []
    for k in range(runs):
        imp = f"{work}/import.db"
        fresh(imp)
        run([riskreg, "--db", imp, "init", "--as", "bench"])
        log(f"import ({k + 1} of {runs})")
        imports.append(run([riskreg, "--db", imp, "import", f"{work}/export.csv/risks.csv", "--as", "bench"]))
        if count(imp) < n:
            raise SystemExit(f"export_import.sh: the register holds {count(imp)} risks after the import, expected at least {n}")
        new_page = subprocess.run(["sqlite3", imp, "PRAGMA page_size"], capture_output=True, text=True).stdout.strip()
        for pages, times in (("4096", base4k), (new_page, base_same)):
            base = f"{work}/sqlite3-import.db"
            fresh(base)
            subprocess.run(["sqlite3", base, f"PRAGMA page_size = {pages}; PRAGMA journal_mode = WAL; CREATE TABLE risks ({cols});"],
                           check=True, capture_output=True)
            log(f"sqlite3 .import, {pages}-byte pages ({k + 1} of {runs})")
            times.append(run(["sqlite3", base, f".import --csv --skip 1 {work}/export.csv/risks.csv risks"]))
            if count(base) != n:
                raise SystemExit(f"export_import.sh: sqlite3 imported {count(base)} rows, expected {n}")

    def med(xs): return statistics.median(xs)
    def spread(xs, fmt): return fmt.format(med(xs)) + (f" ({fmt.format(min(xs))}–{fmt.format(max(xs))})" if len(xs) > 1 else "")

    load = open("/proc/loadavg").read().split()[:3]
    print(f"Register: `riskreg generate --risks {n} --seed 1` ({risks:,} risks, {assessments:,} assessments, "
          f"{page}-byte pages). Medians of {runs} runs, range in brackets. "
          f"Load average when done: {' '.join(load)} on {os.cpu_count()} cores.\n")
    print("| workload | wall | rows/s (risks + assessments) | peak memory | baseline | ratio |")
    print("|---|---|---|---|---|---|")
    for fmt in ("csv", "json", "xlsx"):
        if fmt not in out:
            print(f"| export --format {fmt} | n/a: more than Excel's 1,048,576 rows a sheet | | | | |")
            continue
        walls = [w for w, _ in out[fmt]]
        target = " (target ≥ 500,000)" if fmt == "csv" else ""
        print(f"| export --format {fmt} | {spread(walls, '{:.2f}')} s | {spread([total / w for w in walls], '{:,.0f}')}{target} "
              f"| {max(m for _, m in out[fmt]):.0f} MiB | | |")
    walls = [w for w, _ in imports]
    for label, base in ((f"sqlite3 .import, 4096-byte pages", base4k), (f"sqlite3 .import, {new_page}-byte pages", base_same)):
        bw = [w for w, _ in base]
        target = " (target ≤ 1.5×)" if base is base4k else ""
        print(f"| import risks.csv | {spread(walls, '{:.2f}')} s | {risks / med(walls):,.0f} risks/s "
              f"| {max(m for _, m in imports):.0f} MiB | {label}: {spread(bw, '{:.2f}')} s, {max(m for _, m in base):.0f} MiB "
              f"| {spread([a / b for a, b in zip(walls, bw)], '{:.2f}')}×{target} |")
finally:
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
PY
