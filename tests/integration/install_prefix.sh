#!/bin/sh
# install_prefix.sh — `cmake --install BUILD --prefix P` gives an asynclab
# that needs no checkout and finds its data relative to itself (issue 11):
# the lessons and exercises it lists are P's (marked here so they cannot be
# confused with the source tree's), `asynclab lesson 5 --no-tui` runs the
# installed lesson program, and `asynclab start` + `asynclab grade` grade
# against the installed core library and headers, from any folder; after
# the prefix is moved elsewhere, all of it still works. (The Debian package
# is tested by installing it on a fresh Debian: .ci/fresh-machine.)
set -eu
BUILD=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export XDG_DATA_HOME="$T/xdg"
fail() { echo "FAIL: $*" >&2; [ ! -f "$T/out" ] || tail -20 "$T/out" >&2; exit 1; }

cmake --install "$BUILD" --prefix "$T/pfx" >"$T/out" 2>&1 || fail "cmake --install failed"
for f in bin/asynclab lib/asynclab/core/libasynclab_core.a lib/asynclab/lessons/05-coroutines/coroutines \
         share/asynclab/core/include/asynclab/loop.h share/asynclab/tests/runner/al_test.h \
         share/asynclab/exercises/04-generators/exercise.ini share/asynclab/lessons/05-coroutines/demo.sh; do
    [ -e "$T/pfx/$f" ] || fail "not installed: $f"
done
# Mark the installed data: what asynclab shows must come from the prefix.
sed -i 's/^title = .*/title = INSTALLED-EXERCISE-4/' "$T/pfx/share/asynclab/exercises/04-generators/exercise.ini"
sed -i '1s/.*/# Lesson 5: INSTALLED-LESSON-5/' "$T/pfx/share/asynclab/lessons/05-coroutines/README.md"

check_prefix() {   # check_prefix P: everything below, run from outside the build and the source tree
    AL=$1/bin/asynclab
    mkdir -p "$T/class"
    cd "$T/class"
    "$AL" grade --list >"$T/out" 2>&1 && grep -q "INSTALLED-EXERCISE-4" "$T/out" ||
        fail "$AL grade --list does not show the installed exercises"
    "$AL" </dev/null >"$T/out" 2>&1 && grep -q "INSTALLED-LESSON-5" "$T/out" ||
        fail "$AL does not list the installed lessons"
    "$AL" lesson 5 --no-tui >"$T/out" 2>&1 || fail "$AL lesson 5 --no-tui failed"
    grep -q '"ev":"exit"' "$T/out" || fail "lesson 5's installed demo printed no trace"
    rm -rf "$T/class/ex4"
    "$AL" start 4 ex4 >"$T/out" 2>&1 || fail "$AL start 4 ex4 failed"
    cp "$1/share/asynclab/exercises/04-generators/solution/generators.c" ex4/
    (cd ex4 && timeout 300 "$AL" grade --no-sanitize) >"$T/out" 2>&1 ||
        fail "the installed asynclab does not grade the reference to full marks"
    grep -q "INSTALLED-EXERCISE-4" "$T/out" || fail "the grade was not of the installed exercise"
}
check_prefix "$T/pfx"
mv "$T/pfx" "$T/moved"
check_prefix "$T/moved"
echo "ok: an installed asynclab (any prefix, moved too) lists, runs lesson 5, starts and grades"
