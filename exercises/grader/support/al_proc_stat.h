/* al_proc_stat.h — reading /proc/PID/stat, once for the grader and its kit.
 *
 * Contract: al_proc_stat_fields reads /proc/PID/stat into buf (size bytes,
 * NUL-terminated) and returns a pointer to the ')' that ends the command
 * name: the fields after it ("state ppid pgrp ...") follow at [1]. The
 * command name may hold spaces and parentheses, so the last ')' is the one.
 * NULL when the process is gone or the line is not what /proc writes.
 *
 * Header-only on purpose: the grader's engine (proctree.c) is built by
 * CMake, the kit (al_kit_proc.c) is compiled into each judge at grading time
 * from the files grade.c names; both include this one reader. */
#ifndef AL_PROC_STAT_H
#define AL_PROC_STAT_H

#include <stdio.h>
#include <string.h>
#include <sys/types.h>

static inline char *al_proc_stat_fields(pid_t pid, char *buf, size_t size) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f) return NULL;
    size_t n = fread(buf, 1, size - 1, f);
    fclose(f);
    buf[n] = 0;
    return strrchr(buf, ')');
}

#endif
