#!/bin/sh
# listen_errors.sh — a server that cannot listen says why in the system's words
# and what to do: a port another program holds (every backend of
# `asynclab serve`, lesson 6's json_server, lessons 1-3's servers), an address
# that is not this machine's, a host that is not an address.
# Usage: sh listen_errors.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/harness.sh"

start_fake text                     # holds $PORT for the whole test
TAKEN="cannot listen on 127.0.0.1:$PORT: Address already in use: another program is using port $PORT"

for be in ${AL_BACKENDS:-select poll epoll uv uring}; do   # AL_BACKENDS: the ones that work here (tests/CMakeLists.txt)
    run_status "$A" serve --backend "$be" --port "$PORT"
    check "serve --backend $be, port taken: exit 1" [ "$STATUS" -eq 1 ]
    check "... asynclab serve: $TAKEN: try --port 0" has "asynclab serve: $TAKEN: try --port 0 for a free one"
done
run_status "$LESSONS/06-json-server/json_server" --port "$PORT"
check "json_server, port taken" has "json_server: $TAKEN: try --port 0 for a free one"
run_status "$LESSONS/03-epoll-loop/lesson03_callback_server" --port "$PORT"
check "lesson03_callback_server, port taken" has "lesson03_callback_server: $TAKEN: try --port 0"
run_status "$LESSONS/01-blocking-socket/lesson01_blocking_server" --port "$PORT"
check "lesson01_blocking_server (no --port 0 there), port taken" \
    has "lesson01_blocking_server: $TAKEN: stop it, or choose another --port"
run_status "$LESSONS/02-select/lesson02_poll_server" --port "$PORT"
check "lesson02_poll_server, port taken" has "lesson02_poll_server: $TAKEN: stop it, or choose another --port"

# 192.0.2.1 (TEST-NET-1, RFC 5737) is never one of this machine's addresses
run_status "$A" serve --host 192.0.2.1 --port 0
check "an address that is not local: exit 1" [ "$STATUS" -eq 1 ]
check "... says so" has "cannot listen on 192.0.2.1:0: Cannot assign requested address: that address is not one of this machine's"
run_status "$A" serve --host 300.1.1.1 --port 0
check "a host that is not an address: says what a host must be" has "the host must be an IPv4 address"
check "no message anywhere says 'unknown error'" sh -c "! grep -rq 'unknown error' '$TMP'"
exit "$FAILED"
