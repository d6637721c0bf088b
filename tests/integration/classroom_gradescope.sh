#!/bin/sh
# classroom_gradescope.sh — `asynclab classroom gradescope EX -o autograder.zip`
# builds a zip as Gradescope's autograder specification asks: setup.sh and
# run_autograder at the root, executable; the source tree as asynclab/ (no
# .git, no build tree) with what setup.sh builds; the hidden tests of --tests
# as hidden/; run_autograder grades the named exercise from
# /autograder/submission into /autograder/results/results.json; setup.sh
# installs with apt only (install-deps --build). Bad usage is refused.
# The zip is run for real, on a fresh Debian 12, by .ci/gradescope.
set -eu
BUILD=$1
AL=$(cd "$BUILD" && pwd)/tui/asynclab
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$T/hidden/03-epoll-server"
printf '#include "al_test.h"\nAL_TEST(hidden_one) { AL_CHECK_INT(1, ==, 1); }\n' >"$T/hidden/03-epoll-server/test_h.c"
"$AL" classroom gradescope 3 -o "$T/autograder.zip" --tests "$T/hidden" >"$T/out" 2>&1 || { cat "$T/out"; fail "no zip"; }
grep -q "autograder for 03-epoll-server" "$T/out" || { cat "$T/out"; fail "no summary line"; }
/usr/bin/python3 - "$T/autograder.zip" <<'END'
import stat, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
if z.testzip() is not None:
    sys.exit("FAIL: a damaged member in the zip")
names = set(z.namelist())
def fail(msg):
    sys.exit("FAIL: " + msg)
for f in ("setup.sh", "run_autograder"):
    if f not in names:
        fail(f"{f} is not at the zip's root")
    mode = z.getinfo(f).external_attr >> 16
    if not mode & stat.S_IXUSR:
        fail(f"{f} is not executable in the zip ({oct(mode)})")
for f in ("asynclab/CMakeLists.txt", "asynclab/scripts/install-deps", "asynclab/core/CMakeLists.txt",
          "asynclab/exercises/03-epoll-server/exercise.ini", "asynclab/exercises/grader/grade.c",
          "hidden/03-epoll-server/test_h.c"):
    if f not in names:
        fail(f"{f} is missing from the zip")
bad = [n for n in names if "/.git/" in n or n.endswith("/.git") or n.endswith("CMakeCache.txt")]
if bad:
    fail(f"history or a build tree in the zip: {bad[:3]}")
run = z.read("run_autograder").decode()
setup = z.read("setup.sh").decode()
if not run.startswith("#!") or "EX=03-epoll-server" not in run or "--src /autograder/submission" not in run \
        or "/autograder/results/results.json" not in run or '--tests /autograder/source/hidden' not in run:
    fail("run_autograder does not grade exercise 3 from /autograder/submission into results.json")
if "scripts/install-deps --build" not in setup or "curl" in setup or "wget" in setup or "pip" in setup:
    fail("setup.sh must install with the distribution's packages only")
print(f"ok: {len(names)} files; setup.sh and run_autograder at the root, executable")
END
# The package list setup.sh relies on exists.
grep -q -- '--build' "$HERE/../../scripts/install-deps" || fail "install-deps has no --build"

# The command as exercises/README.md shows it.
(cd "$T" && "$AL" classroom gradescope 3 -o autograder.zip >out 2>&1) || { cat "$T/out"; fail "the README's command failed"; }
/usr/bin/python3 -c 'import sys, zipfile; n = zipfile.ZipFile(sys.argv[1]).namelist(); sys.exit(any(x.startswith("hidden/") for x in n) or "run_autograder" not in n)' "$T/autograder.zip" \
    || fail "a zip without --tests must have run_autograder and no hidden/"
rm -f "$T/x.zip"
for args in "gradescope 3" "gradescope -o $T/x.zip" "gradescope 99 -o $T/x.zip" \
    "gradescope 3 -o $T/x.zip --tests $T/nothing" "moodle 3 -o $T/x.zip"; do
    status=0
    # shellcheck disable=SC2086
    "$AL" classroom $args >"$T/out" 2>&1 || status=$?
    [ "$status" -eq 2 ] || { cat "$T/out"; fail "'classroom $args' exited $status, expected 2"; }
    [ -e "$T/x.zip" ] && fail "'classroom $args' wrote a zip"
done
"$AL" --help | grep -q '^  classroom ' || fail "asynclab --help does not list classroom"
"$AL" classroom --help | grep -q 'usage: asynclab classroom gradescope' || fail "classroom --help"
echo "ok: the Gradescope autograder zip"
