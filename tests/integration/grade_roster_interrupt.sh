#!/bin/sh
# grade_roster_interrupt.sh — SIGINT in the middle of a roster: the grade
# stops cleanly (exit 130, no process of a run left), class.csv holds the
# submissions finished before the signal and only those, and a second run
# grades the rest without grading the finished ones again.
#
# The roster (graded one at a time, in name order): a-first (the reference),
# b-hang (a test that hangs until its 3 s timeout: the signal arrives while
# it runs), c-last (the starter).
set -eu
. "$(dirname "$0")/lib/grade_env.sh" "$1"
EX=$SRC/exercises/04-generators
runs_in_t

R=$T/roster
mkdir -p "$R/a-first" "$R/b-hang" "$R/c-last"
cp "$EX/solution/generators.c" "$R/a-first/"
cp "$EX/wrong/hang/generators.c" "$R/b-hang/"
cp "$EX/starter/generators.c" "$R/c-last/"

"$AL" grade 4 --roster "$R" -o "$T/out" -j 1 >"$T/stdout" 2>"$T/err" &
pid=$!
# Wait (bounded) until a-first's grade is written, then interrupt.
i=0
until grep -q '^a-first,' "$T/out/class.csv" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -gt 1200 ] || ! kill -0 "$pid" 2>/dev/null; then
        cat "$T/err"
        echo "FAIL: a-first's grade never appeared in class.csv" >&2
        exit 1
    fi
    sleep 0.1
done
kill -INT "$pid" || { echo "FAIL: the roster grade finished before its first grade was kept (no class.csv until the end?)" >&2; exit 1; }
status=0
wait "$pid" || status=$?
[ "$status" -eq 130 ] || { cat "$T/stdout" "$T/err"; echo "FAIL: interrupted roster exited $status, expected 130" >&2; exit 1; }
grep -q "interrupted; 1 of 3 graded" "$T/err" || { cat "$T/err"; echo "FAIL: no clear 'interrupted' message" >&2; exit 1; }
students=$(cut -d, -f1 "$T/out/class.csv" | sort -u | tr '\n' ' ')
[ "$students" = "a-first student " ] || { cat "$T/out/class.csv"; echo "FAIL: class.csv should hold a-first only, holds: $students" >&2; exit 1; }
left=$(survivors | wc -l)
[ "$left" -eq 0 ] || { ps -o uid,pid,ppid,comm -p "$(survivors | tr '
' ',' | sed 's/,$//')"; echo "FAIL: $left processes of the runs survived the interrupt" >&2; exit 1; }
[ -z "$(ls -A "$T/out" | grep '^\.work')" ] || { ls -la "$T/out"; echo "FAIL: the workers' folder was left behind" >&2; exit 1; }
cp "$T/out/reports/a-first.txt" "$T/a-first.before"
touch -d '2001-01-01' "$T/out/reports/a-first.txt"

# The second run: b-hang and c-last only; a-first is kept as it was.
status=0
"$AL" grade 4 --roster "$R" -o "$T/out" -j 2 >"$T/stdout" 2>"$T/err" || status=$?
[ "$status" -eq 0 ] || { cat "$T/stdout" "$T/err"; echo "FAIL: the second run exited $status" >&2; exit 1; }
grep -q "2 to grade, 1 unchanged" "$T/err" || { cat "$T/err"; echo "FAIL: the second run did not grade exactly the 2 missing" >&2; exit 1; }
[ "$(date -r "$T/out/reports/a-first.txt" +%Y)" = 2001 ] || { echo "FAIL: a-first was graded again" >&2; exit 1; }
students=$(cut -d, -f1 "$T/out/class.csv" | sort -u | tr '\n' ' ')
[ "$students" = "a-first b-hang c-last student " ] || { echo "FAIL: class.csv after the second run: $students" >&2; exit 1; }
grep -q '^b-hang,range_negative_step,TIMEOUT,0,1$' "$T/out/class.csv" || { cat "$T/out/class.csv"; echo "FAIL: b-hang's hang is not a TIMEOUT row" >&2; exit 1; }
echo "ok: SIGINT keeps the finished grades; a re-run grades only the rest"
