#!/bin/sh
# no_file_circles.sh — the files of the core and of the viewer point one way:
# no two files call each other's functions, directly or around a longer
# circle (lib/file_circles.py: strongly connected groups of files). Each
# core layer is checked as a whole too (the linker checks the layers against
# each other: tests/layers/).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
/usr/bin/python3 "$HERE/lib/file_circles.py" "$SRC/core" "$SRC/tui/model" "$SRC/tui/view" \
    "$SRC/tui/harness" "$SRC/tui/cli"
