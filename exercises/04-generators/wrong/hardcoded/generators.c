/* generators.c — exercise 4, known wrong : ex4_range knows the visible tests' answers by
 * heart (a table keyed on start, stop and step) and yields nothing for any
 * other range. It passes every visible range test and loses every hidden
 * twin, whose ranges are drawn at run time. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ex4.h"

static const struct { long start, stop, step; int fail; } known[] = {
    {0, 5, 1, 0}, {3, 3, 1, 0}, {5, 2, 1, 0}, {0, 2, 1, 0}, {1, 10, 3, 0}, {-5, 6, 5, 0},
    {5, 0, -2, 0}, {2, -2, -1, 0}, {0, 5, -1, 0}, {0, 5, 0, 1},
};

static int is_known(const struct ex4_range *f) {
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (known[i].start == f->start && known[i].stop == f->stop && known[i].step == f->step)
            return known[i].fail ? -1 : 1;
    return 0;
}
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "ex4.h"

int ex4_range(al_gen *g) {
    if (g->line == 0 && is_known((struct ex4_range *)g) == 0) { g->line = AL_GEN__DONE_LINE; return 0; }
    struct ex4_range *f = (struct ex4_range *)g;
    AL_GEN_BEGIN(g);
    if (f->step == 0) AL_GEN_FAIL(g, -EINVAL);
    for (f->i = f->start; f->step > 0 ? f->i < f->stop : f->i > f->stop; f->i += f->step)
        AL_GEN_YIELD(g, f->i);
    AL_GEN_END(g);
}

int ex4_fib(al_gen *g) {
    struct ex4_fib *f = (struct ex4_fib *)g;
    AL_GEN_BEGIN(g);
    f->a = 0;
    f->b = 1;
    f->count = 0;
    for (;;) {
        AL_GEN_YIELD(g, f->a);
        f->count++;
        /* The next one, a + b, would not fit: a is the last we may yield.
         * Check before adding: signed overflow is undefined behaviour. */
        if (f->b > INT64_MAX - f->a) break;
        int64_t next = f->a + f->b;
        f->a = f->b;
        f->b = next;
    }
    /* a (now F(91)) was yielded; b = F(92) still fits. */
    AL_GEN_YIELD(g, f->b);
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
