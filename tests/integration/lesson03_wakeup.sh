#!/bin/sh
# Lesson 3, waking a loop from another thread: the printed timeline, in
# order, for the self-pipe (each backend) and for uv_async_send. The loop
# must sleep in a single poll (iteration 1) and cannot wake before the worker
# has slept its 100 ms (a causal lower bound, not a speed check).
# Usage: sh lesson03_wakeup.sh BUILD_DIR
set -u
. "$(dirname "$0")/../../lessons/03-epoll-loop/test-helpers/server.sh"
BIN="$1/lessons/03-epoll-loop/lesson03_wakeup"

# The timeline with the measured milliseconds replaced by MS.
normalise() {
    sed 's/woke up after [0-9]* ms/woke up after MS ms/' "$1"
}
# Every "woke up after N ms" has N >= 100.
woke_after_work() {
    ms=$(sed -n 's/.*woke up after \([0-9]*\) ms.*/\1/p' "$1")
    [ -n "$ms" ] || return 1
    for m in $ms; do [ "$m" -ge 100 ] || return 1; done
}

pipe_part() {
    cat <<PART
self-pipe, on the $1 backend:
  main    the loop watches the pipe's read end; starting the worker
  worker  sleeping 100 ms (the work)
  worker  done: write(pipe, "!", 1)
  loop    woke up after MS ms, in iteration 1: read 1 byte(s) from the pipe
  main    al_loop_run() returned: nothing left to watch
PART
}
async_part() {
    cat <<PART
uv_async_send, on the uv backend:
  main    uv_async_init() on the loop's libuv loop; starting the worker
  worker  sleeping 100 ms (the work)
  worker  done: uv_async_send()
  loop    woke up after MS ms, in iteration 1: the async callback runs
  main    al_loop_run() returned: nothing left to watch
PART
}

"$BIN" --backend epoll >"$TMP/out" 2>&1
check "exits 0" [ $? -eq 0 ]
{ pipe_part epoll; async_part; } >"$TMP/want"
normalise "$TMP/out" >"$TMP/got"
check "the timeline, line for line" diff "$TMP/want" "$TMP/got"
check "the loop woke only after the worker's 100 ms" woke_after_work "$TMP/out"

for backend in ${AL_BACKENDS:-select poll epoll uv uring}; do   # AL_BACKENDS: the ones that work here (tests/CMakeLists.txt)
    "$BIN" --backend "$backend" --only pipe >"$TMP/out" 2>&1
    check "$backend: self-pipe exits 0" [ $? -eq 0 ]
    pipe_part "$backend" >"$TMP/want"
    normalise "$TMP/out" >"$TMP/got"
    check "$backend: self-pipe timeline" diff "$TMP/want" "$TMP/got"
done

# Traced: the wake-up is a poll that ends with the pipe ready.
ASYNCLAB_TRACE="$TMP/trace.jsonl" "$BIN" --only pipe >/dev/null 2>&1
check "traced: the pipe's fd became ready" grep -q '"ev":"fd_ready"' "$TMP/trace.jsonl"
check "traced: the loop's wake-up line is recorded as output" grep -q 'woke up after' "$TMP/trace.jsonl"

"$BIN" --only nothing >/dev/null 2>&1
check "a bad argument exits 2" [ $? -eq 2 ]

exit "$FAILED"
