#!/bin/sh
# lesson02_backlog.sh — lesson 2's listen-backlog demo (backlog.c). The
# assertions hold however loaded the machine is: they follow from the
# queue's size, not from how fast anything happens.
#   - every non-blocking connect() returns EINPROGRESS;
#   - with listen(fd, 1) and no accept, exactly 2 (backlog + 1) clients get
#     in, TCP_INFO reports the queue as 2 of backlog 1, and the others give
#     up at --timeout (the full queue keeps dropping their SYNs);
#   - when the server accepts, the waiting clients get in too, and each of
#     them needed at least one SYN retransmission;
#   - accept() on an empty queue says EAGAIN, recv() on a quiet socket
#     EWOULDBLOCK; a bad flag is refused.
set -eu
BUILD=$1
PROG=$BUILD/lessons/02-select/lesson02_backlog
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; cat "$TMP/out" >&2; exit 1; }
has() { grep -qx -- "$1" "$TMP/out" || fail "missing line: $1"; }

timeout 60 "$PROG" --backlog 1 --clients 4 --accept-every 0 --timeout 1.5 >"$TMP/out" 2>&1 || fail "exit $?"
[ "$(grep -c '^client [1-4]: connect() = -1, errno EINPROGRESS$' "$TMP/out")" -eq 4 ] || fail "EINPROGRESS x4"
has 'client 1: connected at once (its first SYN was answered)'
has 'client 2: connected at once (its first SYN was answered)'
has '-> 2 connected without a single accept()'
has 'server: accept queue holds 2 connections (backlog 1)'
has 'client 3: gave up after 1.5 s (--timeout)'
has 'client 4: gave up after 1.5 s (--timeout)'
has '-> 2 of 4 clients connected'
has 'server: accept() on an empty queue: -1, errno EAGAIN (EWOULDBLOCK is the same number here): it would block'
has 'client 1: recv() with nothing sent to it: -1, errno EWOULDBLOCK: it would block'

timeout 90 "$PROG" --backlog 1 --clients 4 --accept-every 0.1 --timeout 60 >"$TMP/out" 2>&1 || fail "exit $?"
has '-> 2 connected without a single accept()'
has '-> 4 of 4 clients connected'
for n in 3 4; do
  grep -Eq "^client $n: connected after [0-9.]+ s, its SYN sent [1-9][0-9]* more time\(s\) by the kernel$" "$TMP/out" ||
    fail "client $n should get in after a SYN retransmission"
done
grep -q '^server: accepted one' "$TMP/out" || fail "no accept"

# The README's default run: 6 clients, backlog 2; all get in eventually.
timeout 90 "$PROG" >"$TMP/out" 2>&1 || fail "default run: exit $?"
has '-> 3 connected without a single accept()'
has '-> 6 of 6 clients connected'

status=0
"$PROG" --clients 0 >"$TMP/out" 2>&1 || status=$?
[ "$status" -eq 2 ] && grep -q "^backlog: --clients wants a number from 1 to 64, got '0'$" "$TMP/out" || fail "--clients 0: exit $status"
echo "ok: lesson 2 listen backlog, EINPROGRESS, EWOULDBLOCK"
