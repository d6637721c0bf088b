#!/bin/sh
# asynclab load --trace: one lane ("conn N") per connection and two marks
# per request, in a trace the viewer reads. Against servers that take 0.2 s
# per request, the trace shows the difference: the select() server answers
# the three clients together, the blocking one answers them 0.2 s apart.
# Usage: sh load_trace.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/harness.sh"

# exit times of the conn tasks, sorted, in seconds
exits() {
    $PY -c '
import json, sys
t = sorted(e["t"] / 1e6 for e in map(json.loads, open(sys.argv[1])) if e["ev"] == "exit")
print(" ".join("%.3f" % x for x in t))' "$1"
}

for server in select blocking; do
    if [ $server = select ]; then
        listen $server "$LESSONS/02-select/lesson02_select_server" --delay 0.2
    else
        listen $server "$LESSONS/01-blocking-socket/lesson01_blocking_server" --delay 0.2
    fi
    T="$TMP/$server.jsonl"
    run_status "$A" load "http://127.0.0.1:$PORT/sleep?s=0.2" -n 3 -c 3 --trace "$T"
    check "$server: load exits 0" [ "$STATUS" -eq 0 ]
    check "$server: the report names the trace" has "trace        $T"
    for n in 1 2 3; do
        check "$server: a lane named conn $n" grep -q "\"ev\":\"spawn\",\"task\":[0-9]*,\"name\":\"conn $n\"" "$T"
        check "$server: request $n marked when sent" grep -q "\"ev\":\"output\",.*\"text\":\"#$n: GET /sleep?s=0.2\"" "$T"
        check "$server: request $n marked when answered" grep -qE "\"ev\":\"output\",.*\"text\":\"#$n: 200 in [0-9.]+ ms\"" "$T"
    done
    check "$server: the viewer draws it" sh -c "'$A' timeline '$T' --ascii --width 80 | grep -c '^conn [123] ' | grep -qx 3"
    stop_server "$SERVER_PID"
done

# select: all three answered within 0.1 s of each other; blocking: 0.15 s or more apart
check "select: the three clients overlap" $PY -c '
import sys; t = [float(x) for x in sys.argv[1].split()]
assert len(t) == 3 and t[2] - t[0] < 0.1, t' "$(exits "$TMP/select.jsonl")"
check "blocking: the three clients queue" $PY -c '
import sys; t = [float(x) for x in sys.argv[1].split()]
assert len(t) == 3 and t[1] - t[0] >= 0.15 and t[2] - t[1] >= 0.15, t' "$(exits "$TMP/blocking.jsonl")"

# A trace that cannot be written is an error before any request.
run_status "$A" load "http://127.0.0.1:$PORT/" -n 1 --trace /nonexistent-dir/t.jsonl
check "an unwritable trace: exit 3 (the job could not be done)" [ "$STATUS" -eq 3 ]
check "... naming it" has "cannot write the trace /nonexistent-dir/t.jsonl"
exit "$FAILED"
