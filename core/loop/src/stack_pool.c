/* stack_pool.c — where fiber stacks come from (see asynclab/fiber.h).
 *
 * A fiber needs a stack of its own, and a server may run 100,000 of them, so
 * stacks are not malloc'd one by one: they are carved from slabs, one
 * mmap(MAP_NORESERVE) of SLAB_STACKS stacks each. Untouched pages cost no
 * memory, so an idle fiber costs the one or two pages it actually used.
 *
 * Slab layout, addresses growing to the right (stacks grow to the left):
 *
 *     | guard | stack 0 | guard | stack 1 | ... | guard | stack 63 |
 *
 * Each guard page is made PROT_NONE, so running off the bottom of a stack
 * faults at once (fiber.c turns the fault into a readable report). But every
 * mprotect() splits the mapping in two, and a process may hold only
 * vm.max_map_count (65530) mappings. So a pool makes at most AL_GUARD_BUDGET
 * guard pages; stacks of later slabs leave their guard slot as ordinary
 * memory (never touched, so free) and get a canary at their lowest usable
 * address instead, which fiber.c checks whenever the fiber switches out. A
 * canary detects an overflow late rather than at once, but that is the price
 * of not running out of mappings.
 *
 * The canary is *zero*: the lowest CANARY_BYTES of the stack must still read
 * as zero, which fresh anonymous memory does. Reading an untouched page maps
 * the kernel's shared zero page, so this canary costs neither memory nor a
 * write fault. A magic value would have to be written into every stack's
 * bottom page: one more page of RSS per fiber and a page fault each, which
 * measured 0.11 s of the 0.31 s it took to create 100,000 fibers here. The
 * price: an overflow that writes nothing but zeros over those bytes goes
 * unseen (return addresses and frame pointers, which any deep call chain
 * leaves behind, are never zero). If mprotect() itself runs out
 * of mappings (several pools in one process), the pool falls back to
 * canaries early rather than failing; under Valgrind, which can track
 * fewer mappings still, the budget is AL__VALGRIND_GUARD_BUDGET.
 *
 * Freed stacks go on a LIFO free list, without madvise(MADV_DONTNEED): the
 * next fiber reuses the most recently used, still cached, pages, and a
 * create/destroy pair costs no system call. Slabs are unmapped only when the
 * pool is freed.
 */
#include "fiber_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#if AL_VALGRIND
#include <valgrind/valgrind.h>
#endif

#define SLAB_STACKS 64

/* The canary: the lowest bytes of a canary-mode stack, which must stay zero. */
#define CANARY_BYTES 64

/* The canary is read and written outside the fiber that owns the stack; ASan
 * may still hold stale redzones for that memory, and they do not apply. */
#if AL_ASAN
#define NO_ASAN __attribute__((no_sanitize_address))
#else
#define NO_ASAN
#endif

typedef struct slab {
    struct slab *next;
    unsigned char *mem;
    size_t len;
    al_stack stacks[SLAB_STACKS];
} slab;

struct al_stack_pool {
    size_t stack_size;    /* usable bytes per stack, a whole number of pages */
    size_t page;
    size_t guarded;       /* stacks given a guard page so far */
    size_t guard_budget;  /* the most guard pages this pool may make */
    size_t in_use;        /* stacks handed out and not yet released */
    al_stack *free_list;
    slab *slabs;
};

int al_stack_pool_new(al_stack_pool **out, size_t stack_size) {
    if (!out) return -EINVAL;
    *out = NULL;
    if (stack_size == 0) stack_size = AL_FIBER_DEFAULT_STACK;
    if (stack_size < AL_FIBER_MIN_STACK) return -EINVAL;
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0) page = 4096;
    size_t p = (size_t)page;
    /* A slab holds SLAB_STACKS slots of (guard page + stack): make sure
     * that product fits in a size_t before rounding anything. */
    if (stack_size > SIZE_MAX / SLAB_STACKS - 2 * p) return -ENOMEM;
    stack_size = (stack_size + p - 1) / p * p;

    al_stack_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return -ENOMEM;
    pool->stack_size = stack_size;
    pool->page = p;
    pool->guard_budget = AL_GUARD_BUDGET;
