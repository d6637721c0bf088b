#!/bin/sh
# view_browser.sh — `asynclab` alone on a terminal opens the lesson browser:
# the lessons with their one-line summaries; a number picks one, PgUp/PgDn
# scroll its notes, ? lists the keys, Enter or space runs its demo under the
# viewer (whose status bar names the focused panel), q comes back to the
# list, q again leaves. A
# lesson whose programs send no trace says so instead of showing an empty
# timeline. Off a terminal, the same command prints the list.
#
# The lessons here are two fakes (ASYNCLAB_SOURCE_DIR), so the test does not
# change when the real lessons do: one runs lesson 5's program, traced; the
# other only prints.
set -u
. "$(dirname "$0")/lib/view_tmux.sh" "$1"

mkdir -p "$TMP/lessons/01-traced" "$TMP/lessons/02-plain"
printf '# Lesson 1: a traced fake\n\nA fake lesson whose demo runs lesson five. More words.\n' \
  >"$TMP/lessons/01-traced/README.md"
printf '"$1/lessons/05-coroutines/coroutines" --virtual\n' >"$TMP/lessons/01-traced/demo.sh"
printf 'int main(void) { al_loop_new(0, 0); }\n' >"$TMP/lessons/01-traced/prog.c"
{
  printf '# Lesson 2: a plain fake\n\nA fake lesson that only prints. Nothing to trace.\n\n'
  i=1
  while [ $i -le 40 ]; do printf 'Note %d of the plain fake, hard-wrapped\nin the file.\n\n' $i; i=$((i + 1)); done
} >"$TMP/lessons/02-plain/README.md"
printf 'echo "the plain demo says hello"\n' >"$TMP/lessons/02-plain/demo.sh"
printf 'int main(void) { return 0; }\n' >"$TMP/lessons/02-plain/prog.c"

ASYNCLAB_SOURCE_DIR=$TMP "$A" </dev/null | grep -q "a plain fake" ||
  { echo "FAIL: no text list off a terminal"; exit 1; }

tmux_start 100 30
type_line "ASYNCLAB_SOURCE_DIR=$TMP $A"
wait_for "Lessons"
wait_for "a traced fake"
wait_for "A fake lesson that only prints"     # the summaries, one line each
wait_for "Enter"
keys 2
wait_for "Lesson 2: a plain fake"
# The notes are reflowed (one row per paragraph here) and PgDn scrolls them.
wait_for "Note 1 of the plain fake, hard-wrapped in the file."
keys PageDown
wait_gone "Note 1 of the plain fake"
wait_for "Note 12 of the plain fake"
keys PageUp
wait_for "Note 1 of the plain fake"
# ? shows the keys, space among them; any key closes the help.
wait_for "space run the demo"
keys ?
wait_for "Keys of the lab"
wait_for "Enter or space   run the lesson's demo"
keys q
wait_gone "Keys of the lab"
keys Space
wait_for "lesson 2: a plain fake"
wait_for "focus: Output"      # the output is the show, and the status bar says where the keys go
wait_for "programs do not run on asynclab's event loop"
wait_for "the plain demo says hello"           # its output, in the output panel
wait_for "exited 0"
keys Tab
wait_for "focus: Notes"
keys q
wait_for "Lesson 2's viewer closed"
keys Up
wait_for "Lesson 1: a traced fake"
keys Enter
wait_for "Coroutine 3"
wait_for "exited 0"
keys q
wait_for "Lesson 1's viewer closed"
keys q
shell_is_usable
echo "ok: the lesson browser runs lessons under the viewer and comes back"
