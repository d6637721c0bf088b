/* ex4.h — exercise 4: generators (given; do not change).
 *
 * Four generators on the core's stackless generators (core/include/
 * asynclab/gen.h, lesson 4). Each has a frame struct that the caller owns:
 * al_gen first, then everything that must survive a yield. The caller sets
 * the parameters, calls al_gen_init(&frame.gen, fn) and drives it with
 * al_gen_next / al_gen_send / al_gen_close.
 */
#ifndef EX4_H
#define EX4_H

#include <stdint.h>

#include <asynclab/gen.h>

/* Python's range(start, stop, step): yields start, start + step, ... while
 * the value is below stop (step > 0) or above it (step < 0), then finishes
 * with return value 0. A step of 0 fails at the first next with -EINVAL
 * (AL_GEN_FAIL). */
struct ex4_range {
    al_gen gen;
    long start, stop, step;   /* set by the caller */
    long i;                   /* yours */
};
int ex4_range(al_gen *g);

/* The Fibonacci numbers 0, 1, 1, 2, 3, 5, ... as int64_t, for as long as
 * they fit: the last one is F(92) = 7540113804746346429. Then it finishes
 * with the count of numbers it yielded as its return value (AL_GEN_RETURN). */
struct ex4_fib {
    al_gen gen;
    int64_t a, b;             /* yours */
    long count;               /* yours */
};
int ex4_fib(al_gen *g);

/* A running average fed with send (a "coroutine" in the Python sense).
 * Started with al_gen_next, it yields 0. Then every al_gen_send(g, x, &avg)
 * yields the average of all values sent so far, as a long rounded toward
 * zero (C's integer division). It never finishes on its own. */
struct ex4_average {
    al_gen gen;
    long sum, count;          /* yours */
};
int ex4_average(al_gen *g);

/* A pipeline stage: grep. Started with al_gen_next (yields 0), it receives
 * lines with al_gen_send(g, (intptr_t)line, NULL) and passes every line that
 * contains `pattern` on to `target` with al_gen_send (target is a started
 * generator). It yields 0 after each line. When grep is closed
 * (al_gen_close), it closes its target too (put that in AL_GEN_FINALLY). */
struct ex4_grep {
    al_gen gen;
    const char *pattern;      /* set by the caller */
    al_gen *target;           /* set by the caller */
    const char *line;         /* yours */
};
int ex4_grep(al_gen *g);

#endif
