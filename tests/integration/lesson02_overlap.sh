#!/bin/sh
# lesson02_overlap.sh — lesson 2's select() and poll() servers serve
# connections side by side. Client A connects and stays silent; client B
# connects and gets its whole answer while A is still connected and idle;
# then A sends and is answered too. The log shows both connections open
# before either request is printed, B's request before A's.
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"

for kind in select poll; do
  start_lesson_server "$BUILD/lessons/02-select/lesson02_${kind}_server" --max-connections 2

  PORTS=$($RAW overlap "$PORT" "$TMP/out") || fail "$kind: see above"
  client_ports "$kind" "$PORTS"

  server_exits_ok "$kind"
  stderr_empty "$kind"

  milestones_are "$kind: the log does not show A and B overlapping" <<EXPECTED
Waiting for a connection...
Got connection from ('127.0.0.1', $A)
Got connection from ('127.0.0.1', $B)
X-Client: B
X-Client: A
EXPECTED
  echo "ok: $kind server served B while A was idle ($PORTS)"
done
