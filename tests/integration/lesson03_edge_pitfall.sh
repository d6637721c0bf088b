#!/bin/sh
# Lesson 3, the edge-triggered pitfall. The client sends its whole request in
# one piece; the server reads 16 bytes per readiness event (--small-reads).
#   level-triggered: epoll reports the socket again while bytes remain: answered
#   edge-triggered:  one edge, one 16-byte read, then silence: the client hangs
#   edge + --drain:  read until EAGAIN on each event: answered
# The hang is asserted with a bounded client timeout (1 s of silence).
# Usage: sh lesson03_edge_pitfall.sh BUILD_DIR
set -u
. "$(dirname "$0")/../../lessons/03-epoll-loop/test-helpers/server.sh"
BIN="$1/lessons/03-epoll-loop/lesson03_epoll_server"

start_server "$TMP/et" "$BIN" --port 0 --edge --small-reads || exit 1
$CLIENT get "$PORT" --timeout 1 >"$TMP/got"
status=$?
check "edge-triggered + small reads: the client hears nothing for 1 s (exit 3)" [ "$status" -eq 3 ]
check "... and got no byte at all" [ ! -s "$TMP/got" ]
check "... the server read only the first 16 bytes on the single edge" \
    grep -qx 'read 16 bytes (16 so far)' "$TMP/et"
check "... and never answered" sh -c "! grep -q '^response to' '$TMP/et'"
stop_servers

start_server "$TMP/lt" "$BIN" --port 0 --small-reads || exit 1
check "level-triggered + small reads: the same client gets the exact bytes" \
    get_exact "$PORT" --timeout 5
check "... after several readiness events, 16 bytes each" \
    sh -c "[ \$(grep -c '^handler_name: read\$' '$TMP/lt') -ge 3 ]"
stop_servers

start_server "$TMP/drain" "$BIN" --port 0 --edge --drain || exit 1
check "edge-triggered + drain until EAGAIN: the same client gets the exact bytes" \
    get_exact "$PORT" --timeout 5
check "... all read in one readiness event" \
    sh -c "[ \$(grep -c '^handler_name: read\$' '$TMP/drain') -eq 1 ]"
stop_servers

start_server "$TMP/plain" "$BIN" --port 0 --edge || exit 1
check "edge-triggered with the article's single recv(100): a short request is answered" \
    get_exact "$PORT" --timeout 5

exit "$FAILED"
