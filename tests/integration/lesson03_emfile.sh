#!/bin/sh
# Lesson 3, running out of file descriptors on accept (EMFILE). The server
# gets only 16 descriptors (--max-fds 16); 24 idle clients connect. The
# server must refuse the extra ones cleanly (one message each, connection
# closed at once) instead of spinning on the still-readable listening socket,
# use little CPU meanwhile, and serve again once the idle clients leave.
# Usage: sh lesson03_emfile.sh BUILD_DIR
set -u
. "$(dirname "$0")/../../lessons/03-epoll-loop/test-helpers/server.sh"
BIN="$1/lessons/03-epoll-loop/lesson03_epoll_server"

for mode in "" "--edge"; do
    label=${mode:-level-triggered}
    start_server "$TMP/log" "$BIN" --port 0 --max-fds 16 $mode || exit 1
    check "EMFILE: refused cleanly, no spinning, serving again ($label)" \
        $CLIENT emfile "$PORT" "$TMP/log" "$SERVER_PID"
    check "... the message names EMFILE and the way out ($label)" \
        grep -q '^accept: too many open files (EMFILE): closed the new connection at once' "$TMP/log"
    stop_servers
done

exit "$FAILED"
