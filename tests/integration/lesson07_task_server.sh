#!/bin/sh
# Lesson 7's task server: the same answer on the uring backend (its default)
# and on epoll; traced, the uring run's tasks wait on operations the kernel
# performs ("op":"recv","in_kernel":true) and its polls count what each
# io_uring_enter carried, while the epoll run waits "once ready" and counts
# nothing; the viewer's model names the wait "recv fd N (in the kernel)";
# a backend the kernel refused or that does not exist is said plainly.
# Usage: sh lesson07_task_server.sh BUILD_DIR
set -u
. "$(dirname "$0")/../../lessons/03-epoll-loop/test-helpers/server.sh"
BIN="$1/lessons/07-io-uring/lesson07_task_server"
A="$1/tui/asynclab"

for be in uring epoll; do
    ASYNCLAB_TRACE="$TMP/$be.jsonl" start_server "$TMP/log-$be" "$BIN" --backend "$be" --port 0 --max-connections 2 || exit 1
    check "$be: a raw client gets the exact bytes" get_exact "$PORT"
    check "$be: a half-closed client gets its response" get_exact "$PORT" --half-close
    wait_server_exit
    check "$be: the server exits 0 after --max-connections 2" [ "$SERVER_STATUS" -eq 0 ]
    check "$be: the log is lesson 3's" [ "$(grep -c '^response to$' "$TMP/log-$be")" -eq 2 ]
done

check "uring: the receive is performed by the kernel" \
    grep -q '"ev":"suspend".*"op":"recv","in_kernel":true' "$TMP/uring.jsonl"
check "uring: so is the accept" \
    grep -q '"ev":"suspend".*"op":"accept","in_kernel":true' "$TMP/uring.jsonl"
check "uring: a poll counts what its io_uring_enter submitted and reaped" \
    grep -qE '"ev":"poll_end".*"submitted":[1-9][0-9]*,"completed":[0-9]+' "$TMP/uring.jsonl"
check "epoll: the same receive is an operation ..." \
    grep -q '"ev":"suspend".*"op":"recv"' "$TMP/epoll.jsonl"
check "... that waits for readiness (the loop makes the call: in_kernel is false, left out)" \
    sh -c "! grep -q '\"in_kernel\":true' '$TMP/epoll.jsonl'"
check "epoll: no poll counts submissions" sh -c "! grep -q '\"submitted\"' '$TMP/epoll.jsonl'"
"$A" timeline "$TMP/uring.jsonl" >"$TMP/timeline" 2>&1
check "the timeline's title sums the ring's traffic" grep -qE '[0-9]+ submitted, [0-9]+' "$TMP/timeline"
check "... and shows the connection tasks" grep -q 'conn 2' "$TMP/timeline"

ASYNCLAB_BACKEND= timeout 10 "$BIN" --backend nosuch --port 0 >/dev/null 2>"$TMP/err"
check "an unknown backend exits 1 and says so" sh -c "[ $? -eq 1 ] && grep -q 'nosuch' '$TMP/err'"
timeout 10 "$BIN" --bogus >/dev/null 2>"$TMP/err"
check "an unknown flag exits 2 and says which" sh -c "[ $? -eq 2 ] && grep -q \"unknown option '--bogus'\" '$TMP/err'"
exit "$FAILED"
