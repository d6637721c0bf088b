#!/bin/sh
# readme_commands.sh — every shell block of every README.md is run as
# written (lib/readme_commands.py says how, and lists the few lines that
# cannot run as written, with why), so no command a reader is shown can
# drift from what the programs do. New READMEs and blocks are picked up
# without touching this test.
# Usage: sh readme_commands.sh BUILD_DIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$HERE/lib/readme_commands.py" "$HERE/../.." "$1"
