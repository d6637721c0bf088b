/* asynclab/gen.h — stackless generators in a few macros (Tatham / Protothreads).
 *
 * A generator is a function that can stop in the middle (yield a value),
 * return to its caller, and later continue from exactly where it stopped.
 * C has no such thing, so we build it from a `switch` whose `case` labels
 * are placed *inside* the function body: resuming = jumping to the case of
 * the last yield. This is Simon Tatham's "Coroutines in C" trick.
 *
 *   struct count_frame { al_gen gen; int i; int n; };   // al_gen comes first
 *
 *   static int count(al_gen *g) {
 *       struct count_frame *f = (struct count_frame *)g;
 *       AL_GEN_BEGIN(g);
 *       for (f->i = 0; f->i < f->n; f->i++)
 *           AL_GEN_YIELD(g, f->i);
 *       AL_GEN_END(g);
 *   }
 *
 *   struct count_frame f = { .n = 3 };
 *   al_gen_init(&f.gen, count);
 *   intptr_t v;
 *   while (al_gen_next(&f.gen, &v) == AL_GEN_YIELDED) printf("%ld\n", (long)v);
 *
 * Contract
 *   Frame      the caller owns the frame struct (al_gen first, then whatever
 *              must survive a yield). The generator never allocates.
 *   Values     intptr_t: an integer, or a pointer cast to intptr_t.
 *   next       resume until the next yield: AL_GEN_YIELDED (1) and the value,
 *              or finished: 0 and the return value (AL_GEN_RETURN, else 0), or
 *              a negative errno the body failed with (AL_GEN_FAIL).
 *   send       like next, but the paused AL_GEN_YIELD evaluates to the value
 *              sent (read it with AL_GEN_SENT(g)). Sending a non-zero value to
 *              a generator that has not started is -EINVAL (Python's TypeError).
 *   close      if the generator is paused, resume it *at its AL_GEN_FINALLY
 *              section* (if it has one) and run that to the end; a closed
 *              generator is finished. Closing a finished one is a no-op.
 *   exhausted  next/send on a finished generator return -ENODATA.
 *
 * Limits (inherent to the trick; shown in tests/unit/test_gen.c)
 *   1. Locals do not survive a yield: the function really returns. Keep
 *      anything needed after a yield in the frame.
 *   2. No yield inside a `switch` statement of your own: its case labels
 *      would capture the resume jump. Use if/else there.
 *   3. One generator body per function, and at most one AL_GEN_YIELD per
 *      source line (the line number is the resume label).
 *   4. AL_GEN_RETURN and AL_GEN_FAIL return at once: they do not run the
 *      FINALLY section. Cleanup that must always run goes in FINALLY and
 *      is reached by falling off the body (or by close).
 */
#ifndef ASYNCLAB_GEN_H
#define ASYNCLAB_GEN_H

#include <stdint.h>

typedef struct al_gen al_gen;
typedef int (*al_gen_fn)(al_gen *g);

struct al_gen {
    al_gen_fn fn;
    int line;        /* resume point: 0 = not started, -1 = finished, -2 = closing */
    intptr_t value;  /* last yielded value, or the return value */
    intptr_t sent;   /* value passed in by al_gen_send */
};

#define AL_GEN_YIELDED 1
#define AL_GEN__DONE_LINE (-1)
#define AL_GEN__CLOSE_LINE (-2)

#define AL_GEN_BEGIN(g) switch ((g)->line) { case 0:

#define AL_GEN_YIELD(g, v)                              \
    do {                                                \
        (g)->value = (intptr_t)(v);                     \
        (g)->line = __LINE__;                           \
        return AL_GEN_YIELDED;                          \
        case __LINE__:;                                 \
    } while (0)

/* The value the caller sent into the most recent yield (0 after next). */
#define AL_GEN_SENT(g) ((g)->sent)

/* Cleanup section: reached by falling off the body, or by al_gen_close()
 * while paused. */
#define AL_GEN_FINALLY(g) __attribute__((fallthrough)); case AL_GEN__CLOSE_LINE:

#define AL_GEN_RETURN(g, v)                             \
    do {                                                \
        (g)->value = (intptr_t)(v);                     \
        (g)->line = AL_GEN__DONE_LINE;                  \
        return 0;                                       \
    } while (0)

#define AL_GEN_FAIL(g, err)                             \
    do {                                                \
        (g)->value = 0;                                 \
        (g)->line = AL_GEN__DONE_LINE;                  \
        return (err) < 0 ? (err) : -(err);              \
    } while (0)

/* Closing a generator whose body was paused but has no FINALLY jumps to no
 * case at all and lands here, which is exactly "finished". */
#define AL_GEN_END(g)                                   \
    }                                                   \
    (g)->line = AL_GEN__DONE_LINE;                      \
    return 0

void al_gen_init(al_gen *g, al_gen_fn fn);
int  al_gen_next(al_gen *g, intptr_t *out);
int  al_gen_send(al_gen *g, intptr_t value, intptr_t *out);
int  al_gen_close(al_gen *g);
int  al_gen_finished(const al_gen *g);

#endif
