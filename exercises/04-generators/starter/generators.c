/* generators.c — exercise 4: write the four generators described in ex4.h.
 *
 * Each body goes between AL_GEN_BEGIN and AL_GEN_END. Remember the rules of
 * the trick (gen.h): locals do not survive a yield (use the frame), at most
 * one AL_GEN_YIELD per line, no yield inside a switch of your own.
 *
 * Grade it:  asynclab grade 4      (or: asynclab watch 4) */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "ex4.h"

int ex4_range(al_gen *g) {
    struct ex4_range *f = (struct ex4_range *)g;
    (void)f;
    AL_GEN_BEGIN(g);
    /* TODO: fail on step 0; yield f->start, f->start + f->step, ... */
    AL_GEN_END(g);
}

int ex4_fib(al_gen *g) {
    struct ex4_fib *f = (struct ex4_fib *)g;
    (void)f;
    AL_GEN_BEGIN(g);
    /* TODO: yield 0, 1, 1, 2, ... up to F(92); return the count with AL_GEN_RETURN */
    AL_GEN_END(g);
}

int ex4_average(al_gen *g) {
    struct ex4_average *f = (struct ex4_average *)g;
    (void)f;
    AL_GEN_BEGIN(g);
    /* TODO: yield 0, then the running average of what was sent */
    AL_GEN_END(g);
}

int ex4_grep(al_gen *g) {
    struct ex4_grep *f = (struct ex4_grep *)g;
    (void)f;
    AL_GEN_BEGIN(g);
    /* TODO: receive lines, pass the matching ones on to f->target;
     * close f->target in AL_GEN_FINALLY */
    AL_GEN_END(g);
}
