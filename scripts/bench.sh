#!/usr/bin/env bash
# The benchmark suite (issue 8): every Google Benchmark executable in bench/, plus
# whole-command timings of the built riskreg against sqlite3's own CLI running the
# equivalent query as its own process, on Darlington's register and on generated registers.
# Writes docs/benchmarks.md. Not part of the test run (the CTest smoke tests keep it alive).
#
#   bash scripts/bench.sh                     # Darlington, 10k, 100k and 1M risks (slow)
#   BENCH_SIZES="10000 100000" bash scripts/bench.sh   # a shorter run
#   BENCH_RUNS=11 (runs per median), BENCH_OUT=docs/benchmarks.md, BENCH_SKIP_GBENCH=1,
#   BENCH_WORK=dir (where the registers are kept and reused; BENCH_REGENERATE=1 to rewrite them)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=${BENCH_BUILD:-$ROOT/build-bench}
if [ -z "${BENCH_NO_BUILD:-}" ]; then   # BENCH_NO_BUILD=1 BENCH_BUILD=dir: use a Release build already there
  cmake -S "$ROOT" -B "$B" -DCMAKE_BUILD_TYPE=Release -DRISKREG_BENCH=ON -DRISKREG_TESTS=OFF >/dev/null
  cmake --build "$B" -j2 --target riskreg bench_rules_bench bench_graph_bench bench_network_bench >/dev/null
fi
command -v sqlite3 >/dev/null || { echo "bench.sh: needs the sqlite3 CLI (apt-get install sqlite3)" >&2; exit 2; }
exec python3 - "$ROOT" "$B" <<'PY'
import json, os, shutil, statistics, subprocess, sys, time, tomllib

root, build = sys.argv[1], sys.argv[2]
riskreg = f"{build}/cli/riskreg"
work = os.environ.get("BENCH_WORK", f"{build}/registers")
os.makedirs(work, exist_ok=True)
sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "10000 100000 1000000").split()]
runs = int(os.environ.get("BENCH_RUNS", "11"))
out_path = os.environ.get("BENCH_OUT", f"{root}/docs/benchmarks.md")
env = dict(os.environ, NO_COLOR="1", RISKREG_NOW="2026-11-23T09:00:00Z")
env.pop("RISKREG_BENCH_SMOKE", None)
DEVNULL = subprocess.DEVNULL

def log(*a): print("bench:", *a, file=sys.stderr, flush=True)

def wall(cmd, db, stdin=None):
    """(wall seconds, CPU seconds user + system) of one run of cmd as its own process."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE if stdin else DEVNULL, stdout=DEVNULL, stderr=DEVNULL,
                         env=dict(env, RISKREG_DB=db))
    if stdin:
        p.stdin.write(stdin); p.stdin.close()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"bench.sh: {cmd} exited {p.returncode}")
    return (time.perf_counter() - t, ru.ru_utime + ru.ru_stime)

def first_line(cmd, db, want):
    """Seconds until the process prints a line for which want(line) holds; then it is stopped."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=DEVNULL, env=dict(env, RISKREG_DB=db), bufsize=0)
    got = None
    for line in p.stdout:
        if want(line):
            got = time.perf_counter() - t
            break
    p.kill(); p.wait()
    return got

def median(f, n):
    f()  # warm the page cache
    got = [f() for _ in range(n)]
    if isinstance(got[0], tuple):
        return tuple(statistics.median(g[i] for g in got) for i in range(len(got[0])))
    return statistics.median(got)

def paired(f, g, n):
    """(median of f, median of g) over n runs of each, alternated, so that drift in the
    machine's load (other work on shared cores) falls on both sides alike."""
    f(); g()  # warm the page cache
    a, b = [], []
    for _ in range(n):
        a.append(f())
        b.append(g())
    med = lambda got: (tuple(statistics.median(x[i] for x in got) for i in range(len(got[0])))
                       if isinstance(got[0], tuple) else statistics.median(got))
    return med(a), med(b)

matrix = tomllib.load(open(f"{root}/rules/matrix.toml", "rb"))
above = ",".join(f"'{c}'" for c in matrix["appetite"]["above"])

