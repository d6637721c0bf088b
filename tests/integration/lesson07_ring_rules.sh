#!/bin/sh
# Lesson 7's three rules and its demo: batching (8 RECVs in one
# io_uring_enter, counted with strace -c, against 8 recvfrom calls), buffer
# ownership (two RECVs into one buffer: both succeed, the first message is
# overwritten), cancellation (the cancel finds the RECV, the RECV completes
# with ECANCELED, and only then is its buffer freed); the demo (what
# `asynclab lesson 7` runs) shows both server styles and the rules.
# Usage: sh lesson07_ring_rules.sh BUILD_DIR
set -u
. "$(dirname "$0")/../../lessons/03-epoll-loop/test-helpers/server.sh"
BIN="$1/lessons/07-io-uring/lesson07_ring_rules"
DEMO="$(dirname "$0")/../../lessons/07-io-uring/demo.sh"

"$BIN" >"$TMP/out" 2>&1
check "all three rules run and exit 0" [ $? -eq 0 ]
check "batch: the 8 messages read the completion way" grep -q "completion for socket 7: 6 bytes, 'ping 7'" "$TMP/out"
check "ownership: both RECVs succeed" sh -c "grep -q 'RECV 0 completed: 13 bytes' '$TMP/out' && grep -q 'RECV 1 completed: 3 bytes' '$TMP/out'"
check "ownership: the second overwrote the first in the shared buffer" grep -q "the buffer holds '2ndst message'" "$TMP/out"
check "cancel: the cancel request found the RECV" grep -q "the cancel request completed: 0 (found it)" "$TMP/out"
check "cancel: the RECV completed with ECANCELED before its buffer was freed" \
    grep -q "the RECV completed: Operation canceled: the buffer is ours again" "$TMP/out"

strace -c -o "$TMP/strace" "$BIN" batch >/dev/null 2>&1
calls() { awk -v s="$1" '$NF == s { print $4; f = 1 } END { if (!f) print 0 }' "$TMP/strace"; }
check "batch: 8 recvfrom the readiness way ($(calls recvfrom))" [ "$(calls recvfrom)" -eq 8 ]
check "batch: 1 io_uring_enter for the 8 RECVs ($(calls io_uring_enter))" [ "$(calls io_uring_enter)" -eq 1 ]

"$BIN" sideways >/dev/null 2>"$TMP/err"
check "an unknown rule exits 2 with the usage" sh -c "[ $? -eq 2 ] && grep -q '^usage: lesson07_ring_rules' '$TMP/err'"
check "--help exits 0" sh -c "'$BIN' --help | grep -q '^usage: lesson07_ring_rules'"

sh "$DEMO" "$1" >"$TMP/demo" 2>&1
check "the demo exits 0" [ $? -eq 0 ]
check "two answers from each style" [ "$(grep -cx '{"Hello": "World"}' "$TMP/demo")" -eq 4 ]
check "both servers' logs" sh -c "grep -q 'lesson07_uring_server --style readiness' '$TMP/demo' && grep -q 'lesson07_uring_server --style completion' '$TMP/demo'"
check "... each closing its two connections" [ "$(grep -c '^    Closing connection$' "$TMP/demo")" -eq 4 ]
check "the three rules" grep -q "the cancel request completed" "$TMP/demo"
sh "$DEMO" /nonexistent >/dev/null 2>&1
check "a wrong build directory is an error" [ $? -ne 0 ]
[ "$FAILED" -eq 0 ] || cat "$TMP/out" "$TMP/demo"
exit "$FAILED"
