#!/bin/sh
# demo_logs.sh — a demo.sh that starts a server in the background with its
# output to a log and then polls that log must create the log first: the
# shell opens it in the background child, which may run after the parent's
# first look ("grep: .../log: No such file or directory", lesson 6, about one
# run in 18). The race cannot be forced from outside, so this checks the
# order in every lessons/*/demo.sh: each log a background command writes
# with '>' and that a loop then polls exists beforehand (': >LOG', mktemp).
# Usage: sh demo_logs.sh BUILD_DIR
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
fail=0
for demo in "$ROOT"/lessons/*/demo.sh; do
    out=$(awk '
        # a log created ahead: ": >FILE" or VAR=$(mktemp)
        /^[ \t]*: >/ { f = $0; sub(/^[ \t]*: >/, "", f); sub(/[ \t].*/, "", f); made[f] = 1 }
        /=\$\(mktemp\)/ { v = $0; sub(/=.*/, "", v); sub(/^[ \t]*/, "", v); made["\"$" v "\""] = 1 }
        # a background command writing a log with ">" (not ">>")
        /&[ \t]*(#.*)?$/ && / >"?\$/ {
            f = $0; sub(/.* >/, "", f); sub(/[ \t].*/, "", f)
            if (!(f in made)) late[f] = NR
        }
        # ... and polled in a loop (a file read after `wait` has no race)
        /(until|while) / { for (f in late) if (index($0, f)) printf "line %d: %s is polled here but written in the background (line %d) before it exists\n", NR, f, late[f] }
        ' "$demo")
    if [ -n "$out" ]; then
        echo "FAIL ${demo#$ROOT/}:"; echo "$out" | sed 's/^/     /'; fail=1
    else
        echo "ok   ${demo#$ROOT/}"
    fi
done
exit $fail
