#!/bin/sh
# Lesson 3, the raw-epoll server: the article's exact reply and log, two
# clients overlapping, a half-closed client answered, and the command line.
# Usage: sh lesson03_epoll_server.sh BUILD_DIR
set -u
. "$(dirname "$0")/../../lessons/03-epoll-loop/test-helpers/server.sh"
BIN="$1/lessons/03-epoll-loop/lesson03_epoll_server"

# 1. One curl request: the exact bytes, and the article's log line for line.
start_server "$TMP/log1" "$BIN" --port 0 --max-connections 1 || exit 1
curl -s -i -o "$TMP/curl" -w '%{local_port}' "http://127.0.0.1:$PORT/" >"$TMP/cport"
check "curl gets the exact response bytes" cmp "$TMP/expected" "$TMP/curl"
wait_server_exit
check "the server exits 0 after --max-connections 1" [ "$SERVER_STATUS" -eq 0 ]
check "the log is the article's, in order" log_is_article "$TMP/log1" "$PORT" "$(cat "$TMP/cport")"

# 2. Raw clients: exact bytes; overlap; half-close, in each read mode.
for mode in "" "--small-reads" "--edge --drain"; do
    label=${mode:-level-triggered, one recv}
    start_server "$TMP/log2" "$BIN" --port 0 $mode || exit 1
    check "raw client gets the exact bytes ($label)" get_exact "$PORT"
    check "a half-closed client (shutdown SHUT_WR) gets its response ($label)" \
        get_exact "$PORT" --half-close
    stop_servers
done

start_server "$TMP/log3" "$BIN" --port 0 --max-connections 2 || exit 1
check "two clients overlap: B is served while A is connected and silent" \
    $CLIENT overlap "$PORT" "$TMP/log3"
wait_server_exit
check "the server exits 0 after --max-connections 2" [ "$SERVER_STATUS" -eq 0 ]

# 3. The command line.
check "--help exits 0 and shows usage" sh -c "'$BIN' --help | grep -q '^usage: lesson03_epoll_server'"
"$BIN" --bogus >/dev/null 2>"$TMP/err"
check "an unknown flag exits 2" [ $? -eq 2 ]
check "... and says which flag" grep -q "unknown option '--bogus'" "$TMP/err"
"$BIN" --port 70000 >/dev/null 2>"$TMP/err"
check "a bad port exits 2 with a message" sh -c "[ $? -eq 2 ] && grep -q -- '--port needs a number' '$TMP/err'"

exit "$FAILED"
