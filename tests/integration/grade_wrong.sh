#!/bin/sh
# grade_wrong.sh — every known-wrong submission (exercises/*/wrong/NAME/)
# loses exactly the tests its `expect` file names, with the status named
# there, and passes all the others. Among them: a blocking server for the
# concurrency exercise, a scheduler that sleeps one task after another, a
# segfault, a hang, an fd leak, exit() mid-test, a fork storm whose
# processes leave their process group, and an output flood. Also checked:
# nothing of a run survives it (no process left under the run's private
# uids), the flood is cut to 10 KiB with a note, an endless loop and a
# blocking call end when seen stuck (not at the deadline) and say which,
# and without sanitizers the segfault is reported as SIGSEGV. An expect line may name two statuses
# (PASS|FAIL) where the submission's own bug is a race, with a comment why.
set -eu
. "$(dirname "$0")/lib/grade_env.sh" "$1"

# grade EX DIR JSON [options]: run the grader, remember its pid.
grade() {
    ex=$1 dir=$2 json=$3
    shift 3
    status=0
    "$AL" grade "$ex" --src "$dir" --json "$json" "$@" >"$T/out.txt" 2>&1 &
    pid=$!
    wait "$pid" || status=$?
    if [ "$status" -ne 1 ]; then
        cat "$T/out.txt"
        echo "FAIL: grading $dir exited $status, expected 1" >&2
        exit 1
    fi
}

checked=0
for w in "$SRC"/exercises/[0-9][0-9]-*/wrong/*/; do
    [ -f "$w/expect" ] || continue
    ex=$(basename "$(dirname "$(dirname "$w")")")
    name=$(basename "$w")
    grade "$ex" "$w" "$T/w.json"
    /usr/bin/python3 - "$HERE/lib" "$T/w.json" "$w/expect" "$ex/$name" "$pid" <<'END'
import os, sys
sys.path.insert(0, sys.argv[1])
import grade_check as g
results = g.results_by_test(sys.argv[2])
expect = {}
for line in open(sys.argv[3]):
    if line.strip() and not line.startswith("#"):
        test, status = line.split()
        expect[test] = status
label = sys.argv[4]
problems = []
for (ex, test), (result, score, max_score, output) in sorted(results.items()):
    # "PASS|FAIL": the submission's own race decides (said in its expect file).
    want = expect.get(test, "PASS")
    if result not in want.split("|"):
        problems.append(f"{test}: expected {want}, got {result}\n      {output[:300]!r}")
for test in expect:
    if not any(t == test for _, t in results):
        problems.append(f"{test}: named in expect, but not graded")
# Nothing may outlive the run: no process under the run's private uids.
if os.geteuid() == 0:
    base = 0x40000000 + int(sys.argv[5]) * 64
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            uid = next(int(l.split()[1]) for l in open(f"/proc/{pid}/status") if l.startswith("Uid:"))
        except (OSError, StopIteration):
            continue
        if base <= uid < base + 64:
            problems.append(f"process {pid} (uid {uid}) of the run is still alive")
if problems:
    g.fail(label + ":\n  " + "\n  ".join(problems))
lost = ", ".join(f"{t} {s}" for t, s in expect.items())
print(f"ok: {label} loses exactly {lost}")
if "flood" in label:
    out = next(o for (e, t), (r, s, m, o) in results.items() if t in expect)
    if "bytes of output not shown" not in out or len(out.encode()) > 12 * 1024:
        g.fail(f"{label}: the flood's output was not cut to 10 KiB with a note ({len(out)} chars)")
    print(f"ok: {label}'s output kept to {len(out.encode())} bytes with a note")
# A stuck call ends when it is seen stuck, not at the deadline, and says how.
stuck = {"hang": "still computing after", "sleep-forever": "asleep in the kernel"}
for name, words in stuck.items():
    if label.endswith("/" + name):
        for (e, t), (r, s, m, o) in results.items():
            if t in expect and words not in o:
                g.fail(f"{label}: {t} should end early, saying the call is {words!r}: {o[:300]!r}")
        print(f"ok: {label}'s calls end as soon as they are seen stuck ({words})")
END
    checked=$((checked + 1))
done
[ "$checked" -ge 10 ] || { echo "FAIL: only $checked known-wrong submissions found" >&2; exit 1; }

# Without sanitizers a segfault is the kernel's SIGSEGV, not ASan's report
# (unless this asynclab is itself a sanitizer build, which says so).
grade 04-generators "$SRC/exercises/04-generators/wrong/segfault" "$T/s.json" --no-sanitize
forced=0
grep -q "compiled with them anyway" "$T/out.txt" && forced=1
/usr/bin/python3 - "$HERE/lib" "$T/s.json" "$forced" <<'END'
import sys
sys.path.insert(0, sys.argv[1])
import grade_check as g
r = g.results_by_test(sys.argv[2])[("04-generators", "fib_first_ten")]
want = "sanitizer found an error" if sys.argv[3] == "1" else "SIGSEGV"
if r[0] != "CRASH" or want not in r[3]:
    g.fail(f"--no-sanitize segfault: expected CRASH with {want}, got {r[0]}: {r[3][:200]!r}")
print(f"ok: with --no-sanitize the segfault is reported as {want}")
END
echo "ok: $checked known-wrong submissions lose exactly what they should"
