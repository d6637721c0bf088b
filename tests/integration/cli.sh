#!/bin/sh
# The asynclab command: help lists only working commands, bad input is named
# and exits 2, the lab lists the lessons, bench core --json is one JSON object.
set -u
A="$1/tui/asynclab"
fail=0
check() {  # check DESCRIPTION EXPECTED_STATUS PATTERN -- command...
    desc=$1 want=$2 pattern=$3
    shift 4
    out=$("$@" 2>&1)
    got=$?
    if [ "$got" -ne "$want" ]; then
        echo "FAIL $desc: expected exit $want, got $got"; echo "$out" | head -5; fail=1; return
    fi
    if ! printf '%s\n' "$out" | grep -qE -- "$pattern"; then
        echo "FAIL $desc: expected output matching /$pattern/, got:"; echo "$out" | head -5; fail=1; return
    fi
    echo "ok   $desc"
}
check "help lists lesson"            0 "^  lesson +run a lesson" -- "$A" --help
check "help lists bench"             0 "^  bench +measure the core" -- "$A" --help
check "unknown command"              2 "unknown command 'frobnicate'" -- "$A" frobnicate
check "lesson without a number"      2 "usage: asynclab lesson N" -- "$A" lesson
check "lesson that does not exist"   2 "there is no lesson 42" -- "$A" lesson 42
check "lesson number that is not"    2 "lesson number expects a whole number" -- "$A" lesson one
check "bench without a name"         2 "usage: asynclab bench core" -- "$A" bench
check "bench unknown"                2 "unknown benchmark 'disk'" -- "$A" bench disk
check "bench bad option"             2 "unknown option '--fast'" -- "$A" bench core --fast
check "lab lists lesson 1"           0 "^ +1  " -- "$A" </dev/null
check "lesson --list"                0 "^ +1  " -- "$A" lesson --list
# bench core --quick --json: one JSON object with every figure (not a speed test)
json=$("$A" bench core --quick --json 2>/dev/null)
if printf '%s' "$json" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
keys = ["stackless_resume_ns", "stackful_switch_ns", "swapcontext_switch_ns", "task_switch_ns",
        "stackless_1m_wall_s", "stackless_1m_bytes_per_task", "stackful_100k_wall_s",
        "stackful_100k_bytes_per_task", "trace_file_ns_per_event", "trace_ring_ns_per_event"]
missing = [k for k in keys if k not in d]
bad = [k for k in keys if k in d and not (isinstance(d[k], (int, float)) and d[k] > 0)]
assert not missing and not bad, (missing, bad)
assert d["quick"] is True
'; then echo "ok   bench core --json"; else echo "FAIL bench core --json: $json"; fail=1; fi
exit $fail
