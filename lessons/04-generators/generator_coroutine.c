/* generator_coroutine.c — lesson 4: a coroutine built from a generator, and
 * the smallest event loop that can run it.
 *
 * Before async/await, an asyncio coroutine was a generator. `yield from
 * asyncio.sleep(1)` does not sleep: it hands a request ("wake me in one
 * second") up to the event loop and pauses. The loop parks the generator,
 * waits until the earliest parked one is due, and resumes it. Both halves are
 * written out here:
 *
 *   the coroutine   my_coroutine prints, delegates to a sleep generator the
 *                   way `yield from` does, and prints again;
 *   the loop        tiny_loop, a few dozen lines: a list of (wake time,
 *                   generator) pairs kept in order, and run_until_complete().
 *
 * Core's loop (lesson 5) does the same with a timer heap, I/O and tasks.
 *
 *   --virtual   the tiny loop jumps its clock to the next wake-up instead of
 *               sleeping: the same lines at once. The timestamps start at the
 *               real time of day and then advance virtually, so End is
 *               exactly one second after Start.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "asynclab/error.h"
#include "asynclab/gen.h"
#include "tiny_trace.h"   /* viewer: not part of the lesson */

/* ---- what a coroutine yields to the loop ------------------------------------ */

struct sleep_request {
    int64_t us;
};

/* ---- the tiny loop ------------------------------------------------------------ */

#define TINY_MAX 8

struct tiny_loop {
    int virtual_clock;
    int64_t virtual_now;          /* µs since the start, on the virtual clock */
    struct timespec mono_start;   /* CLOCK_MONOTONIC at the start: for sleeping */
    struct timespec real_start;   /* the time of day at the start: for printing */
    size_t parked_len;            /* parked[] is sorted by wake time */
    struct { int64_t wake; al_gen *gen; } parked[TINY_MAX];
};

static void tiny_init(struct tiny_loop *loop, int virtual_clock) {
    memset(loop, 0, sizeof *loop);
    loop->virtual_clock = virtual_clock;
    clock_gettime(CLOCK_MONOTONIC, &loop->mono_start);
    clock_gettime(CLOCK_REALTIME, &loop->real_start);
}

/* Microseconds since the loop started. */
static int64_t tiny_now(const struct tiny_loop *loop) {
    if (loop->virtual_clock) return loop->virtual_now;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)(now.tv_sec - loop->mono_start.tv_sec) * 1000000 +
           (now.tv_nsec - loop->mono_start.tv_nsec) / 1000;
}

/* Nothing to do until `wake`: sleep until then, or jump there. */
static void tiny_wait_until(struct tiny_loop *loop, int64_t wake) {
    if (loop->virtual_clock) {
        if (wake > loop->virtual_now) loop->virtual_now = wake;
        return;
    }
    int64_t ns = loop->mono_start.tv_nsec + (wake % 1000000) * 1000;
    struct timespec at = {loop->mono_start.tv_sec + (time_t)(wake / 1000000 + ns / 1000000000),
                          (long)(ns % 1000000000)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR) {}
}

/* Park a generator until `wake`, after any others due at the same time. */
static int tiny_park(struct tiny_loop *loop, al_gen *gen, int64_t wake) {
    if (loop->parked_len == TINY_MAX) return -ENOMEM;
    size_t i = loop->parked_len++;
    for (; i > 0 && loop->parked[i - 1].wake > wake; i--) loop->parked[i] = loop->parked[i - 1];
    loop->parked[i].wake = wake;
    loop->parked[i].gen = gen;
    return 0;
}

/* Resume generators in wake-time order until `main` finishes. */
static int tiny_run_until_complete(struct tiny_loop *loop, al_gen *main) {
    int rc = tiny_park(loop, main, tiny_now(loop));
    tiny_trace_spawn(tiny_now(loop), 1, "my_coroutine");     /* viewer: task 1 is main */
    int started = 0;                                         /* viewer */
    while (rc == 0 && loop->parked_len > 0) {
        int64_t wake = loop->parked[0].wake;
        al_gen *gen = loop->parked[0].gen;
        loop->parked_len--;
        memmove(&loop->parked[0], &loop->parked[1], loop->parked_len * sizeof loop->parked[0]);

        tiny_wait_until(loop, wake);
        if (started++) tiny_trace_timer_woke(tiny_now(loop), 1);   /* viewer */
        tiny_trace_resume(tiny_now(loop), 1);                      /* viewer */
        intptr_t value;
        int step = al_gen_next(gen, &value);          /* run it to its next yield */
        if (step == AL_GEN_YIELDED) {
            const struct sleep_request *req = (const struct sleep_request *)value;
            rc = tiny_park(loop, gen, tiny_now(loop) + (req ? req->us : 0));
            tiny_trace_sleeps(tiny_now(loop), 1, tiny_now(loop) + (req ? req->us : 0)); /* viewer */
        } else if (gen == main) {
            tiny_trace_exit(tiny_now(loop), 1, step);              /* viewer */
            return step;                              /* 0, or the error it failed with */
        }
    }
    return rc;
}

