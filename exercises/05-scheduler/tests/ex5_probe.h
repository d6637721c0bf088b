/* ex5_probe.h — one scenario for exercise 5's scheduler, as the judge asks
 * it of the subject (probe_ex5.c), and what the subject saw happen: the log
 * of every task's steps on the virtual clock (plain bytes, see
 * grader/support/al_subject.h). */
#ifndef EX5_PROBE_H
#define EX5_PROBE_H

#include <stdint.h>

#define EX5_MAX_SLEEPERS 200
#define EX5_MAX_KIDS 8
#define EX5_MAX_EVENTS 512
#define EX5_TOP 8            /* top-level tasks whose end is reported */

typedef struct ex5_sleeper_spec {
    int id;
    int fail;                /* a negative errno returned after the sleep, or 0 */
    int64_t us;
} ex5_sleeper_spec;

/* Spawned in this order: the sleepers, then two steppers (ids 1 and 2, three
 * steps each with sleep(0) between), then a parent that spawns its kids
 * (ids 1..nkids) and gathers them with a timeout (-1: none). */
typedef struct ex5_scenario {
    int nsleepers;
    ex5_sleeper_spec sleepers[EX5_MAX_SLEEPERS];
    int steppers;
    int parent;
    int64_t timeout;
    int nkids;
    ex5_sleeper_spec kids[EX5_MAX_KIDS];
    /* Then, if set, the parent gathers one more kid (id 100) with a timeout:
     * a timer of the first gather that outlived it would fire here. */
    int second;
    ex5_sleeper_spec kid2;
    int64_t timeout2;
} ex5_scenario;

typedef struct ex5_event {
    int id;
    char what;               /* 's' started, 'f' finished, 'c' cancelled (FINALLY), 'y' step */
    int64_t at;
} ex5_event;

typedef struct ex5_seen {
    int new_rc, run_rc;
    int spawn_rc;            /* of the first spawn */
    int events_after_spawn;  /* log length right after the first spawn */
    int64_t now;             /* after the run */
    int top_done[EX5_TOP], top_result[EX5_TOP];
    int parent_result, parent_result2;
    int64_t parent_resumed_at, parent_resumed_at2;
    int kid_done[EX5_MAX_KIDS], kid_result[EX5_MAX_KIDS];
    int nevents;
    ex5_event ev[EX5_MAX_EVENTS];
} ex5_seen;

#endif
