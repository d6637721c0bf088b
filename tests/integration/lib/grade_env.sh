# grade_env.sh — what every grade_*.sh test starts with. Sourced with the
# build folder as its argument:
#
#   . "$(dirname "$0")/lib/grade_env.sh" "$1"
#
# Sets BUILD, AL (the asynclab under test, an absolute path), HERE (this
# folder), SRC (the source tree), T (a fresh temporary folder, removed on
# exit: a test that sets its own EXIT trap removes it there), and points
# XDG_DATA_HOME into T (a grade never touches the user's progress). fail
# prints "FAIL: ..." and exits 1.
BUILD=$1
AL=$(cd "$BUILD" && pwd)/tui/asynclab
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export XDG_DATA_HOME="$T/xdg"
fail() { echo "FAIL: $*" >&2; exit 1; }

# runs_in_t: the grader's runs work in $T/tmp ($TMPDIR), which their private
# uids can reach; survivors then lists every process whose working directory
# is still in it: a run of this test that outlived it (other graders may run
# on this machine at the same moment, with private uids of their own).
runs_in_t() {
    export TMPDIR="$T/tmp"
    mkdir -p "$TMPDIR"
    chmod 711 "$T"
}
survivors() {
    for d in /proc/[0-9]*; do
        case $(readlink "$d/cwd" 2>/dev/null) in "$TMPDIR"/*) echo "${d#/proc/}" ;; esac
    done
}
