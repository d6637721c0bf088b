#!/bin/sh
# lesson01_eintr.sh — lesson 1's EINTR demo: a signal interrupts a blocked
# read() and poll(). Without SA_RESTART read() returns EINTR and the retry
# gets the data; with --restart the kernel restarts read() by itself; poll()
# returns EINTR in both cases. Compared line for line (the program waits for
# the blocked state in /proc, so the order is fixed). A bad flag is refused.
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"
PROG=$BUILD/lessons/01-blocking-socket/lesson01_eintr

timeout 30 "$PROG" >"$TMP/out" 2>&1 || fail "eintr exited $?: $(cat "$TMP/out")"
output_is "without SA_RESTART: unexpected output" <<'OUT'
SIGUSR1 handler installed without SA_RESTART
read(): blocking on an empty pipe...
  (SIGUSR1 arrives; the handler runs)
read() returned -1, errno EINTR (Interrupted system call): nothing is wrong, call it again
read() again: 6 bytes, "hello"
poll(): blocking until the pipe is readable...
  (SIGUSR1 arrives; the handler runs)
poll() returned -1, errno EINTR: poll() is never restarted, SA_RESTART or not
poll() again: 1 ready
OUT

timeout 30 "$PROG" --restart >"$TMP/out" 2>&1 || fail "eintr --restart exited $?: $(cat "$TMP/out")"
output_is "with SA_RESTART: unexpected output" <<'OUT'
SIGUSR1 handler installed with SA_RESTART
read(): blocking on an empty pipe...
  (SIGUSR1 arrives; the handler runs)
read() returned 6 bytes, "hello": the kernel restarted it after the handler
poll(): blocking until the pipe is readable...
  (SIGUSR1 arrives; the handler runs)
poll() returned -1, errno EINTR: poll() is never restarted, SA_RESTART or not
poll() again: 1 ready
OUT

status=0
"$PROG" --bogus 2>"$TMP/err" || status=$?
[ "$status" -eq 2 ] && grep -q "unknown option '--bogus'" "$TMP/err" || fail "bad flag: exit $status, $(cat "$TMP/err")"
echo "ok: lesson 1 EINTR with and without SA_RESTART"
