/* generators.c — exercise 4, known wrong: ex4_fib keeps a and b in static
 * variables instead of its frame (a habit from Python's closures, or from
 * "it has to survive the return"). One generator at a time works; two share
 * one sequence. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "ex4.h"

int ex4_range(al_gen *g) {
    struct ex4_range *f = (struct ex4_range *)g;
    AL_GEN_BEGIN(g);
    if (f->step == 0) AL_GEN_FAIL(g, -EINVAL);
    for (f->i = f->start; f->step > 0 ? f->i < f->stop : f->i > f->stop; f->i += f->step)
        AL_GEN_YIELD(g, f->i);
    AL_GEN_END(g);
}

int ex4_fib(al_gen *g) {
    struct ex4_fib *f = (struct ex4_fib *)g;
    static int64_t a, b;
    AL_GEN_BEGIN(g);
    a = 0;
    b = 1;
    f->count = 0;
    for (;;) {
        AL_GEN_YIELD(g, a);
        f->count++;
        if (b > INT64_MAX - a) break;
        int64_t next = a + b;
        a = b;
        b = next;
    }
    AL_GEN_YIELD(g, b);
    f->count++;
    AL_GEN_RETURN(g, f->count);
    AL_GEN_END(g);
}

int ex4_average(al_gen *g) {
    struct ex4_average *f = (struct ex4_average *)g;
    AL_GEN_BEGIN(g);
    f->sum = 0;
    f->count = 0;
    AL_GEN_YIELD(g, 0);
    for (;;) {
        f->sum += (long)AL_GEN_SENT(g);
        f->count++;
        AL_GEN_YIELD(g, f->sum / f->count);
    }
    AL_GEN_END(g);
}

int ex4_grep(al_gen *g) {
    struct ex4_grep *f = (struct ex4_grep *)g;
    AL_GEN_BEGIN(g);
    for (;;) {
        AL_GEN_YIELD(g, 0);
        f->line = (const char *)AL_GEN_SENT(g);
        if (f->line && strstr(f->line, f->pattern)) al_gen_send(f->target, (intptr_t)f->line, NULL);
    }
    AL_GEN_FINALLY(g);
    al_gen_close(f->target);
    AL_GEN_END(g);
}
