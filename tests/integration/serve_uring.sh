#!/bin/sh
# serve_uring.sh — on the uring backend the JSON server's accept, recv and
# send are operations the kernel performs (completions), not calls the
# server makes. Counted with strace -f -c over N keep-alive requests: the
# uring server calls no accept4, recvfrom or sendmsg at all, where the epoll
# server calls recvfrom and sendmsg once per request (so the count tells the
# two paths apart). How many io_uring_enter per request is the benchmark's
# business (one client in turn needs about two). Then lesson 6's json_server
# answers on --backend uring. Bad input on uring: ctest runs serve_framing,
# serve_hostile, serve_pipelining, serve_slowloris, serve_shutdown,
# serve_emfile... again as "<script>@uring" (tests/CMakeLists.txt).
# Usage: sh serve_uring.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/serve_lib.sh"
N=200   # requests on one keep-alive connection, counted under strace

calls() {   # calls FILE SYSCALL: how many strace -c counted (0 if none)
    awk -v s="$2" '$NF == s { print $4; f = 1 } END { if (!f) print 0 }' "$1"
}

for be in epoll uring; do
    : >"$TMP/$be.log"
    # LeakSanitizer cannot work under ptrace (the ASan build): no leak check
    # here; the "@uring" runs of the other scripts, not traced, keep it.
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        strace -f -c -o "$TMP/strace-$be" "$A" serve --port 0 --backend "$be" >"$TMP/$be.log" 2>&1 &
    SPID=$!
    PIDS="$PIDS $SPID"
    PORT=$($RAW waitport "$TMP/$be.log" "$SPID") || { echo "FAIL: $be did not start"; cat "$TMP/$be.log"; exit 1; }
    check "$be: the start-up line names the backend" grep -q "(backend $be;" "$TMP/$be.log"
    urls=""
    i=0
    while [ $i -lt $N ]; do urls="$urls http://127.0.0.1:$PORT/items/$i"; i=$((i + 1)); done
    # one curl, one connection: N requests and N answers, all of them right
    # shellcheck disable=SC2086
    got=$(curl -s --max-time 30 $urls | grep -o '"item_id":[0-9]*' | wc -l)
    check "$be: $N keep-alive requests answered ($got)" [ "$got" -eq $N ]
    # Ctrl+C goes to the server (strace's child); strace exits with its
    # status once it has written the summary.
    kill -INT $(cat /proc/"$SPID"/task/*/children 2>/dev/null)
    n=0
    while [ "$(sed -n 's/^[0-9]* (.*) \(.\).*/\1/p' "/proc/$SPID/stat" 2>/dev/null)" = S ] && [ $n -lt 200 ]; do
        n=$((n + 1)); sleep 0.05
    done
    wait "$SPID"
    check "$be: exit 0 after SIGINT" [ $? -eq 0 ]
done

e=strace-epoll
u=strace-uring
check "epoll: recvfrom once per request or more ($(calls $TMP/$e recvfrom) for $N)" [ "$(calls $TMP/$e recvfrom)" -ge $N ]
check "epoll: sendmsg once per request ($(calls $TMP/$e sendmsg) for $N)" [ "$(calls $TMP/$e sendmsg)" -ge $N ]
for sc in accept4 accept recvfrom recvmsg sendmsg sendto epoll_wait poll; do
    check "uring: $sc never called ($(calls $TMP/$u $sc))" [ "$(calls $TMP/$u $sc)" -eq 0 ]
done
check "uring: the ring did the work ($(calls $TMP/$u io_uring_enter) io_uring_enter for $N requests)" \
    [ "$(calls $TMP/$u io_uring_enter)" -gt 0 ]

# Lesson 6's json_server is the same server: on uring too.
"$JSON_SERVER" --port 0 --backend uring >"$TMP/js.log" 2>&1 &
JPID=$!
PIDS="$PIDS $JPID"
PORT=$($RAW waitport "$TMP/js.log" "$JPID") || { echo "FAIL: json_server did not start"; cat "$TMP/js.log"; exit 1; }
check "json_server --backend uring says so" grep -q "(backend uring;" "$TMP/js.log"
check "json_server --backend uring: GET /" [ "$(body "http://127.0.0.1:$PORT/")" = '{"Hello": "World"}' ]
check "json_server --backend uring: GET /items/7?q=a" \
    [ "$(body "http://127.0.0.1:$PORT/items/7?q=a")" = '{"item_id":7,"q":"a"}' ]
stop "$JPID"
check "json_server: exit 0 after SIGINT" [ "$STATUS" -eq 0 ]
exit "$FAILED"
