#!/bin/sh
# grade_starters.sh — every untouched starter compiles and scores exactly
# the baseline its manifest (and README) states, and `grade` exits 1; each
# README's table of points matches its manifest.
set -eu
. "$(dirname "$0")/lib/grade_env.sh" "$1"

status=0
"$AL" grade all --json "$T/s.json" >"$T/out.txt" 2>&1 || status=$?
if [ "$status" -ne 1 ]; then
    cat "$T/out.txt"
    echo "FAIL: grading the starters exited $status, expected 1 (some tests failed)" >&2
    exit 1
fi
/usr/bin/python3 - "$HERE/lib" "$T/s.json" "$SRC/exercises" <<'END'
import os, re, sys
sys.path.insert(0, sys.argv[1])
import grade_check as g
results = g.results_by_test(sys.argv[2])
root = sys.argv[3]
problems = []
seen = sorted({ex for ex, _ in results})
for ex in seen:
    m = g.manifest(os.path.join(root, ex))
    baseline = float(m["exercise"].get("baseline", "0"))
    score = sum(s for (e, _), (_, s, _, _) in results.items() if e == ex)
    if score != baseline:
        problems.append(f"{ex}: the starter scores {score:g}, its manifest says {baseline:g}")
    not_compiled = [n for (e, n), (r, _, _, _) in results.items() if e == ex and r == "NOT RUN"]
    if not_compiled:
        problems.append(f"{ex}: the starter does not compile")
    readme = open(os.path.join(root, ex, "README.md"), encoding="utf-8").read()
    table = dict(re.findall(r"^\| `(\w+)` \| ([\d.]+) \|$", readme, re.M))
    points = {name: t.get("points", "1") for name, t in m["tests"].items()}
    if {k: float(v) for k, v in table.items()} != {k: float(v) for k, v in points.items()}:
        problems.append(f"{ex}: README.md's points table {table} differs from exercise.ini {points}")
    if f"starter scores {baseline:g}" not in readme.replace("**", ""):
        problems.append(f"{ex}: README.md does not state the starter's score ({baseline:g})")
if len(seen) < 5:
    problems.append(f"only {len(seen)} exercises were graded")
if problems:
    g.fail("\n  ".join(problems))
print(f"ok: {len(seen)} starters compile and score their baseline")
END
