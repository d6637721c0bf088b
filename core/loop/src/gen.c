/* gen.c — driving a stackless generator (the macros are in asynclab/gen.h).
 *
 * The generator's body is an ordinary function that returns at every yield;
 * al_gen_send() just calls it again, and the switch at the top of the body
 * jumps to the case label of the yield it returned from.
 */
#include "asynclab/gen.h"

#include <stddef.h>

#include "asynclab/error.h"

void al_gen_init(al_gen *g, al_gen_fn fn) {
    g->fn = fn;
    g->line = 0;
    g->value = 0;
    g->sent = 0;
}

int al_gen_send(al_gen *g, intptr_t value, intptr_t *out) {
    if (!g || !g->fn) return -EINVAL;
    if (g->line == AL_GEN__DONE_LINE) return -ENODATA;
    if (g->line == 0 && value != 0) return -EINVAL;  /* nothing is waiting for it yet */
    g->sent = value;
    int rc = g->fn(g);
    if (out) *out = g->value;
    if (rc == AL_GEN_YIELDED) return AL_GEN_YIELDED;
    g->line = AL_GEN__DONE_LINE;
    return rc > 0 ? 0 : rc;
}

int al_gen_next(al_gen *g, intptr_t *out) { return al_gen_send(g, 0, out); }

int al_gen_close(al_gen *g) {
    if (!g || !g->fn) return -EINVAL;
    if (g->line == AL_GEN__DONE_LINE) return 0;
    if (g->line == 0) {          /* never started: nothing to clean up */
        g->line = AL_GEN__DONE_LINE;
        return 0;
    }
    g->line = AL_GEN__CLOSE_LINE;
    g->sent = 0;
    int rc = g->fn(g);
    g->line = AL_GEN__DONE_LINE;
    if (rc == AL_GEN_YIELDED) return -EPROTO;  /* it yielded while closing: Python's RuntimeError */
    return rc > 0 ? 0 : rc;
}

int al_gen_finished(const al_gen *g) { return g && g->line == AL_GEN__DONE_LINE; }