/* datetime.now() as the loop sees it: the start time plus the loop's clock. */
static const char *tiny_timestamp(const struct tiny_loop *loop, char *buf, size_t size) {
    int64_t us = loop->real_start.tv_nsec / 1000 + tiny_now(loop);
    time_t secs = loop->real_start.tv_sec + (time_t)(us / 1000000);
    struct tm tm;
    char date[32];
    localtime_r(&secs, &tm);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(buf, size, "%s.%06ld", date, (long)(us % 1000000));
    return buf;
}

/* ---- asyncio.sleep, generator style ------------------------------------------- */

/* One yield: the request goes up to whoever drives us (the loop); when the
 * loop resumes us, the time has passed and we are done. */
struct sleep_frame {
    al_gen gen;
    struct sleep_request req;
};

static int tiny_sleep(al_gen *g) {
    struct sleep_frame *f = (struct sleep_frame *)g;
    AL_GEN_BEGIN(g);
    AL_GEN_YIELD(g, &f->req);
    AL_GEN_END(g);
}

/* ---- the coroutine -------------------------------------------------------------- */

struct my_coroutine {
    al_gen gen;
    struct tiny_loop *loop;       /* only for its clock, to print the time */
    struct sleep_frame sleep;     /* the generator we delegate to lives in our frame */
    int rc;
};

static int my_coroutine(al_gen *g) {
    struct my_coroutine *f = (struct my_coroutine *)g;
    char now[40];
    char line[80];                                                 /* viewer */
    AL_GEN_BEGIN(g);
    printf("Start coroutine %s\n", tiny_timestamp(f->loop, now, sizeof now));
    snprintf(line, sizeof line, "Start coroutine %s", now);        /* viewer */
    tiny_trace_output(tiny_now(f->loop), 1, line);                  /* viewer */

    /* yield from sleep(1): run the sleep generator, pass each of its yields
     * straight up to the loop and each resume straight back down to it. */
    f->sleep.req.us = 1000000;
    al_gen_init(&f->sleep.gen, tiny_sleep);
    f->rc = al_gen_next(&f->sleep.gen, NULL);
    while (f->rc == AL_GEN_YIELDED) {
        AL_GEN_YIELD(g, f->sleep.gen.value);
        f->rc = al_gen_send(&f->sleep.gen, AL_GEN_SENT(g), NULL);
    }

    printf("End coroutine %s\n", tiny_timestamp(f->loop, now, sizeof now));
    snprintf(line, sizeof line, "End coroutine %s", now);          /* viewer */
    tiny_trace_output(tiny_now(f->loop), 1, line);                  /* viewer */
    AL_GEN_END(g);
}

int main(int argc, char **argv) {
    int virtual_clock = 0;
    for (int i = 1; i < argc; i++) {
        int help = strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0;
        if (strcmp(argv[i], "--virtual") == 0) {
            virtual_clock = 1;
        } else {
            fprintf(help ? stdout : stderr,
                    "usage: generator_coroutine [--virtual]\n"
                    "  A generator-based coroutine sleeps one second on a tiny event loop.\n"
                    "  --virtual  the loop jumps over the wait instead of sleeping\n");
            if (!help) fprintf(stderr, "generator_coroutine: unknown option '%s'\n", argv[i]);
            return help ? 0 : 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);   /* each line shows when it happens, even in a pipe */

    struct tiny_loop loop;
    tiny_init(&loop, virtual_clock);
    tiny_trace_start("generator_coroutine", virtual_clock);        /* viewer */
    struct my_coroutine coro = {.loop = &loop};
    al_gen_init(&coro.gen, my_coroutine);
    int rc = tiny_run_until_complete(&loop, &coro.gen);
    tiny_trace_finish();                                           /* viewer */
    if (rc < 0) {
        fprintf(stderr, "generator_coroutine: %s\n", al_strerror(rc));
        return 1;
    }
    return 0;
}
