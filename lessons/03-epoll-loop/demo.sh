#!/bin/sh
# demo.sh — lesson 3 in a few seconds: start the raw epoll server on a free
# port, ask it twice with curl, show what it logged, stop it; then the same
# with the callback server, the same loop built on the core, which is the
# one the viewer can draw (it writes a trace when ASYNCLAB_TRACE is set, as
# `asynclab lesson 3` sets it; the raw server has no core underneath).
# Usage: sh lessons/03-epoll-loop/demo.sh BUILD_DIR   (what `asynclab lesson 3` runs)
set -eu
dir="${1:-build}/lessons/03-epoll-loop"
for program in lesson03_epoll_server lesson03_callback_server; do
    if [ ! -x "$dir/$program" ]; then
        echo "demo: $dir/$program not found; build first (cmake --build ${1:-build})" >&2
        exit 1
    fi
done

log=$(mktemp)
pid=
trap '[ -z "$pid" ] || kill $pid 2>/dev/null; rm -f "$log"' EXIT

# demo PROGRAM: start it on a free port, two requests, its log, stop it.
demo() {
    server="$dir/$1"
    : >"$log"
    "$server" --port 0 --max-connections 2 >"$log" 2>&1 &     # port 0: the kernel picks a free port
    pid=$!
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
    # --max-connections 2: the server exits after the second answer, so its
    # log (and its trace) is complete.
    wait $pid || true
    pid=
    echo
    echo "The server's log ($1 --port 0):"
    sed 's/^/    /' "$log"
    echo
}

demo lesson03_epoll_server
echo "The same loop with callbacks on the core (what the timeline shows):"
demo lesson03_callback_server
echo "Next: the epoll server with --edge --small-reads (a client hangs), --edge --drain (fixed),"
echo "lesson03_callback_server --backend select|poll|epoll|uv|uring, and lesson03_wakeup."
