#!/bin/sh
# demo.sh — lesson 3 in a few seconds: start the epoll server on a free port,
# ask it twice with curl, show what it logged, stop it.
# Usage: sh lessons/03-epoll-loop/demo.sh BUILD_DIR   (what `asynclab lesson 3` runs)
set -eu
server="${1:-build}/lessons/03-epoll-loop/lesson03_epoll_server"
if [ ! -x "$server" ]; then
    echo "demo: $server not found; build first (cmake --build ${1:-build})" >&2
    exit 1
fi

log=$(mktemp)
"$server" --port 0 >"$log" 2>&1 &     # port 0: the kernel picks a free port
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$log"' EXIT

# Wait (5 s at most) for the first line: it names the port.
tries=0
until grep -q '^Server is running on port' "$log"; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ]; then
        echo "demo: the server did not start:" >&2
        cat "$log" >&2
        exit 1
    fi
    sleep 0.05
done
port=$(sed -n 's/^Server is running on port \([0-9]*\)\.\.\.$/\1/p' "$log")

for n in 1 2; do
    echo "\$ curl http://127.0.0.1:$port/        # request $n"
    curl -s --max-time 5 "http://127.0.0.1:$port/"
    echo
done

# Each answer was logged before its connection closed, so the log is complete.
echo
echo "The server's log ($server --port 0):"
sed 's/^/    /' "$log"
echo
echo "Next: the same with --edge --small-reads (a client hangs), --edge --drain (fixed),"
echo "lesson03_callback_server --backend select|poll|epoll|uv, and lesson03_wakeup."
