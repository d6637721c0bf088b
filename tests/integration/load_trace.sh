#!/bin/sh
# asynclab load --trace: one lane ("conn N") per connection and two marks
# per request, in a trace the viewer reads. Against servers that take S =
# 0.5 s per request, the trace shows the difference: the select() server
# answers the three clients together, all within 2 x S of the first request
# sent (one at a time would need 3 x S); the blocking one answers them one
# after another, the k-th no sooner than k x S after the first request sent
# (it cannot be sooner: it sleeps S per request, one request at a time).
# Usage: sh load_trace.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/harness.sh"

S=0.5
# "FIRST_SENT EXIT EXIT EXIT": when the first request was marked sent, then
# the exit times of the conn tasks, sorted, in seconds
sent_and_exits() {
    $PY -c '
import json, sys
ev = list(map(json.loads, open(sys.argv[1])))
sent = [e["t"] / 1e6 for e in ev if e["ev"] == "output" and ": GET " in e["text"]]
t = sorted(e["t"] / 1e6 for e in ev if e["ev"] == "exit")
print(" ".join("%.6f" % x for x in [min(sent)] + t))' "$1"
}

for server in select blocking; do
    if [ $server = select ]; then
        listen $server "$LESSONS/02-select/lesson02_select_server" --delay "$S"
    else
        listen $server "$LESSONS/01-blocking-socket/lesson01_blocking_server" --delay "$S"
    fi
    T="$TMP/$server.jsonl"
    run_status "$A" load "http://127.0.0.1:$PORT/sleep?s=$S" -n 3 -c 3 --trace "$T"
    check "$server: load exits 0" [ "$STATUS" -eq 0 ]
    check "$server: the report names the trace" has "trace        $T"
    for n in 1 2 3; do
        check "$server: a lane named conn $n" grep -q "\"ev\":\"spawn\",\"task\":[0-9]*,\"name\":\"conn $n\"" "$T"
        check "$server: request $n marked when sent" grep -q "\"ev\":\"output\",.*\"text\":\"#$n: GET /sleep?s=$S\"" "$T"
        check "$server: request $n marked when answered" grep -qE "\"ev\":\"output\",.*\"text\":\"#$n: 200 in [0-9.]+ ms\"" "$T"
    done
    check "$server: the viewer draws it" sh -c "'$A' timeline '$T' --ascii --width 80 | grep -c '^conn [123] ' | grep -qx 3"
    stop_server "$SERVER_PID"
done

# select: all three answered before a server taking one at a time could have
# answered the second (2 x S after the first request went out); blocking: the
# k-th answer no sooner than k x S after it (a lower bound the server's own
# sleeps make, whatever the load)
check "select: the three clients overlap (all done < 2 x S after the first sent)" $PY -c '
import sys; s = float(sys.argv[2]); first, *t = [float(x) for x in sys.argv[1].split()]
assert len(t) == 3 and t[2] - first < 2 * s, (first, t)' "$(sent_and_exits "$TMP/select.jsonl")" "$S"
check "blocking: the three clients queue (the k-th done >= k x S after the first sent)" $PY -c '
import sys; s = float(sys.argv[2]); first, *t = [float(x) for x in sys.argv[1].split()]
assert len(t) == 3 and all(t[k] - first >= (k + 1) * s for k in range(3)), (first, t)' "$(sent_and_exits "$TMP/blocking.jsonl")" "$S"

# A trace that cannot be written is an error before any request.
run_status "$A" load "http://127.0.0.1:$PORT/" -n 1 --trace /nonexistent-dir/t.jsonl
check "an unwritable trace: exit 3 (the job could not be done)" [ "$STATUS" -eq 3 ]
check "... naming it" has "cannot write the trace /nonexistent-dir/t.jsonl"
exit "$FAILED"
