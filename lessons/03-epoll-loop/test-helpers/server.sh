# server.sh — shell helpers for lesson 3's tests (sourced, POSIX sh).
#
#   . lessons/03-epoll-loop/test-helpers/server.sh
#   start_server LOG PROGRAM ARGS...   start it in the background, wait (bounded)
#                                      for "Server is running on port N...";
#                                      sets SERVER_PID and PORT
#   wait_server_exit                   wait (bounded) for SERVER_PID to exit by
#                                      itself; sets SERVER_STATUS
#   stop_servers                       kill every server started so far
#                                      (the EXIT trap does it too)
#   check NAME COMMAND...              run a check, count failures in FAILED
#
# Servers listen on --port 0 (a free port chosen by the kernel) and print the
# real one; the tests read it from that first line.

SERVERS=""
FAILED=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lesson03.XXXXXX")
CLIENT="/usr/bin/python3 $(dirname "$0")/../../lessons/03-epoll-loop/test-helpers/client.py"

stop_servers() {
    for pid in $SERVERS; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    SERVERS=""
}
cleanup() {
    stop_servers
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Running, and not a zombie (kill -0 cannot tell: a dead child that was not
# waited for yet still "exists").
running() {
    state=$(sed -n 's/^[0-9]* (.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null)
    [ -n "$state" ] && [ "$state" != Z ]
}

start_server() {
    log=$1
    shift
    : >"$log"           # empty now: the child truncates it only later
    "$@" >"$log" 2>&1 &
    SERVER_PID=$!
    SERVERS="$SERVERS $SERVER_PID"
    tries=0
    until grep -q '^Server is running on port [0-9]*\.\.\.$' "$log"; do
        tries=$((tries + 1))
        if [ "$tries" -gt 300 ] || ! running "$SERVER_PID"; then
            echo "FAIL: '$*' did not start; its output:"
            cat "$log"
            return 1
        fi
        sleep 0.05
    done
    PORT=$(sed -n 's/^Server is running on port \([0-9]*\)\.\.\.$/\1/p' "$log")
}

wait_server_exit() {
    tries=0
    while running "$SERVER_PID"; do
        tries=$((tries + 1))
        if [ "$tries" -gt 300 ]; then
            echo "FAIL: server $SERVER_PID did not exit by itself"
            SERVER_STATUS=124
            return 1
        fi
        sleep 0.05
    done
    wait "$SERVER_PID"
    SERVER_STATUS=$?
}

# The exact bytes every request must get back.
printf 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 18\r\nConnection: close\r\n\r\n{"Hello": "World"}' >"$TMP/expected"

check() {
    name=$1
    shift
    if "$@"; then
        echo "ok   $name"
    else
        echo "FAIL $name"
        FAILED=$((FAILED + 1))
    fi
}

# A log holding one curl request, line for line as the article prints it:
# log_is_article LOG SERVER_PORT CLIENT_PORT
log_is_article() {
    printf '%s\n' "Server is running on port $2..." \
        "events length:  1" \
        "handler_name: accept" \
        "Accepted connection from ('127.0.0.1', $3)" \
        "events length:  1" \
        "handler_name: read" \
        "response to" \
        "Closing connection" >"$TMP/article"
    diff "$TMP/article" "$1"
}

# One request with the raw client; its reply must be exactly the expected bytes.
# get_exact PORT [client options]
get_exact() {
    port=$1
    shift
    $CLIENT get "$port" "$@" >"$TMP/got" && cmp "$TMP/expected" "$TMP/got"
}
