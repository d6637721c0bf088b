"""file_circles.py — do the C files of a folder call each other in a circle?

Usage: /usr/bin/python3 file_circles.py DIR [DIR...]
For each DIR (its .c files, recursively): which file defines each global
al_* function, then an edge from a file to every other file whose function
it calls. A strongly connected group of two or more files is a circle:
printed, and the exit status is 1. Comments are ignored; static functions
are not global and do not count.
"""
import os
import re
import sys

DEF = re.compile(r'^(?!static\b)[A-Za-z_][\w \t\*]*?\b(al_\w+)\s*\([^;{]*\)\s*\{', re.M)
CALL = re.compile(r'\b(al_\w+)\s*\(')


def circles(files):
    text, defs = {}, {}
    for f in files:
        s = re.sub(r'/\*.*?\*/', '', open(f, encoding='utf-8', errors='replace').read(), flags=re.S)
        text[f] = s
        for m in DEF.finditer(s):
            defs[m.group(1)] = f
    edges = {f: {defs[n] for n in set(CALL.findall(s)) if n in defs and defs[n] != f}
             for f, s in text.items()}
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(10000)
    for v in sorted(files):
        if v not in index:
            visit(v)
    return found


status = 0
for d in sys.argv[1:]:
    files = sorted(os.path.join(r, f) for r, _, fs in os.walk(d) for f in fs if f.endswith('.c'))
    if not files:
        print(f"FAIL: {d}: no C files (moved?)")
        status = 1
        continue
    groups = circles(files)
    for group in groups:
        print(f"FAIL: {d}: these files call each other in a circle: " + ", ".join(group))
        status = 1
    if not groups:
        print(f"ok: {d}: {len(files)} files, no circle")
sys.exit(status)
