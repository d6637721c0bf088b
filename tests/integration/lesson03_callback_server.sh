#!/bin/sh
# Lesson 3, the callback-API server, on each of the five backends: the
# article's log line for line, the exact reply bytes, two clients overlapping.
# Usage: sh lesson03_callback_server.sh BUILD_DIR
set -u
. "$(dirname "$0")/../../lessons/03-epoll-loop/test-helpers/server.sh"
BIN="$1/lessons/03-epoll-loop/lesson03_callback_server"

for backend in ${AL_BACKENDS:-select poll epoll uv uring}; do   # AL_BACKENDS: the ones that work here (tests/CMakeLists.txt)
    start_server "$TMP/log1" "$BIN" --backend "$backend" --port 0 --max-connections 1 || exit 1
    curl -s -i -o "$TMP/curl" -w '%{local_port}' "http://127.0.0.1:$PORT/" >"$TMP/cport"
    check "$backend: curl gets the exact response bytes" cmp "$TMP/expected" "$TMP/curl"
    wait_server_exit
    check "$backend: exits 0 after --max-connections 1" [ "$SERVER_STATUS" -eq 0 ]
    check "$backend: the log is the article's, in order" \
        log_is_article "$TMP/log1" "$PORT" "$(cat "$TMP/cport")"

    start_server "$TMP/log2" "$BIN" --backend "$backend" --port 0 --max-connections 3 || exit 1
    check "$backend: a raw client gets the exact bytes" get_exact "$PORT"
    check "$backend: two clients overlap" $CLIENT overlap "$PORT" "$TMP/log2"
    wait_server_exit
    check "$backend: exits 0 after --max-connections 3" [ "$SERVER_STATUS" -eq 0 ]
done

# The backend also comes from the environment, and a wrong name is refused.
start_server "$TMP/log3" env ASYNCLAB_BACKEND=poll "$BIN" --port 0 --max-connections 1 || exit 1
check "ASYNCLAB_BACKEND=poll: served" get_exact "$PORT"
wait_server_exit
"$BIN" --backend kqueue >/dev/null 2>"$TMP/err"
check "an unknown backend exits 2" [ $? -eq 2 ]
check "... naming the choices" grep -q "unknown backend 'kqueue'; choose one of: select poll epoll uv uring" "$TMP/err"
"$BIN" --bogus >/dev/null 2>&1
check "an unknown flag exits 2" [ $? -eq 2 ]

# Traced: the loop records its polls, the ready fds and the program's lines.
start_server "$TMP/log4" env ASYNCLAB_TRACE="$TMP/trace.jsonl" "$BIN" --port 0 --max-connections 1 || exit 1
check "traced: served" get_exact "$PORT"
wait_server_exit
for what in '"ev":"hello"' '"ev":"poll_begin"' '"ev":"fd_ready"' '"text":"response to"'; do
    check "traced: the trace has $what" grep -q "$what" "$TMP/trace.jsonl"
done

exit "$FAILED"
