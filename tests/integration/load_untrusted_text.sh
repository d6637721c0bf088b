#!/bin/sh
# A server's own words never reach the terminal or JSON as they are: a
# reason phrase holding ESC sequences (a colour, a window title) and bytes
# that are not UTF-8, and a Content-Type with such a byte, come out of
# `asynclab load` (text and --json) and `asynclab check` with those bytes
# replaced: no ESC, no BEL, valid UTF-8, and --json parses.
# Usage: sh load_untrusted_text.sh BUILD_DIR
set -u
BUILD=$1
. "$(dirname "$0")/lib/harness.sh"

# clean FILE: no ESC or BEL byte, and the whole file is valid UTF-8
clean() {
    $PY -c 'import sys
b = open(sys.argv[1], "rb").read()
sys.exit(1 if b"\x1b" in b or b"\x07" in b else 0 if b.decode("utf-8") is not None else 1)' "$1" 2>/dev/null
}

start_fake hostile-text

run_status "$A" load "http://127.0.0.1:$PORT/" -n 2 -c 1 --timeout 5
check "load: exit 1 (the answers are 500)" [ "$STATUS" -eq 1 ]
check "load: the status is reported" has "the server answered 500 OK"
check "load: no ESC or BEL, valid UTF-8 on the terminal" clean "$TMP/out"

run_status "$A" load "http://127.0.0.1:$PORT/" -n 2 -c 1 --timeout 5 --json
check "load --json: exit 1" [ "$STATUS" -eq 1 ]
check "load --json: no ESC or BEL, valid UTF-8" clean "$TMP/out"
check "load --json: python's json parses it, and first_error shows the cleaned reason" \
    $PY -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
sys.exit(0 if d["errors"]["status"] == 2 and d["first_error"].startswith("the server answered 500 OK?[31m?]0;pwned???") else 1)' "$TMP/out"

run_status "$A" check "http://127.0.0.1:$PORT/" --suite seed --timeout 2
check "check: fails (500)" [ "$STATUS" -ne 0 ]
check "check: shows the status" has "got 500 OK"
check "check: no ESC or BEL, valid UTF-8 on the terminal" clean "$TMP/out"
exit "$FAILED"   # (the harness stops the server at exit)