#if AL_VALGRIND
    if (RUNNING_ON_VALGRIND) pool->guard_budget = AL__VALGRIND_GUARD_BUDGET;
#endif
    *out = pool;
    return 0;
}

int al_stack_pool_free(al_stack_pool *pool) {
    if (!pool) return -EINVAL;
    if (pool->in_use > 0) return -EBUSY;
    slab *s = pool->slabs;
    while (s) {
        slab *next = s->next;
        munmap(s->mem, s->len);
        free(s);
        s = next;
    }
    free(pool);
    return 0;
}

size_t al_stack_pool_stack_size(const al_stack_pool *pool) {
    return pool ? pool->stack_size : 0;
}

size_t al_stack_pool_guarded(const al_stack_pool *pool) {
    return pool ? pool->guarded : 0;
}

void al__stack_pool_set_guard_budget(al_stack_pool *pool, size_t budget) {
    if (pool) pool->guard_budget = budget;
}

/* Map a new slab, give its stacks guard pages while the budget lasts, and
 * put them all on the free list. */
static int add_slab(al_stack_pool *pool) {
    slab *s = malloc(sizeof *s);
    if (!s) return -ENOMEM;
    size_t slot = pool->page + pool->stack_size;
    s->len = slot * SLAB_STACKS;
    /* MAP_NORESERVE: the memory is promised page by page as it is touched,
     * so 100,000 mostly idle stacks do not need 100,000 stacks of swap. */
    void *mem = mmap(NULL, s->len, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) {
        free(s);
        return -ENOMEM;
    }
    s->mem = mem;

    for (size_t i = 0; i < SLAB_STACKS; i++) {
        unsigned char *base = s->mem + i * slot;
        al_stack *st = &s->stacks[i];
        st->lo = base + pool->page;
        st->size = pool->stack_size;
        st->guard = 0;
        if (pool->guarded < pool->guard_budget) {
            if (mprotect(base, pool->page, PROT_NONE) == 0) {
                st->guard = pool->page;
                pool->guarded++;
            } else {
                /* Out of mappings (ENOMEM): stop trying, use canaries. */
                pool->guard_budget = pool->guarded;
            }
        }
    }
    /* Push in reverse so the lowest stack is handed out first. */
    for (size_t i = SLAB_STACKS; i-- > 0;) {
        s->stacks[i].next_free = pool->free_list;
        pool->free_list = &s->stacks[i];
    }
    s->next = pool->slabs;
    pool->slabs = s;
    return 0;
}

NO_ASAN int al__stack_canary_ok(const al_stack *stack) {
    if (stack->guard) return 1;
#if AL_VALGRIND
    /* Memcheck marks popped frames inaccessible; if the fiber's frames ever
     * reached down here, reading the canary would be reported. */
    VALGRIND_DISABLE_ERROR_REPORTING;
#endif
    const volatile uint64_t *w = (const volatile uint64_t *)(const void *)stack->lo;
    uint64_t seen = 0;
    for (size_t i = 0; i < CANARY_BYTES / sizeof *w; i++) seen |= w[i];
#if AL_VALGRIND
    VALGRIND_ENABLE_ERROR_REPORTING;
#endif
    return seen == 0;
}

int al__stack_acquire(al_stack_pool *pool, al_stack **out) {
    if (!pool->free_list) {
        int rc = add_slab(pool);
        if (rc < 0) return rc;
    }
    al_stack *stack = pool->free_list;
    pool->free_list = stack->next_free;
    stack->next_free = NULL;
    /* Nothing to write for the canary: fresh memory is zero, and a recycled
     * stack's canary was checked (still zero) every time its fiber left. */
    pool->in_use++;
    *out = stack;
    return 0;
}

void al__stack_release(al_stack_pool *pool, al_stack *stack) {
    stack->next_free = pool->free_list;
    pool->free_list = stack;
    pool->in_use--;
}
