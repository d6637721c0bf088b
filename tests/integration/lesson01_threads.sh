#!/bin/sh
# lesson01_threads.sh — lesson 1's thread-per-connection measurement, with
# 200 connections (the README's run uses 10,000). Asserted is the structure,
# never a speed or a size that depends on the machine's load:
#   - both models serve all connections and print their two lines;
#   - every thread blocked in recv() before the requests were sent (the
#     program waits until /proc shows each asleep), so the threads' accepting
#     phase has at least one voluntary switch per connection; the tasks'
#     phase has fewer than one per connection (the waiting is done by the
#     loop, not by a thread per connection). Both leave out accept()'s waits
#     for the client, which depend on who runs faster, not on the model;
#   - threads reserve more address space than tasks (a stack each);
#   - --model picks one; a bad --count is refused with the limit named.
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"
PROG=$BUILD/lessons/01-blocking-socket/lesson01_threads_vs_tasks
fail() { echo "FAIL: $*" >&2; cat "$TMP/out" >&2; exit 1; }   # with what the program said

timeout 120 "$PROG" --count 200 >"$TMP/out" 2>&1 || fail "exited $?"
cat "$TMP/out"
/usr/bin/python3 - "$TMP/out" <<'END' || fail "unexpected figures"
import re, sys
text = open(sys.argv[1]).read()
mem = dict((m[0], float(m[1])) for m in re.findall(
    r"^(threads|tasks) +200 connections waiting: RSS \+[0-9.]+ MiB \([0-9.]+ KiB each\), "
    r"address space \+([0-9.]+) MiB, kernel stacks \(system-wide\) [-+][0-9.]+ MiB$", text, re.M))
sw = dict((m[0], (int(m[1]), int(m[2]))) for m in re.findall(
    r"^(threads|tasks) +context switches, accepting until all wait: (\d+) voluntary \+ (\d+) involuntary "
    r"\(and \d+ waits in accept\(\) for the client\); serving the 200 requests: \d+ \+ \d+$", text, re.M))
assert sorted(mem) == sorted(sw) == ["tasks", "threads"], f"lines missing: {mem} {sw}"
assert sw["threads"][0] >= 200, f"threads: {sw['threads'][0]} voluntary switches for 200 blocked threads"
assert sw["tasks"][0] < 200, f"tasks: {sw['tasks'][0]} voluntary switches, expected fewer than one per connection"
assert mem["threads"] > mem["tasks"], f"address space: threads {mem['threads']} MiB, tasks {mem['tasks']} MiB"
END

timeout 60 "$PROG" --count 200 --model tasks >"$TMP/out" 2>&1 || fail "--model tasks exited $?"
[ "$(grep -c '^tasks ' "$TMP/out")" -eq 2 ] && ! grep -q '^threads' "$TMP/out" || fail "--model tasks"

status=0
"$PROG" --count 0 >"$TMP/out" 2>&1 || status=$?
[ "$status" -eq 2 ] && grep -q -- "--count wants 1 to [0-9]* (ulimit -n is [0-9]*), got '0'" "$TMP/out" ||
  fail "--count 0: exit $status"
echo "ok: lesson 1 threads vs tasks"
