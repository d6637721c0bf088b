/* coroutines.c — lesson 5: the article's three coroutines on core's loop.
 *
 * main starts three coroutines as tasks, then awaits them in order. Each
 * prints, awaits a one-second sleep and prints again. An await does not
 * wait: it arms a timer and hands the thread back to the loop, which runs the
 * next coroutine. So all three sleep at the same time and the program takes
 * about one second, not three. Every flag is a variant of the same program:
 *
 *   --sequential  await the coroutines directly, one after another, with no
 *                 tasks (Python's `await coroutine1()`): 3 s
 *   --blocking    a blocking sleep() instead of an awaited one: the loop
 *                 is stuck while it runs, 3 s, and a warning on stderr
 *   --fiber       the same coroutines as stackful fibers (plain C calls)
 *   --backend B   select | poll | epoll | uv | uring (the loop's I/O multiplexer)
 *   --virtual     the virtual clock: the same timeline, at once
 *   --seconds S   how long each coroutine sleeps (default 1)
 *
 * Output goes through al_printf, so with ASYNCLAB_TRACE=file every line is
 * also an "output" event on the timeline, in the lane of the task printing it.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asynclab.h"

/* What the command line chose; set once in main() before the loop runs. */
static struct options {
    int sequential, blocking, fiber, virtual_clock;
    const char *backend;
    int64_t sleep_us;
} opt = {.sleep_us = 1000000};

/* Task names, so the timeline's lanes read like the program. */
static const char *const task_names[3] = {"Coroutine 1", "Coroutine 2", "Coroutine 3"};

/* ---- small helpers -------------------------------------------------------- */

static al_loop *this_loop(void) { return al_task_loop(al_task_current()); }

/* print(f"Coroutine {n} {what} at {datetime.now()}") */
static void say(int n, const char *what) {
    al_loop *loop = this_loop();
    char now[40];
    al_printf(loop, "Coroutine %d %s at %s", n, what, al_loop_format_wallclock(loop, now, sizeof now));
}

/* Python's time.sleep() inside a coroutine: the whole thread stops, and the
 * loop with it. On the virtual clock the thread still really stops (that is
 * what a blocking call does, and what the loop's slow-step check measures),
 * and then the virtual clock is moved on by as much, because that is the
 * time everyone else lost. */
static void blocking_sleep(int64_t us) {
    struct timespec left = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};
    while (nanosleep(&left, &left) < 0 && errno == EINTR) {}
    al_loop *loop = this_loop();
    if (al_loop_clock(loop) == AL_CLOCK_VIRTUAL) al_loop_advance(loop, us);
}

/* ---- stackless: coroutines as generators (gen.h, task.h) ------------------ */

/* What must survive the await lives in the frame. */
struct coro_frame {
    al_gen gen;
    int n;              /* 1, 2 or 3: the article's coroutine1..3 */
    int rc;
};

static int coroutine(al_gen *g) {
    struct coro_frame *f = (struct coro_frame *)g;
    AL_GEN_BEGIN(g);
    say(f->n, "started");
    if (opt.blocking)
        blocking_sleep(opt.sleep_us);                      /* time.sleep(1) */
    else
        AL_AWAIT(g, f->rc, al_sleep(opt.sleep_us));        /* await asyncio.sleep(1) */
    if (f->rc < 0) AL_GEN_FAIL(g, f->rc);
    say(f->n, "finished");
    AL_GEN_END(g);
}

struct main_frame {
    al_gen gen;
    int rc, err, i;
    al_task *task[3];
    struct coro_frame direct;    /* --sequential: the coroutine awaited right now */
};

static int main_coroutine(al_gen *g) {
    struct main_frame *f = (struct main_frame *)g;
    al_loop *loop = this_loop();
    AL_GEN_BEGIN(g);
    al_printf(loop, "Main started");
    if (opt.sequential) {
        for (f->i = 0; f->i < 3; f->i++) {
            /* await coroutineN(): no task, we run its generator inside our
             * own steps (yield from). Its await arms a wait on *our* task;
             * we pass the yield up to the loop and the wake-up back down. */
            f->direct = (struct coro_frame){.n = f->i + 1};
            al_gen_init(&f->direct.gen, coroutine);
            f->rc = al_gen_next(&f->direct.gen, NULL);
            while (f->rc == AL_GEN_YIELDED) {
                AL_GEN_YIELD(g, f->direct.gen.value);
                f->rc = al_gen_send(&f->direct.gen, AL_GEN_SENT(g), NULL);
            }
            if (f->rc < 0) AL_GEN_FAIL(g, f->rc);
        }
    } else {
        /* task = asyncio.create_task(coroutineN()): scheduled, not run yet */
        for (f->i = 0; f->i < 3; f->i++) {
            struct coro_frame init = {.n = f->i + 1};
            f->rc = al_task_create(loop, &f->task[f->i], task_names[f->i], coroutine, &init, sizeof init);
            if (f->rc < 0) AL_GEN_FAIL(g, f->rc);   /* al_loop_free() releases the rest */
        }
        /* await task1; await task2; await task3 */
        for (f->i = 0; f->i < 3; f->i++) {
            AL_AWAIT(g, f->rc, al_join(f->task[f->i]));
            if (f->rc < 0 && f->err == 0) f->err = f->rc;
        }
        for (f->i = 0; f->i < 3; f->i++) al_task_release(f->task[f->i]);
        if (f->err < 0) AL_GEN_FAIL(g, f->err);
    }
    al_printf(loop, "Main finished");
    AL_GEN_END(g);
}

