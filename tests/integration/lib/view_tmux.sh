# view_tmux.sh — driving the viewer in a real terminal: tmux, for tests.
#
# Sourced by tests/integration/view_*.sh, with the build folder:
#
#   . "$(dirname "$0")/lib/view_tmux.sh" "$1"
#
# Sets BUILD (absolute), A (the asynclab under test), HERE (the tests'
# folder) and TMP (a fresh folder, removed at exit). Each test gets its own tmux server
# (a private socket), a pane running an interactive sh with a known prompt,
# and helpers that wait for what a person would see: they poll
# `tmux capture-pane` until the text appears, up to a deadline, and never
# sleep in place of waiting for something.
#
#   tmux_start W H          server + pane of W x H running sh (prompt "vt> ")
#   type_line TEXT          type TEXT and Enter at the shell
#   keys KEY...             tmux send-keys (e.g. q, Space, Escape, C-c)
#   wait_for TEXT [S]       until the pane shows TEXT (default 20 s), else fail
#   wait_gone TEXT [S]      until the pane no longer shows TEXT
#   screen                  the pane's text now
#   resize W H              resize the window (the viewer gets SIGWINCH)
#   wait_shell_idle [S]     until the viewer (the shell's foreground job) ended
#   shell_is_usable         after the viewer: prompt back, typed text echoed,
#                           terminal in its normal (canonical, echoing) mode
#   fail MESSAGE            print the pane and exit 1
# The tmux server is killed and TMP removed on exit (trap; a test that sets
# its own EXIT trap calls vt_cleanup there).

command -v tmux >/dev/null 2>&1 || { echo "SKIP: tmux is not installed (scripts/install-deps)"; exit 77; }

BUILD=$(cd "$1" && pwd)
A="$BUILD/tui/asynclab"
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)

VT_SOCK="vt$$"
VT_T="tmux -L $VT_SOCK -f /dev/null"
VT_S="vt"

vt_cleanup() {
    $VT_T kill-server >/dev/null 2>&1 || true
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$VT_SOCK"   # tmux leaves the socket file behind
    rm -rf "$TMP"
}
trap vt_cleanup EXIT
trap 'exit 1' HUP INT TERM

screen() { $VT_T capture-pane -p -t "$VT_S" 2>/dev/null; }

fail() {
    echo "FAIL: $*"
    echo "---- the pane ----"
    screen
    echo "------------------"
    exit 1
}

tmux_start() {
    # The pane's shell: a fixed prompt, the build's binaries, nothing from
    # the user's shell start-up files.
    $VT_T new-session -d -s "$VT_S" -x "$1" -y "$2" \
        "env ENV= PS1='vt> ' ASYNCLAB_BINARY_DIR='$BUILD' TERM=screen sh -i" ||
        { echo "FAIL: cannot start tmux"; exit 1; }
    $VT_T set-option -t "$VT_S" status off >/dev/null
    wait_for "vt>" 10
}

type_line() { $VT_T send-keys -t "$VT_S" -l "$1" && $VT_T send-keys -t "$VT_S" Enter; }
keys() { $VT_T send-keys -t "$VT_S" "$@"; }

# The deadline is in whole seconds of `date +%s`; polling every 50 ms.
wait_for() {
    deadline=$(( $(date +%s) + ${2:-20} ))
    while ! screen | grep -qF -- "$1"; do
        [ "$(date +%s)" -le "$deadline" ] || fail "'$1' did not appear within ${2:-20} s"
        sleep 0.05
    done
}

wait_gone() {
    deadline=$(( $(date +%s) + ${2:-20} ))
    while screen | grep -qF -- "$1"; do
        [ "$(date +%s)" -le "$deadline" ] || fail "'$1' did not go away within ${2:-20} s"
        sleep 0.05
    done
}

resize() {
    $VT_T resize-window -t "$VT_S" -x "$1" -y "$2" >/dev/null 2>&1 ||
        $VT_T resize-pane -t "$VT_S" -x "$1" -y "$2"
}

# The pid of what runs in the foreground of the pane's shell (the viewer).
foreground_pid() {
    shell=$($VT_T display-message -p -t "$VT_S" '#{pane_pid}')
    pgrep -P "$shell" | head -1
}

# Until the pane's shell runs nothing in the foreground (the viewer ended).
wait_shell_idle() {
    shell=$($VT_T display-message -p -t "$VT_S" '#{pane_pid}')
    deadline=$(( $(date +%s) + ${1:-10} ))
    while pgrep -P "$shell" >/dev/null; do
        [ "$(date +%s)" -le "$deadline" ] || fail "the viewer did not end within ${1:-10} s"
        sleep 0.05
    done
}

shell_is_usable() {
    # Once the viewer has ended (keys typed before that would meet a terminal
    # that does not echo yet, as in any terminal), a command typed at the
    # prompt must echo and run; the answer is computed, so it cannot be the
    # echo of what was typed.
    wait_shell_idle
    type_line 'echo "typed-$((6 * 7))"'
    wait_for "typed-42" 10
    screen | grep -qF 'echo "typed-$((6 * 7))"' || fail "what was typed was not echoed"
    type_line 'stty -a | tr " " "\n" | grep -x -e icanon -e echo | tr "\n" " "; echo "<-modes-$((40 + 2))"'
    wait_for "<-modes-42" 10
    screen | grep -q "icanon echo <-modes-42" || fail "the terminal is not back in canonical, echoing mode"
}
