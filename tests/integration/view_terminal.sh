#!/bin/sh
# view_terminal.sh — however the viewer ends, the terminal is usable after:
# q, SIGTERM, Ctrl-C (SIGINT), a traced program that crashes, a trace that
# turns to garbage. Each time the shell's prompt comes back, typed text
# echoes, and the terminal is in canonical, echoing mode. A viewer that is
# killed also stops the program it runs. Broken trace files are refused with
# the line named, before the screen is touched.
set -u
. "$(dirname "$0")/lib/view_tmux.sh" "$1"

# A program that never ends, with a unique name to find it by.
cat >"$TMP/forever.sh" <<'EOF'
echo "forever: started"
exec sleep 86399
EOF

tmux_start 100 30

# 1. q while the program still runs: the viewer stops it.
type_line "$A view -- sh $TMP/forever.sh"
wait_for "forever: started"
wait_for "LIVE"
keys q
shell_is_usable
pgrep -f "sleep 86399" >/dev/null && fail "the program outlived the viewer (q)"

# 2. SIGTERM from elsewhere.
type_line "clear; $A view -- sh $TMP/forever.sh"
wait_for "forever: started"
pid=$(foreground_pid)
[ -n "$pid" ] || fail "no viewer process in the pane"
kill -TERM "$pid"
wait_for "vt>" 10
shell_is_usable
pgrep -f "sleep 86399" >/dev/null && fail "the program outlived the viewer (SIGTERM)"

# 3. Ctrl-C at the keyboard.
type_line "clear; $A view -- sh $TMP/forever.sh"
wait_for "forever: started"
keys C-c
shell_is_usable
pgrep -f "sleep 86399" >/dev/null && fail "the program outlived the viewer (Ctrl-C)"

# 4. The traced program crashes: the viewer says so and stays; q leaves.
type_line "clear; $A view -- sh -c 'echo about to crash; kill -SEGV \$\$'"
wait_for "crashed (SIGSEGV)"
wait_for "about to crash"
wait_for "sent no trace"
keys q
shell_is_usable

# 5. A live trace that turns to garbage: the line is named on screen, and
#    again on stderr once the terminal is back; the exit status says so.
cat >"$TMP/garbage.sh" <<'EOF'
fd=${ASYNCLAB_TRACE#fd:}
printf '{"v":1,"ev":"hello","t":0,"program":"liar"}\n{"t":1,"ev":"spawn","task":1,"name":"honest"}\nthis is not JSON\n' >&"$fd"
exec sleep 86399
EOF
type_line "clear; $A view -- sh $TMP/garbage.sh; echo \"status=\$?\""
wait_for "line 3: not JSON"
wait_for "honest"
keys q
wait_for "status=1" 10
wait_for "asynclab view: trace line 3: not JSON"
shell_is_usable

# 6. Broken trace files are refused before the screen changes.
printf '{"v":1,"ev":"hello","t":0}\n{"t":1,"ev":"spawn","task":1,"name":"a"}' >"$TMP/cut.jsonl"
printf '{"v":9,"ev":"hello","t":0}\n' >"$TMP/new.jsonl"
printf '{"v":1,"ev":"hello","t":0}\n\x00\x01garbage\n' >"$TMP/bin.jsonl"
type_line "clear; $A view $TMP/cut.jsonl; echo \"status=\$?\""
wait_for "cut.jsonl:2: truncated (no newline at end of stream)"   # FILE:LINE, as every command says it
wait_for "status=1"
type_line "clear; $A view $TMP/new.jsonl; echo \"status=\$?\""
wait_for "new.jsonl:1: trace format version 9 is newer"
wait_for "status=1"
type_line "clear; $A view $TMP/bin.jsonl; echo \"status=\$?\""
wait_for "bin.jsonl:2: not JSON"
wait_for "status=1"
shell_is_usable
echo "ok: the terminal survives q, SIGTERM, Ctrl-C, a crashing program and broken traces"
