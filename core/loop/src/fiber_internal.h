/* fiber_internal.h — what fiber.c, stack_pool.c and the fiber_<cpu>.S files
 * share, and the test hooks test_fiber.c needs. Not a public header.
 *
 * The split: stack_pool.c owns memory (slabs, guard pages, canaries, the free
 * list); fiber_<cpu>.S owns the register-level view of a stack (the switch and
 * the first frame of a new fiber); fiber.c ties them into al_fiber and owns
 * everything that must know about threads, signals and sanitizers.
 */
#ifndef ASYNCLAB_FIBER_INTERNAL_H
#define ASYNCLAB_FIBER_INTERNAL_H

#include "asynclab/fiber.h"

#include <stddef.h>

/* ---- build-time detection of the sanitizers we annotate for ------------- */

/* clang spells it __has_feature, gcc defines __SANITIZE_ADDRESS__. The two
 * #if levels matter: gcc before 14 cannot parse __has_feature(...) at all. */
#if defined(__SANITIZE_ADDRESS__)
#define AL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AL_ASAN 1
#endif
#endif
#ifndef AL_ASAN
#define AL_ASAN 0
#endif

/* Valgrind's client requests are a few no-op instructions when not running
 * under Valgrind, so we use them whenever the headers are installed. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>) && __has_include(<valgrind/memcheck.h>)
#define AL_VALGRIND 1
#endif
#endif
#ifndef AL_VALGRIND
#define AL_VALGRIND 0
#endif

/* ---- stacks (stack_pool.c) ----------------------------------------------- */

/* One stack of a pool. The stack grows down from lo + size towards lo; the
 * `guard` bytes just below lo are PROT_NONE, or, when guard == 0, the word at
 * lo holds a canary instead. */
typedef struct al_stack {
    unsigned char *lo;          /* lowest usable address */
    size_t size;                /* usable bytes */
    size_t guard;               /* PROT_NONE bytes below lo; 0 = canary mode */
    struct al_stack *next_free; /* free-list link while in the pool */
} al_stack;

/* A stack for a new fiber: recycled if one is free, else carved from a new
 * slab. A canary-mode stack has its canary (re)written. 0 or -ENOMEM. */
int  al__stack_acquire(al_stack_pool *pool, al_stack **out);
/* Back on the pool's free list (LIFO: its pages are the warmest). */
void al__stack_release(al_stack_pool *pool, al_stack *stack);
/* 1 if the stack has a guard page or its canary is intact, 0 if smashed. */
int  al__stack_canary_ok(const al_stack *stack);
/* Under Valgrind a pool makes at most this many guard pages: Valgrind's
 * address-space manager tracks about 30,000 mappings in all and exits
 * ("VG_N_SEGMENTS is too low") past that, and each guard costs two. */
#define AL__VALGRIND_GUARD_BUDGET 8192

/* Test hook: how many guard pages this pool may make in all (default
 * AL_GUARD_BUDGET); 0 forces canary mode for every slab made from now on. */
void al__stack_pool_set_guard_budget(al_stack_pool *pool, size_t budget);

/* ---- the CPU-specific part (fiber_<cpu>.S) ------------------------------- */

/* Prepare `ctx` so that the first al_context_switch() into it runs fn(arg)
 * on the stack whose highest address is `top`. fn must never return (if it
 * does, the CPU traps). */
void al__context_make(al_context *ctx, void *top, void (*fn)(void *), void *arg);
/* al_context_switch that also hands `value` to the other side: its own call
 * of al__context_transfer returns it. */
int al__context_transfer(al_context *from, al_context *to, int value);

#endif