/* ---- stackful: the same coroutines as fibers (fiber.h, task.h) ------------ */

/* Each fiber has a stack of its own, so an await is a plain call that
 * returns when the wait is over, and locals survive it. */
static int fiber_coroutine(void *arg, intptr_t *result) {
    int n = (int)(intptr_t)arg;
    (void)result;
    say(n, "started");
    if (opt.blocking) {
        blocking_sleep(opt.sleep_us);
    } else {
        int rc = al_sleep(opt.sleep_us);
        if (rc < 0) return rc;
    }
    say(n, "finished");
    return 0;
}

static int fiber_main(void *arg, intptr_t *result) {
    al_loop *loop = arg;
    int err = 0;
    al_printf(loop, "Main started");
    if (opt.sequential) {
        for (int n = 1; n <= 3 && err == 0; n++)
            err = fiber_coroutine((void *)(intptr_t)n, result);   /* await coroutineN() */
    } else {
        al_task *task[3] = {NULL, NULL, NULL};
        for (int i = 0; i < 3 && err == 0; i++) {
            err = al_task_create_fiber(loop, &task[i], task_names[i], fiber_coroutine,
                                       (void *)(intptr_t)(i + 1), 0);
        }
        for (int i = 0; i < 3 && task[i]; i++) {
            int rc = al_join(task[i]);
            if (rc < 0 && err == 0) err = rc;
            al_task_release(task[i]);
        }
    }
    if (err < 0) return err;
    al_printf(loop, "Main finished");
    return 0;
}

/* ---- the slow-step warning (--blocking) -----------------------------------
 *
 * asyncio's debug mode prints "Executing <Task ...> took 1.001 seconds" when
 * one step of a task held the loop for more than 100 ms. Our loop measures
 * every step while it is traced and records a "slow" event instead of
 * printing. So for --blocking without ASYNCLAB_TRACE, main() gives the loop a
 * small trace ring in memory, runs the loop one iteration at a time and
 * prints the slow events each iteration added: the loop's own measurement,
 * per step, named after the task. (With ASYNCLAB_TRACE=file they are in the
 * file: one loop has one trace.) */

#define MAX_NAMED 8

struct slow_report {
    al_trace *ring;
    size_t named;
    struct { uint64_t id; char name[AL_TASK_NAME_MAX]; } names[MAX_NAMED];
};

static const char *name_of(const struct slow_report *r, uint64_t task) {
    for (size_t i = 0; i < r->named; i++)
        if (r->names[i].id == task) return r->names[i].name;
    return task ? "?" : "a callback";
}

/* Read what the last iteration recorded: remember names, print slow steps. */
static void report_slow_steps(struct slow_report *r) {
    al_trace_event ev;
    for (size_t i = 0; al_trace_ring_get(r->ring, i, &ev) == 0; i++) {
        if (ev.type == AL_EV_SPAWN && r->named < MAX_NAMED) {
            r->names[r->named].id = ev.task;
            snprintf(r->names[r->named].name, AL_TASK_NAME_MAX, "%.*s", (int)ev.text_len, ev.text);
            r->named++;
        } else if (ev.type == AL_EV_SLOW) {
            fprintf(stderr, "Executing <Task '%s'> took %.3f seconds\n", name_of(r, ev.task),
                    (double)ev.value / 1e6);
        }
    }
    al_trace_ring_clear(r->ring);
}

/* al_loop_run_until_complete(), plus the report after every iteration. */
static int run_reporting_slow_steps(al_loop *loop, al_task *task, struct slow_report *r) {
    int rc = 1;
    while (!al_task_is_done(task) && rc > 0) {
        rc = al_loop_run_once(loop);
        report_slow_steps(r);
    }
    if (rc < 0) return rc;
    return al_task_is_done(task) ? al_task_error(task) : -EDEADLK;
}

