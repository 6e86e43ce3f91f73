#!/usr/bin/env python3
"""The engine's layers (README, Layout): a file may include its own folder and the folders below
it, never one above. Run by CTest (`layers`); prints each upward include as file:line and exits 1.

    python3 tests/check_layers.py [SOURCE_ROOT]
    python3 tests/check_layers.py --self-test   # the check finds an upward include in a made-up tree
"""
import pathlib, re, subprocess, sys, tempfile

# Lowest first. A folder may include itself and any folder before it in this list.
LAYERS = ["core", "domain", "data", "records", "audit", "store", "rules", "graph", "register", "io", "alert", "cli"]
RANK = {name: i for i, name in enumerate(LAYERS)}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"')
# An include through "../" would hide the folder it reaches from the check: refused outright.
CLIMB = re.compile(r'^\s*#\s*include\s+"(?:[^"]*/)?\.\./')

if sys.argv[1:] == ["--self-test"]:
    with tempfile.TemporaryDirectory() as tmp:
        t = pathlib.Path(tmp)
        (t / "engine/core").mkdir(parents=True)
        (t / "engine/store").mkdir(parents=True)
        (t / "cli").mkdir()
        (t / "engine/core/clock.h").write_text('#include "core/text.h"\n')
        (t / "engine/store/store.h").write_text('#include "core/clock.h"\n')
        (t / "cli/main.cc").write_text('#include "store/store.h"\n#include "commands.h"\n')
        clean = subprocess.run([sys.executable, __file__, tmp], capture_output=True, text=True)
        (t / "engine/core/clock.h").write_text('#include "core/text.h"\n  # include "store/store.h"\n')
        dirty = subprocess.run([sys.executable, __file__, tmp], capture_output=True, text=True)
        (t / "engine/core/clock.h").write_text('#include "core/text.h"\n')
        (t / "engine/store/store.h").write_text('#include "../core/clock.h"\n')
        climbing = subprocess.run([sys.executable, __file__, tmp], capture_output=True, text=True)
    want = "engine/core/clock.h:2:1: core/ includes store/, a layer above it"
    want_climb = "engine/store/store.h:1:1: includes through '../'"
    ok = (clean.returncode == 0 and dirty.returncode == 1 and want in dirty.stdout and climbing.returncode == 1
          and want_climb in climbing.stdout)
    print("self-test:", "ok" if ok else f"FAILED\nclean: {clean.stdout}\ndirty: {dirty.stdout}\nclimbing: {climbing.stdout}")
    sys.exit(0 if ok else 1)

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
problems, files = [], 0
for path in sorted(list((root / "engine").rglob("*")) + list((root / "cli").rglob("*"))):
    if path.suffix not in (".h", ".cc") or not path.is_file():
        continue
    rel = path.relative_to(root)
    layer = "cli" if rel.parts[0] == "cli" else rel.parts[1]
    if layer not in RANK:
        problems.append(f"{rel}:1:1: folder '{layer}' is in no layer (tests/check_layers.py LAYERS: {', '.join(LAYERS)})")
        continue
    files += 1
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if CLIMB.match(line):
            problems.append(f"{rel}:{n}:1: includes through '../', which hides its layer; include it as "
                            f"folder/file.h from engine/")
            continue
        m = INCLUDE.match(line)
        if m and m.group(1) in RANK and RANK[m.group(1)] > RANK[layer]:
            problems.append(f"{rel}:{n}:1: {layer}/ includes {m.group(1)}/, a layer above it "
                            f"({' -> '.join(LAYERS)})")
for p in problems:
    print(p)
print(f"layers: {files} files, {len(problems)} upward include(s)")
sys.exit(1 if problems or files == 0 else 0)
