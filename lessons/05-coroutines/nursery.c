/* nursery.c — lesson 5: structured concurrency. One child fails, the
 * nursery cancels its siblings, the parent gets the first error.
 *
 * main opens a nursery (Trio's name; asyncio.TaskGroup is the same idea)
 * and starts three children in it, like three requests to other services:
 *
 *   "fetch users"   needs 3 s
 *   "fetch orders"  fails after 1 s (the service refused the connection)
 *   "fetch prices"  needs 5 s
 *
 * At 1 s "fetch orders" returns -ECONNREFUSED. The nursery then cancels the
 * two others: their pending al_sleep() returns -ECANCELED, each prints that
 * it was cancelled and returns. Only when all three are over does
 * al_nursery_wait() return, with the first error. Nothing keeps running in
 * the background after main has moved on: that is the "structure".
 *
 *   --all-ok      no child fails: main waits for the slowest (5 s)
 *   --virtual     the virtual clock: the same timeline, at once
 *
 * Children are fibers (plain C on their own stacks), so the code reads like
 * blocking code. With ASYNCLAB_TRACE=file the timeline shows the cancel.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "asynclab.h"

static int all_ok;      /* --all-ok: set once in main() */

struct job {
    const char *name;
    int64_t seconds;    /* how long the work takes */
    int fails;          /* fail at the end of it instead of succeeding */
};

static const struct job jobs[3] = {
    {"fetch users", 3, 0},
    {"fetch orders", 1, 1},
    {"fetch prices", 5, 0},
};

static al_loop *this_loop(void) { return al_task_loop(al_task_current()); }

/* One child: "work" for a while (an awaited sleep), then succeed or fail. */
static int child(void *arg, intptr_t *result) {
    const struct job *job = arg;
    al_loop *loop = this_loop();
    (void)result;
    al_printf(loop, "%s: started", job->name);
    int rc = al_sleep(job->seconds * 1000000);
    if (rc == -ECANCELED) {
        /* Cancellation arrives at the await. Clean up, then pass it on. */
        al_printf(loop, "%s: cancelled after %.1f s", job->name, al_loop_now(loop) / 1e6);
        return rc;
    }
    if (rc < 0) return rc;
    if (job->fails && !all_ok) {
        al_printf(loop, "%s: failed: %s", job->name, al_strerror(-ECONNREFUSED));
        return -ECONNREFUSED;
    }
    al_printf(loop, "%s: done", job->name);
    return 0;
}

static int fiber_main(void *arg, intptr_t *result) {
    al_loop *loop = arg;
    (void)result;
    al_nursery nursery;
    int rc = al_nursery_init(loop, &nursery);
    if (rc < 0) return rc;
    al_printf(loop, "main: starting 3 children in a nursery");
    for (int i = 0; i < 3 && rc == 0; i++) {
        al_task *task;
        rc = al_task_create_fiber(loop, &task, jobs[i].name, child, (void *)&jobs[i], 0);
        if (rc < 0) break;
        rc = al_nursery_start(&nursery, task);   /* the nursery takes its own reference */
        al_task_release(task);
    }
    if (rc < 0) al_nursery_cancel(&nursery);    /* do not leave the started ones behind */
    int err = al_nursery_wait(&nursery);          /* async with TaskGroup() as tg: ... */
    al_nursery_destroy(&nursery);
    if (rc < 0) return rc;
    if (err < 0)
        al_printf(loop, "main: the nursery failed with %s after %.1f s; no child is left running",
                  al_strerror(err), al_loop_now(loop) / 1e6);
    else
        al_printf(loop, "main: all children done after %.1f s", al_loop_now(loop) / 1e6);
    return 0;
}

static void usage(FILE *out) {
    fprintf(out,
            "usage: nursery [--all-ok] [--virtual]\n"
            "  Three children in a nursery; one fails after 1 s and the nursery cancels the others.\n"
            "  --all-ok   no child fails: the nursery waits for all three (5 s)\n"
            "  --virtual  virtual clock: the same timeline, instantly\n"
            "  ASYNCLAB_TRACE=trace.jsonl records the timeline as JSON lines.\n");
}

int main(int argc, char **argv) {
    al_loop_options lo = {.clock = AL_CLOCK_REAL};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--all-ok") == 0) {
            all_ok = 1;
        } else if (strcmp(argv[i], "--virtual") == 0) {
            lo.clock = AL_CLOCK_VIRTUAL;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "nursery: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    al_loop *loop;
    int rc = al_loop_new(&loop, &lo);
    if (rc < 0) {
        fprintf(stderr, "nursery: cannot create the loop: %s "
                        "(check ASYNCLAB_BACKEND and ASYNCLAB_TRACE)\n", al_loop_backend_error(rc));
        return 1;
    }
    al_task *main_task;
    rc = al_task_create_fiber(loop, &main_task, "main", fiber_main, loop, 0);
    if (rc == 0) {
        rc = al_loop_run_until_complete(loop, main_task);
        al_task_release(main_task);
    }
    if (rc < 0) fprintf(stderr, "nursery: %s\n", al_strerror(rc));
    al_loop_free(loop);
    return rc < 0 ? 1 : 0;
}