/* ---- command line --------------------------------------------------------- */

static void usage(FILE *out) {
    fprintf(out,
            "usage: coroutines [--sequential] [--blocking] [--fiber] [--virtual]\n"
            "                  [--backend select|poll|epoll|uv|uring] [--seconds S]\n"
            "  Three coroutines each sleep S seconds (default 1), started as tasks and\n"
            "  awaited in order: together they take S seconds.\n"
            "  --sequential  await the coroutines one by one, without tasks (3 S)\n"
            "  --blocking    a blocking sleep inside each coroutine stalls the loop (3 S)\n"
            "  --fiber       stackful coroutines (fibers) instead of stackless ones\n"
            "  --virtual     virtual clock: the same timeline, instantly\n"
            "  --backend B   the loop's backend (default: $ASYNCLAB_BACKEND, else epoll)\n"
            "  --seconds S   the sleep, from 0 to 60 seconds, microsecond resolution\n"
            "  ASYNCLAB_TRACE=trace.jsonl records the timeline as JSON lines.\n");
}

static int parse_seconds(const char *text, int64_t *us) {
    char *end;
    errno = 0;
    double s = strtod(text, &end);
    if (errno || end == text || *end || !(s >= 0 && s <= 60)) {
        fprintf(stderr, "coroutines: --seconds wants a number from 0 to 60, got '%s'\n", text);
        return -1;
    }
    *us = llround(s * 1e6);
    return 0;
}

static int known_backend(const char *name) {
    for (const char *const *b = al_backend_names; *b; b++)
        if (strcmp(*b, name) == 0) return 1;
    return 0;
}

/* 0 to run, 1 for --help, 2 for a bad command line. */
static int parse_args(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 1;
        } else if (strcmp(a, "--sequential") == 0) {
            opt.sequential = 1;
        } else if (strcmp(a, "--blocking") == 0) {
            opt.blocking = 1;
        } else if (strcmp(a, "--fiber") == 0) {
            opt.fiber = 1;
        } else if (strcmp(a, "--virtual") == 0) {
            opt.virtual_clock = 1;
        } else if (strcmp(a, "--backend") == 0 && i + 1 < argc) {
            opt.backend = argv[++i];
            if (!known_backend(opt.backend)) {
                fprintf(stderr, "coroutines: unknown backend '%s' (select, poll, epoll, uv or uring)\n",
                        opt.backend);
                return 2;
            }
        } else if (strcmp(a, "--seconds") == 0 && i + 1 < argc) {
            if (parse_seconds(argv[++i], &opt.sleep_us) < 0) return 2;
        } else {
            fprintf(stderr, "coroutines: unknown or incomplete option '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    int rc = parse_args(argc, argv);
    if (rc) return rc == 1 ? 0 : 2;

    al_loop_options lo = {.backend = opt.backend,
                          .clock = opt.virtual_clock ? AL_CLOCK_VIRTUAL : AL_CLOCK_REAL};
    struct slow_report report = {.ring = NULL};
    if (opt.blocking && !getenv("ASYNCLAB_TRACE")) {
        rc = al_trace_open_ring(&report.ring, 256);
        if (rc < 0) {
            fprintf(stderr, "coroutines: cannot open a trace ring: %s\n", al_strerror(rc));
            return 1;
        }
        lo.sink = al_trace_sink(report.ring);
    }
    al_loop *loop;
    rc = al_loop_new(&loop, &lo);
    if (rc < 0) {
        al_trace_close(report.ring);
        fprintf(stderr, "coroutines: cannot create the loop: %s "
                        "(check ASYNCLAB_BACKEND and ASYNCLAB_TRACE)\n", al_loop_backend_error(rc));
        return 1;
    }

    /* asyncio.run(main()) */
    al_task *main_task;
    if (opt.fiber)
        rc = al_task_create_fiber(loop, &main_task, "main", fiber_main, loop, 0);
    else
        rc = al_task_create(loop, &main_task, "main", main_coroutine, NULL, sizeof(struct main_frame));
    if (rc == 0) {
        if (report.ring)
            rc = run_reporting_slow_steps(loop, main_task, &report);
        else
            rc = al_loop_run_until_complete(loop, main_task);
        al_task_release(main_task);
    }
    if (rc < 0) fprintf(stderr, "coroutines: %s\n", al_strerror(rc));
    al_loop_free(loop);
    al_trace_close(report.ring);   /* the loop only borrowed it */
    return rc < 0 ? 1 : 0;
}
