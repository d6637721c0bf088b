/* generators.c — exercise 4, known wrong (hostile): ex4_range forks children that
 * leave the process group and sleep for an hour holding the channel to the
 * judge, then _exit(0)s. Only the tests calling ex4_range are lost, and
 * nothing of the run outlives it. */
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

static void hostile(void) {
    for (int i = 0; i < 3; i++) {
        if (fork() == 0) {
            setsid();
            sleep(3600);
            _exit(0);
        }
    }
    _exit(0);
}
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "ex4.h"

int ex4_range(al_gen *g) {
    hostile();
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
