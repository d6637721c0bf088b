#!/bin/sh
# lesson04_send.sh — send_demo: values sent into a running average, a send
# before the start refused, close() running the FINALLY section once, and
# exhaustion (return value, then -ENODATA), in this exact order.
set -eu
. "$(dirname "$0")/lib/server_env.sh" "$1"
BIN=$BUILD/lessons/04-generators

"$BIN/send_demo" >"$TMP/out" 2>"$TMP/err" || fail "send_demo exited $?"
output_is "output differs" <<'END'
-- send: a running average that receives its numbers --
send(avg, 10) before it started: -EINVAL (Python: TypeError, no yield is waiting yet)
next(avg): runs to its first yield and pauses there; no average yet (Python's None)
send(avg, 10) -> average 10.0
send(avg, 30) -> average 20.0
send(avg, 5) -> average 15.0
close(avg):
  averager: finally: 3 values seen, cleaning up
close returned 0; finished: yes
send(avg, 7) after close: -ENODATA (Python: StopIteration, a closed generator is finished)

-- exhaustion: a countdown that runs out --
next(cd) -> 3
next(cd) -> 2
next(cd) -> 1
next(cd): finished (0), return value "liftoff" (Python: StopIteration('liftoff'))
next(cd) again: -ENODATA (Python: StopIteration again; a finished generator stays finished)
END
stderr_empty
status=0
"$BIN/send_demo" extra >/dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "an unexpected argument should exit 2, got $status"
echo "ok: send_demo"
