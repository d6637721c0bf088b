#!/bin/sh
# demo.sh — lesson 7 in a few seconds: lesson 3's server on io_uring, first
# readiness-style (the ring used as epoll is, the server calls recv/send
# itself), then completion-style (recv and send queued on the ring, their
# results reaped); two requests each, and what each server logged: how many
# operations each io_uring_enter carried. Then the three rules of the
# completion model (batching, buffer ownership, cancellation).
# Usage: sh lessons/07-io-uring/demo.sh BUILD_DIR   (what `asynclab lesson 7` runs)
set -eu
dir="${1:-build}/lessons/07-io-uring"
for program in lesson07_uring_server lesson07_ring_rules; do
    if [ ! -x "$dir/$program" ]; then
        echo "demo: $dir/$program not found; build first (cmake --build ${1:-build})" >&2
        exit 1
    fi
done

log=$(mktemp)
pid=
trap '[ -z "$pid" ] || kill $pid 2>/dev/null; rm -f "$log"' EXIT

# demo STYLE: start the server in that style on a free port, two requests,
# its log, and it stops by itself after the second connection.
demo() {
    : >"$log"
    "$dir/lesson07_uring_server" --style "$1" --port 0 --max-connections 2 >"$log" 2>&1 &
    pid=$!
    tries=0
    until grep -q '^Server is running on port' "$log"; do
        tries=$((tries + 1))
        if [ "$tries" -gt 100 ] || ! kill -0 $pid 2>/dev/null; then
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
    wait $pid || true
    pid=
    echo
    echo "The server's log (lesson07_uring_server --style $1):"
    sed 's/^/    /' "$log"
    echo
}

demo readiness
echo "The same server, completion-style: the operations themselves go on the ring."
demo completion
echo "Three rules of completions (lesson07_ring_rules):"
"$dir/lesson07_ring_rules" | sed 's/^/    /'
echo
echo "Next: count the system calls yourself with strace -c (the README's commands),"
echo "and read the README's sketch of IOCP and kqueue."
