#!/bin/sh
# lesson01_serial.sh — lesson 1 serves one connection at a time. Client A
# connects and stays silent; client B connects and sends a whole request.
# B receives nothing (a non-blocking recv says EAGAIN) while A holds the
# server; once A sends, A is answered, then B. The server's log shows A's
# connection, request and answer strictly before B's.
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"

start_lesson_server "$BUILD/lessons/01-blocking-socket/lesson01_blocking_server" --max-connections 2

# The client checks the answers and B's silence; it prints A's and B's ports.
PORTS=$($RAW serial "$PORT" "$TMP/out")
client_ports "" "$PORTS"

server_exits_ok

# The log, reduced to its milestones, is A's whole story, then B's.
milestones_are "the server did not serve A, then B" <<EXPECTED
Waiting for a connection...
Got connection from ('127.0.0.1', $A)
X-Client: A
Waiting for a connection...
Got connection from ('127.0.0.1', $B)
X-Client: B
EXPECTED
echo "ok: B waited for A ($PORTS)"