SQL = {
    "show": """SELECT r.*, c.likelihood, c.impact, c.assessed_at FROM risks r
                 LEFT JOIN assessments c ON c.id = r.current_assessment WHERE r.id = 'R5';
               SELECT a.* FROM assessments a JOIN risks r ON r.key = a.risk WHERE r.id = 'R5' ORDER BY a.id;
               SELECT o.* FROM owner_changes o JOIN risks r ON r.key = o.risk WHERE r.id = 'R5' ORDER BY o.id;
               SELECT a.id, b.id, f.basis FROM feeds f JOIN risks a ON a.key = f.from_risk
                 JOIN risks b ON b.key = f.to_risk WHERE f.from_risk = (SELECT key FROM risks WHERE id = 'R5');
               SELECT a.id, b.id, f.basis FROM feeds f JOIN risks a ON a.key = f.from_risk
                 JOIN risks b ON b.key = f.to_risk WHERE f.to_risk = (SELECT key FROM risks WHERE id = 'R5');
               SELECT p.*, ac.* FROM priority_risks pr JOIN priorities p ON p.id = pr.priority
                 LEFT JOIN actions ac ON ac.priority = p.id WHERE pr.risk = (SELECT key FROM risks WHERE id = 'R5');
               SELECT content FROM rules_files;""",
    "list": """SELECT r.id, r.title, r.owner, c.likelihood || c.impact, r.target_likelihood || r.target_impact
               FROM risks r LEFT JOIN assessments c ON c.id = r.current_assessment ORDER BY r.key;""",
    "list --above-appetite": f"""SELECT r.id, r.title, r.owner, c.likelihood || c.impact,
               r.target_likelihood || r.target_impact FROM risks r JOIN assessments c ON c.id = r.current_assessment
               WHERE c.likelihood || c.impact IN ({above}) ORDER BY r.key;""",
    "matrix": """SELECT content FROM rules_files WHERE name = 'matrix.toml';
                 SELECT c.likelihood, c.impact, count(*) FROM risks r JOIN assessments c ON c.id = r.current_assessment
                 GROUP BY 1, 2;""",
    "score": """BEGIN IMMEDIATE;
                INSERT INTO assessments (risk, likelihood, impact, assessed_by, assessed_at, reason)
                  SELECT key, 'B', '2', 'bench', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'bench' FROM risks WHERE id = 'R5';
                UPDATE risks SET previous_assessment = current_assessment, current_assessment = last_insert_rowid()
                  WHERE id = 'R5';
                INSERT INTO audit SELECT seq + 1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'bench', 'score', 'R5', '{}',
                  hash, hex(randomblob(32)) FROM audit ORDER BY seq DESC LIMIT 1;
                COMMIT;""",
}
# The lifecycle's writes (issues 19 and 25): one change row, the field it sets and its audit entry, in one
# transaction, as riskreg writes them; each alternates between two values so every run is a real change.
def change_sql(table, key_sql, field_col, kind, field, value):
    return f"""BEGIN IMMEDIATE;
                INSERT INTO {table} SELECT NULL, {key_sql}, '{kind}', '{field}', {field_col}, '{value}', 'bench',
                  strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'bench' {'FROM risks WHERE id = ' + chr(39) + 'R5' + chr(39) if table == 'changes' else 'FROM actions WHERE id = (SELECT min(id) FROM actions)'};
                UPDATE {'risks' if table == 'changes' else 'actions'} SET {field_col} = '{value}'
                  WHERE {'id = ' + chr(39) + 'R5' + chr(39) if table == 'changes' else 'id = (SELECT min(id) FROM actions)'};
                INSERT INTO audit SELECT seq + 1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'bench', '{kind}', 'R5', '{{}}',
                  hash, hex(randomblob(32)) FROM audit ORDER BY seq DESC LIMIT 1;
                COMMIT;"""
LIFECYCLE = {
    # command: (riskreg arguments, run by run, alternating; the sqlite3 transaction's SQL, alternating)
    "edit": ([["edit", "R5", "--title", "Bench A", "--reason", "bench"], ["edit", "R5", "--title", "Bench B", "--reason", "bench"]],
             [change_sql("changes", "key", "title", "edit", "title", v) for v in ("Bench A", "Bench B")]),
    # (The first run takes the second arguments: treat before none.)
    "respond": ([["respond", "R5", "none", "--reason", "bench"], ["respond", "R5", "treat", "--reason", "bench"]],
                [change_sql("changes", "key", "response", "respond", "response", v) for v in ("", '{"decision":"treat"}')]),
    "action": ([["action", "{action}", "--status", "in-progress", "--reason", "bench"],
                ["action", "{action}", "--status", "done", "--reason", "bench"]],
               [change_sql("action_changes", "id", "status", "action", "status", v) for v in ("in-progress", "done")]),
}
ARGS = {"show": ["show", "R5"], "list": ["list"], "list --above-appetite": ["list", "--above-appetite"],
        "matrix": ["matrix"]}

