/* send_demo.c — lesson 4: talking *into* a generator, and how one ends.
 *
 * next() only takes values out. send() also puts one in: the paused yield
 * "returns" the value sent (AL_GEN_SENT). That two-way door is what makes a
 * generator a coroutine — the event loop sends each result (a timer fired,
 * data arrived) into the coroutine that was waiting for it.
 *
 * Three things are shown, each with what Python would do:
 *   1. a running average fed by send(); sending before the first next() is
 *      refused (-EINVAL, Python's TypeError);
 *   2. close(): the paused generator is resumed at its FINALLY section so it
 *      can clean up (Python's GeneratorExit + finally); then it is finished;
 *   3. exhaustion: a countdown that returns a value. The first next() past
 *      the end reports "finished" with the return value (StopIteration with
 *      a value); every next() after that gives -ENODATA (StopIteration again).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "asynclab/error.h"
#include "asynclab/gen.h"

/* ---- 1 and 2: a running average ------------------------------------------ */

struct averager {
    al_gen gen;
    double total;
    long count;
    double average;
};

/* Python: average = None; while True: value = yield average; ...  */
static int averager(al_gen *g) {
    struct averager *f = (struct averager *)g;
    AL_GEN_BEGIN(g);
    for (;;) {
        /* Yields a pointer to the average in our frame (NULL before the
         * first value, Python's None) and pauses; resumes with the sent value. */
        AL_GEN_YIELD(g, f->count ? &f->average : NULL);
        f->total += (double)AL_GEN_SENT(g);
        f->count++;
        f->average = f->total / (double)f->count;
    }
    AL_GEN_FINALLY(g);
    /* Reached only through close(): the loop above never ends by itself. */
    printf("  averager: finally: %ld values seen, cleaning up\n", f->count);
    AL_GEN_END(g);
}

/* ---- 3: a countdown that runs out ------------------------------------------ */

struct countdown {
    al_gen gen;
    int n;
};

static int countdown(al_gen *g) {
    struct countdown *f = (struct countdown *)g;
    AL_GEN_BEGIN(g);
    for (; f->n > 0; f->n--) AL_GEN_YIELD(g, f->n);
    AL_GEN_RETURN(g, "liftoff");        /* Python: return "liftoff" */
    AL_GEN_END(g);
}

static void send_and_print(struct averager *avg, int value) {
    intptr_t out = 0;
    int rc = al_gen_send(&avg->gen, value, &out);
    if (rc == AL_GEN_YIELDED && out)
        printf("send(avg, %d) -> average %.1f\n", value, *(const double *)out);
    else
        printf("send(avg, %d) -> unexpected %s\n", value, rc < 0 ? al_errname(rc) : "result");
}

int main(int argc, char **argv) {
    if (argc > 1) {
        int help = strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0;
        fprintf(help ? stdout : stderr,
                "usage: send_demo\n"
                "  Sends values into a generator, closes one, and runs one to exhaustion.\n");
        return help ? 0 : 2;
    }
    intptr_t out = 0;
    int rc;

    printf("-- send: a running average that receives its numbers --\n");
    struct averager avg = {0};
    al_gen_init(&avg.gen, averager);
    rc = al_gen_send(&avg.gen, 10, &out);
    printf("send(avg, 10) before it started: -%s (Python: TypeError, no yield is waiting yet)\n",
           al_errname(rc));
    rc = al_gen_next(&avg.gen, &out);
    if (rc == AL_GEN_YIELDED && !out)
        printf("next(avg): runs to its first yield and pauses there; no average yet (Python's None)\n");
    send_and_print(&avg, 10);
    send_and_print(&avg, 30);
    send_and_print(&avg, 5);
    printf("close(avg):\n");
    rc = al_gen_close(&avg.gen);
    printf("close returned %d; finished: %s\n", rc, al_gen_finished(&avg.gen) ? "yes" : "no");
    rc = al_gen_send(&avg.gen, 7, &out);
    printf("send(avg, 7) after close: -%s (Python: StopIteration, a closed generator is finished)\n",
           al_errname(rc));

    printf("\n-- exhaustion: a countdown that runs out --\n");
    struct countdown cd = {.n = 3};
    al_gen_init(&cd.gen, countdown);
    while ((rc = al_gen_next(&cd.gen, &out)) == AL_GEN_YIELDED)
        printf("next(cd) -> %ld\n", (long)out);
    printf("next(cd): finished (%d), return value \"%s\" (Python: StopIteration('%s'))\n",
           rc, (const char *)out, (const char *)out);
    rc = al_gen_next(&cd.gen, &out);
    printf("next(cd) again: -%s (Python: StopIteration again; a finished generator stays finished)\n",
           al_errname(rc));
    return 0;
}
