#!/bin/sh
# Lesson 7, the io_uring server in both styles: the article's exact reply,
# two clients overlapping (one silent while the other is served), a
# half-closed client answered, a client that leaves without a request, the
# log line of each loop turn; then the system calls counted with strace -c:
# the readiness style calls accept4/recvfrom/sendto once per request itself,
# the completion style never does (only io_uring_enter); and the command line.
# Usage: sh lesson07_uring_server.sh BUILD_DIR
set -u
. "$(dirname "$0")/../../lessons/03-epoll-loop/test-helpers/server.sh"
BIN="$1/lessons/07-io-uring/lesson07_uring_server"
N=20     # requests counted under strace

for style in readiness completion; do
    start_server "$TMP/log-$style" "$BIN" --style "$style" --port 0 || exit 1
    check "$style: a raw client gets the exact bytes" get_exact "$PORT"
    check "$style: a half-closed client (SHUT_WR) gets its response" get_exact "$PORT" --half-close
    check "$style: the log names the style" grep -qx "io_uring, $style style" "$TMP/log-$style"
    check "$style: each turn of the loop says what it carried" \
        grep -qE '^io_uring_enter: submitted [0-9]+, completions [1-9][0-9]*$' "$TMP/log-$style"
    stop_servers

    start_server "$TMP/ov-$style" "$BIN" --style "$style" --port 0 --max-connections 2 || exit 1
    check "$style: B is served while A is connected and silent" $CLIENT overlap "$PORT" "$TMP/ov-$style"
    wait_server_exit
    check "$style: the server exits 0 after --max-connections 2" [ "$SERVER_STATUS" -eq 0 ]
    check "$style: ... and says what went through the ring" \
        grep -qE '^2 connections: [0-9]+ operations submitted, [0-9]+ completions, [0-9]+ io_uring_enter calls$' "$TMP/ov-$style"

    start_server "$TMP/quiet-$style" "$BIN" --style "$style" --port 0 --max-connections 1 || exit 1
    /usr/bin/python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1]))).close()" "$PORT"
    wait_server_exit
    check "$style: a client that leaves without a request is closed and logged" \
        grep -qx "the client left without sending a request" "$TMP/quiet-$style"

    # strace -c: a summary of every system call, written when the server exits.
    : >"$TMP/strace-log-$style"
    strace -c -o "$TMP/strace-$style" "$BIN" --style "$style" --port 0 --max-connections $N \
        >"$TMP/strace-log-$style" 2>&1 &
    SERVER_PID=$!
    SERVERS="$SERVERS $SERVER_PID"
    tries=0
    until grep -q '^Server is running on port' "$TMP/strace-log-$style" || [ $tries -gt 300 ]; do
        tries=$((tries + 1)); sleep 0.05
    done
    PORT=$(sed -n 's/^Server is running on port \([0-9]*\)\.\.\.$/\1/p' "$TMP/strace-log-$style")
    i=0
    while [ $i -lt $N ]; do
        curl -s --max-time 5 "http://127.0.0.1:$PORT/" >/dev/null || echo "curl $i failed"
        i=$((i + 1))
    done
    wait_server_exit
done

calls() {   # calls STYLE SYSCALL: how many strace counted (0 if none)
    awk -v s="$2" '$NF == s { print $4; f = 1 } END { if (!f) print 0 }' "$TMP/strace-$1"
}
for sc in accept4 recvfrom sendto; do
    check "readiness: $sc called once per request ($(calls readiness $sc) for $N)" [ "$(calls readiness $sc)" -eq $N ]
    check "completion: $sc never called ($(calls completion $sc))" [ "$(calls completion $sc)" -eq 0 ]
done
check "completion: fewer than 5 io_uring_enter per request ($(calls completion io_uring_enter) for $N)" \
    [ "$(calls completion io_uring_enter)" -lt $((5 * N)) ]
check "completion: fewer system calls for the I/O than readiness" [ \
    "$(calls completion io_uring_enter)" -lt \
    "$(( $(calls readiness io_uring_enter) + $(calls readiness accept4) + $(calls readiness recvfrom) + $(calls readiness sendto) ))" ]

# The command line.
check "--help exits 0 and shows usage" sh -c "'$BIN' --help | grep -q '^usage: lesson07_uring_server'"
"$BIN" --bogus >/dev/null 2>"$TMP/err"
check "an unknown flag exits 2 and says which" sh -c "[ $? -eq 2 ] && grep -q \"unknown option '--bogus'\" '$TMP/err'"
"$BIN" --style sideways >/dev/null 2>"$TMP/err"
check "a wrong style exits 2 and names the two" sh -c "[ $? -eq 2 ] && grep -q 'readiness or completion' '$TMP/err'"
start_server "$TMP/taken" "$BIN" --port 0 || exit 1
"$BIN" --port "$PORT" >/dev/null 2>"$TMP/err"
check "a taken port exits 1 and says why" sh -c "[ $? -eq 1 ] && grep -q 'Address already in use' '$TMP/err'"
[ "$FAILED" -eq 0 ] || { cat "$TMP/strace-readiness" "$TMP/strace-completion"; }
exit "$FAILED"