# The registers.
registers = []
dar = f"{work}/darlington.db"
if not os.path.exists(dar):
    subprocess.run([riskreg, "--db", dar, "init", "--as", "bench"], check=True, stdout=DEVNULL, env=env)
registers.append(("Darlington (9 risks)", 9, dar, None))
for n in sizes:
    db = f"{work}/generated-{n}.db"
    gen_s = None
    if not os.path.exists(db) or os.environ.get("BENCH_REGENERATE"):
        log(f"generating {n} risks")
        t = time.perf_counter()
        subprocess.run([riskreg, "--db", db, "generate", "--risks", str(n), "--seed", "1", "--as", "bench", "--force"],
                       check=True, stdout=DEVNULL, env=env)
        gen_s = time.perf_counter() - t
    registers.append((f"generated, {n:,} risks", n, db, gen_s))

# Whole-command timings, each against sqlite3 in the same run.
rows = []   # (register, command, ours_s, base_s)
firsts = []  # (register, ours_s, base_s) time to the first above-appetite row
decisions = []  # (register, with_s, without_s) whole-register flags with decisions on 10% of risks
for name, n, db, _ in registers:
    k = runs if n <= 100000 else max(3, runs // 2)
    log(f"commands on {name}")
    for cmd in ["show", "list", "list --above-appetite", "matrix"]:
        if cmd == "list" and n > 100000:
            continue  # the whole listing of a million risks is output-bound; its first row is timed below
        ours, base = paired(lambda: wall([riskreg] + ARGS[cmd], db),
                            lambda: wall(["sqlite3", "-batch", db], db, SQL[cmd].encode()), k)
        rows.append((name, cmd, ours, base))
    # score appends: on scratch copies, alternating two scores so each run is a real change.
    mine, theirs = f"{work}/scratch-ours.db", f"{work}/scratch-sqlite3.db"
    for p in (mine, theirs):
        shutil.copyfile(db, p)
    flip = [0]
    def score_once():
        flip[0] ^= 1
        return wall([riskreg, "score", "R5", "B2" if flip[0] else "C3", "--reason", "bench", "--as", "bench"], mine)
    ours, base = paired(score_once, lambda: wall(["sqlite3", "-batch", theirs], theirs, SQL["score"].encode()), k)
    rows.append((name, "score", ours, base))
    # The lifecycle's writes, on the same scratch copies.
    first_action = subprocess.run(["sqlite3", db, "SELECT min(id) FROM actions"], capture_output=True,
                                  text=True).stdout.strip()
    for cmd, (argv, sql) in LIFECYCLE.items():
        if cmd == "action" and not first_action:
            continue
        turn = [0, 0]
        def ours_once(argv=argv):
            turn[0] ^= 1
            return wall([riskreg] + [a.replace("{action}", first_action) for a in argv[turn[0]]], mine)
        def base_once(sql=sql):
            turn[1] ^= 1
            return wall(["sqlite3", "-batch", theirs], theirs, sql[turn[1]].encode())
        ours, base = paired(ours_once, base_once, k)
        ARGS[cmd] = [a.replace("{action}", first_action or "ACTION") for a in argv[0]]
        rows.append((name, cmd, ours, base))
    for p in (mine, theirs):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(p + suffix): os.remove(p + suffix)
    # Whole-register `flags` with a decision on 10% of the risks against the same register without any
    # (issue 25: within 10%). The decisions are set in SQL on a scratch copy: only their evaluation is timed.
    if n > 9:
        decided = f"{work}/scratch-decided.db"
        shutil.copyfile(db, decided)
        subprocess.run(["sqlite3", decided, """UPDATE risks SET response = CASE key % 30
              WHEN 0 THEN '{"decision":"treat"}' WHEN 10 THEN '{"decision":"transfer","to":"Insurer"}'
              ELSE '{"approver":"Director","decision":"tolerate","score":"C/2","until":"2099-12-31"}' END
            WHERE key % 10 = 0"""], check=True)
        ours, base = paired(lambda: wall([riskreg, "flags", "--summary"], decided),
                            lambda: wall([riskreg, "flags", "--summary"], db), k)
        decisions.append((name, ours, base))
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(decided + suffix): os.remove(decided + suffix)
    # Time to the first above-appetite row (table: the line after the header).
    ours, base = paired(lambda: first_line([riskreg, "list", "--above-appetite"], db, lambda l: l.startswith(b"R")),
                        lambda: first_line(["sqlite3", "-batch", db, SQL["list --above-appetite"]], db, lambda l: True), k)
    firsts.append((name, ours, base))

# Google Benchmark: whole-register evaluation and evaluator vs hand-written loop, per size.
def gbench(exe, args, extra_env):
    r = subprocess.run([f"{build}/bench/{exe}", "--benchmark_format=json"] + args, capture_output=True, text=True,
                       env=dict(env, **extra_env), check=True)
    return {b["name"].split("/")[0]: b for b in json.loads(r.stdout)["benchmarks"]}

whole = []
for name, n, db, _ in registers[1:]:
    log(f"whole-register evaluation on {name}")
    whole.append((name, n, gbench("bench_rules_bench", ["--benchmark_filter=BM_WholeRegister|BM_EvaluateVsBaseline"],
                                  {"RISKREG_BENCH_DB": db})))
others = {}
if not os.environ.get("BENCH_SKIP_GBENCH"):
    for exe in ["bench_graph_bench", "bench_network_bench"]:
        log(f"{exe}")
        others[exe] = gbench(exe, [], {})

# The report.
def ms(s): return f"{s * 1000:.1f} ms"
def ratio(a, b): return f"{a / b:.2f}×"
L = []
w = L.append
w("# Benchmarks")
w("")
w("Written by `bash scripts/bench.sh` (issue 8); every ratio is against a baseline measured in the same run on")
w(f"the same machine. Medians of {runs} runs (half as many, at least 3, on 1,000,000 risks), wall time, each command")
w("its own process. Machine: " + subprocess.run(["uname", "-srm"], capture_output=True, text=True).stdout.strip()
  + f", {os.cpu_count()} cores (shared with other work while measured: figures are noisy).")
w("")
w("Registers: `riskreg init` (Darlington) and `riskreg generate --risks N --seed 1` (below). Baseline for commands:")
w("`sqlite3 DB` running the equivalent query or transaction as its own process (SQL in `scripts/bench.sh`).")
w("")
w("## Generated registers")
w("")
w("| register | file | generate time |")
w("|---|---|---|")
for name, n, db, gen_s in registers[1:]:
    size = os.path.getsize(db) / 2**20
    w(f"| {name} | {size:.0f} MiB | {'%.1f s' % gen_s if gen_s else '(reused)'} |")
w("")
w("## Interactive commands (target: within 2× of sqlite3)")
w("")
w("Wall time is what a user waits; CPU time (user + system of the process) is the same comparison without the")
w("other work on the machine, which inflates wall time when the cores are shared.")
w("")
w("| register | command | riskreg wall | sqlite3 wall | ratio | riskreg CPU | sqlite3 CPU | CPU ratio | reproduce |")
w("|---|---|---|---|---|---|---|---|---|")
for name, cmd, ours, base in rows:
    w(f"| {name} | `{cmd}` | {ms(ours[0])} | {ms(base[0])} | {ratio(ours[0], base[0])} | {ms(ours[1])} | {ms(base[1])} "
      f"| {ratio(ours[1], max(base[1], 1e-4))} | `RISKREG_DB=<db> riskreg {' '.join(ARGS.get(cmd, ['score', 'R5', 'B2', '--reason', 'bench']))}` |")
w("")
w("## `flags` with decisions on 10% of the risks (target: within 10% of `flags` without them)")
w("")
w("Whole-register `riskreg flags --summary` on a copy of the register where every tenth risk has a decision")
w("(treat, transfer or tolerate), against the register without any, alternated in the same run.")
w("")
w("| register | with decisions (wall, CPU) | without (wall, CPU) | ratio (CPU) |")
w("|---|---|---|---|")
for name, ours, base in decisions:
    w(f"| {name} | {ms(ours[0])}, {ms(ours[1])} | {ms(base[0])}, {ms(base[1])} | {ratio(ours[1], max(base[1], 1e-4))} |")
w("")
w("## `list --above-appetite`: time to the first row")
w("")
w("| register | riskreg | sqlite3 | ratio |")
w("|---|---|---|---|")
for name, ours, base in firsts:
    w(f"| {name} | {ms(ours)} | {ms(base)} | {ratio(ours, base)} |")
w("")
w("## Whole-register evaluation (target: 1,000,000 risks under 2 s and 1 GiB)")
w("")
w("Load every risk's facts from the register, count the matrix and the appetite line, evaluate the register's")
w("rules (`rules/flags.toml`): which rule fires on which risk, `BM_WholeRegister`. Rendering every flag's message,")
w("which `riskreg flags` does as it prints them, is timed apart (messages). Evaluation alone against the lower bound,")
w("a plain C++ loop with the same ten conditions written by hand over the same facts: `BM_EvaluateVsBaseline`.")
w("")
w("| register | load | evaluate | total (wall) | total (CPU) | messages | peak memory | evaluator vs plain loop | reproduce |")
w("|---|---|---|---|---|---|---|---|---|")
for name, n, r in whole:
    wr, ev = r["BM_WholeRegister"], r["BM_EvaluateVsBaseline"]
    w(f"| {name} | {wr['load_s']:.2f} s | {wr['eval_s']:.2f} s | {wr['total_s']:.2f} s | {wr.get('total_cpu_s', 0):.2f} s "
      f"| {wr.get('msg_s', 0):.2f} s | {wr['peak_MiB']:.0f} MiB "
      f"| {ev['ours_ms']:.1f} / {ev['baseline_ms']:.1f} ms = {ev['ratio']:.2f}× "
      f"| `RISKREG_BENCH_DB=<db> build-bench/bench/bench_rules_bench --benchmark_filter=Whole` |")
w("")
w("## Growth from the smallest to the largest generated register")
w("")
if len(registers) > 2:
    (n0, n1) = (registers[1][1], registers[-1][1])
    f = n1 / n0
    w(f"Size grows {f:,.0f}×. Linear growth would multiply a full-register figure by {f:,.0f}; an indexed one should stay flat.")
    w("")
    w("| figure | growth | |")
    w("|---|---|---|")
    by = {(r[0], r[1]): r for r in rows}
    first_name, last_name = registers[1][0], registers[-1][0]
    for cmd in ["show", "score", "matrix", "list --above-appetite"]:
        a, b = by.get((first_name, cmd)), by.get((last_name, cmd))
        if a and b:
            g = b[2][1] / a[2][1]
            w(f"| `{cmd}` CPU time | {g:.1f}× | {'flat (indexed)' if g < 3 else 'linear or better' if g <= f * 1.2 else 'WORSE than linear'} |")
    fa = [x for x in firsts if x[0] in (first_name, last_name)]
    if len(fa) == 2:
        w(f"| `list --above-appetite` first row | {fa[1][1] / fa[0][1]:.1f}× | |")
    wa, wb = whole[0][2]["BM_WholeRegister"], whole[-1][2]["BM_WholeRegister"]
    g = wb.get("total_cpu_s", wb["total_s"]) / wa.get("total_cpu_s", wa["total_s"])
    w(f"| whole-register evaluation | {g:.1f}× | {'linear or better' if g <= f * 1.2 else 'WORSE than linear'} |")
    g = wb["peak_MiB"] / wa["peak_MiB"]
    w(f"| peak memory of the evaluation | {g:.1f}× | {'linear or better' if g <= f * 1.2 else 'WORSE than linear'} |")
w("")
if others:
    w("## Graph and network model (Google Benchmark, their own synthetic inputs)")
    w("")
    w("| benchmark | time | counters | reproduce |")
    w("|---|---|---|---|")
    skip = {"name", "run_name", "run_type", "repetitions", "repetition_index", "threads", "iterations", "real_time",
            "cpu_time", "time_unit", "family_index", "per_family_instance_index", "aggregate_name", "label"}
    for exe, res in others.items():
        for bname, bm in res.items():
            counters = ", ".join(f"{k} {v:.3g}" for k, v in bm.items() if k not in skip and isinstance(v, (int, float)))
            w(f"| {bm['name']} | {bm['real_time']:.1f} {bm['time_unit']} | {counters} | `build-bench/bench/{exe} --benchmark_filter={bname}` |")
    w("")
w("## Smoke mode")
w("")
w("`ctest -L bench` runs every benchmark executable with `RISKREG_BENCH_SMOKE=1` on a tiny register (part of the")
w("normal test run), so none of them rots; its figures mean nothing.")
open(out_path, "w").write("\n".join(L) + "\n")
log(f"wrote {out_path}")
PY
