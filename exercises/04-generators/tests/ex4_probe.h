/* ex4_probe.h — what the judge asks of exercise 4's subject, and what it
 * answers (plain bytes both ways; see grader/support/al_subject.h). */
#ifndef EX4_PROBE_H
#define EX4_PROBE_H

#include <stdint.h>

enum { EX4_RANGE = 1, EX4_FIB = 2, EX4_AVERAGE = 3 };
enum { EX4_NEXT = 1, EX4_SEND = 2, EX4_CLOSE = 3 };
#define EX4_MAX_OPS 256

/* Two frames of one generator kind, driven op by op through the core's
 * al_gen_next / al_gen_send / al_gen_close. */
typedef struct ex4_drive_in {
    int kind;
    long start, stop, step;            /* range's parameters (both frames) */
    int nops;
    struct { int frame, op; long value; } ops[EX4_MAX_OPS];
} ex4_drive_in;

typedef struct ex4_drive_out {
    struct { int rc; long value; } res[EX4_MAX_OPS];
    long retval[2];                    /* gen.value after the last op */
    int finished[2];                   /* al_gen_finished */
} ex4_drive_out;

#define EX4_LINE 64
#define EX4_LINES 8

/* grep between the judge's lines and a collector (in the subject). */
typedef struct ex4_pipe_in {
    char pattern[EX4_LINE];
    int nlines;
    char lines[EX4_LINES][EX4_LINE];
    int close_after;
} ex4_pipe_in;

typedef struct ex4_pipe_out {
    int sink_start_rc, start_rc, send_rc[EX4_LINES], close_rc, finished;
    int count, closed;
    char got[16][EX4_LINE];
} ex4_pipe_out;

#endif
