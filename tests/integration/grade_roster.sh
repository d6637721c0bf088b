#!/bin/sh
# grade_roster.sh — `asynclab grade EX --roster DIR -j 2`: a class of exercise 4
# with the reference, the untouched starter, an empty folder, a submission
# kept in a subfolder, a member with the file in two folders, and the hostile
# known-wrong ones (a segfault, a hang, a fork storm, an output flood). Each
# costs only its own rows: every known-wrong member loses exactly the tests
# of its `expect` file, with that status; the summary lists the tests hardest
# first; nothing of a run survives (no process under a private uid). A second
# run regrades nothing and writes the same CSV; a changed submission, and
# only it, is graded again.
set -eu
. "$(dirname "$0")/lib/grade_env.sh" "$1"
EX=$SRC/exercises/04-generators
runs_in_t

R=$T/roster
mkdir -p "$R/alice" "$R/bob" "$R/empty" "$R/nested/work/src" "$R/twice/a" "$R/twice/b"
cp "$EX/solution/generators.c" "$R/alice/"
cp "$EX/starter/generators.c" "$R/bob/"
cp "$EX/solution/generators.c" "$R/nested/work/src/"
cp "$EX/solution/generators.c" "$R/twice/a/"
cp "$EX/solution/generators.c" "$R/twice/b/"
for w in segfault hang fork-storm flood; do cp -r "$EX/wrong/$w" "$R/$w"; done

run() {   # run WANT_STATUS ARGS...: the roster grade, its stderr in $T/err
    want=$1
    shift
    status=0
    "$AL" grade 4 --roster "$R" -o "$T/out" "$@" >"$T/stdout" 2>"$T/err" || status=$?
    if [ "$status" -ne "$want" ]; then
        cat "$T/stdout" "$T/err"
        echo "FAIL: the roster grade exited $status, expected $want" >&2
        exit 1
    fi
}

# One member cannot be graded (the file is in two folders): exit 3, its row says why.
run 3 -j 2
grep -q "8 to grade, 0 unchanged" "$T/err" || { cat "$T/err"; echo "FAIL: not the 8 gradable members graded" >&2; exit 1; }
/usr/bin/python3 - "$HERE/lib" "$T/out" "$EX" <<'END'
import csv, os, re, sys
sys.path.insert(0, sys.argv[1])
import grade_check as g
out, ex = sys.argv[2], sys.argv[3]
tests = list(g.manifest(ex)["tests"])
rows = list(csv.reader(open(f"{out}/class.csv", newline="")))
if rows[0] != ["student", "test", "status", "score", "max_score"]:
    g.fail(f"class.csv header {rows[0]}")
by = {}
for student, test, status, score, mx in rows[1:]:
    by.setdefault(student, {})[test] = (status, float(score), float(mx))
def statuses(student):
    if student not in by:
        g.fail(f"{student} has no rows in class.csv: {sorted(by)}")
    return {t: s for t, (s, _, _) in by[student].items()}
for student in ("alice", "nested"):
    if statuses(student) != {t: "PASS" for t in tests}:
        g.fail(f"{student} (the reference) did not pass everything: {statuses(student)}")
if set(statuses("empty").values()) != {"NOT RUN"} or set(statuses("bob").values()) != {"FAIL"}:
    g.fail(f"empty: {statuses('empty')}, bob (the starter): {statuses('bob')}")
for w in ("segfault", "hang", "fork-storm", "flood"):
    expect = dict(l.split() for l in open(f"{ex}/wrong/{w}/expect") if l.strip() and l[0] != "#")
    want = {t: expect.get(t, "PASS") for t in tests}
    if statuses(w) != want:
        g.fail(f"{w}: {statuses(w)}\n  expected {want}")
if statuses("twice") != {"-": "ERROR"}:
    g.fail(f"twice (the file in two folders) should be one ERROR row: {statuses('twice')}")
totals = {r[0]: r for r in csv.reader(open(f"{out}/totals.csv", newline=""))}
if "two folders" not in totals["twice"][3] or totals["alice"][1:3] != ["24", "24"]:
    g.fail(f"totals.csv: {totals}")
summary = open(f"{out}/summary.txt").read()
rates = re.findall(r"^  (\w+) +(\d+)%  \((\d+) of (\d+)\)$", summary, re.M)
if len(rates) != len(tests) or [int(r[1]) for r in rates] != sorted(int(r[1]) for r in rates):
    g.fail(f"the pass rates are not every test, hardest first:\n{summary}")
for name, _, passed, total in rates:
    graded = [s for s in by.values() if name in s]
    if (int(passed), int(total)) != (sum(s[name][0] == "PASS" for s in graded), len(graded)):
        g.fail(f"{name}: the summary says {passed} of {total}, class.csv says otherwise")
if "score distribution" not in summary or not os.path.exists(f"{out}/reports/fork-storm.txt"):
    g.fail("no score distribution in the summary, or no per-student report")
print("ok: 9 members, each hostile one lost exactly its own tests; summary hardest first")
END
left=$(survivors | wc -l)
[ "$left" -eq 0 ] || { ps -o uid,pid,ppid,comm -p "$(survivors | tr '
' ',' | sed 's/,$//')"; ps -eo uid,pid,ppid,comm | awk '$1 >= 1073741824'; echo "FAIL: $left processes of the runs survived" >&2; exit 1; }
cp "$T/out/class.csv" "$T/first.csv"

# Nothing changed: nothing is graded, the CSV is the same.
run 3 -j 2
grep -q "0 to grade, 8 unchanged" "$T/err" || { cat "$T/err"; echo "FAIL: a re-run regraded" >&2; exit 1; }
cmp "$T/first.csv" "$T/out/class.csv" || { echo "FAIL: the re-run changed class.csv" >&2; exit 1; }

# bob finishes the work: only bob is graded again, and gets full marks.
cp "$EX/solution/generators.c" "$R/bob/"
run 3 -j 2
grep -q "1 to grade, 7 unchanged" "$T/err" || { cat "$T/err"; echo "FAIL: expected only bob regraded" >&2; exit 1; }
grep -q "^bob,24,24," "$T/out/totals.csv" || { cat "$T/out/totals.csv"; echo "FAIL: bob's new grade is not in totals.csv" >&2; exit 1; }
echo "ok: a roster of 9 with -j 2, re-runs grade only what changed"
