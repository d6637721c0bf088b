/* asynclab/fiber.h — stackful coroutines: a stack of their own and a
 * hand-written context switch.
 *
 * This is the layer under AL_TASK_FIBER tasks; the scheduler uses it, and
 * lessons and benchmarks may use it directly. A fiber runs entry(arg) on its
 * own stack. al_fiber_resume() switches from the caller into the fiber;
 * al_fiber_yield() (inside the fiber) switches back to whoever resumed it.
 *
 * Contract
 *   Stacks     come from an al_stack_pool (one per loop): stacks are carved
 *              from large mmap'd slabs and recycled. Each stack gets a guard
 *              page (PROT_NONE) below it while the process's mapping budget
 *              allows: each guard costs a mapping and vm.max_map_count is
 *              65530 here, so guards stop at AL_GUARD_BUDGET stacks per pool.
 *              Stacks beyond the budget get a canary instead: their lowest
 *              64 bytes must still read as zero (fresh memory does, for free)
 *              every time the fiber switches out (stack_pool.c says why zero).
 *   Overflow   touching a guard page is caught by a SIGSEGV handler running
 *              on an alternate signal stack; it prints
 *                "asynclab: stack overflow in fiber 'NAME' (stack N bytes)"
 *              and the process dies with SIGSEGV. A broken canary prints
 *                "asynclab: stack overflow in fiber 'NAME' (canary smashed)"
 *              and aborts. Overflow is memory corruption: there is no safe way
 *              to continue.
 *   Switch     x86-64 and aarch64 in assembly (fiber_<cpu>.S): saves only the
 *              callee-saved registers (plus the FP control words), so a
 *              switch costs a few ns and no system call (glibc's swapcontext
 *              saves the signal mask with a syscall).
 *   Sanitizers ASan is told about every switch (__sanitizer_start/finish_
 *              switch_fiber); Valgrind gets VALGRIND_STACK_REGISTER per stack.
 *   Threading  fibers belong to the thread that created them.
 *   Errors     -EINVAL (NULL, stack too small), -ENOMEM (mmap failed),
 *              -EBUSY (destroying a pool with stacks in use).
 */
#ifndef ASYNCLAB_FIBER_H
#define ASYNCLAB_FIBER_H

#include <stddef.h>
#include <stdint.h>

typedef struct al_fiber al_fiber;
typedef struct al_stack_pool al_stack_pool;
typedef void (*al_fiber_entry)(void *arg);

#define AL_FIBER_DEFAULT_STACK (64 * 1024)
#define AL_FIBER_MIN_STACK (16 * 1024)
#define AL_GUARD_BUDGET 16384

/* stack_size = 0: AL_FIBER_DEFAULT_STACK. All stacks of a pool have one size
 * (rounded up to whole pages). */
int  al_stack_pool_new(al_stack_pool **out, size_t stack_size);
/* -EBUSY (and nothing freed) while fibers still use its stacks. */
int  al_stack_pool_free(al_stack_pool *pool);
size_t al_stack_pool_stack_size(const al_stack_pool *pool);
size_t al_stack_pool_guarded(const al_stack_pool *pool);   /* stacks with a guard page */

/* A fiber that will run entry(arg) when first resumed. `name` is kept by
 * pointer (must outlive the fiber) and only used in overflow reports. */
int  al_fiber_create(al_fiber **out, al_stack_pool *pool, al_fiber_entry entry,
                     void *arg, const char *name);
/* Return the stack to the pool. A fiber that has not finished is discarded
 * as it is (its stack is not unwound). */
void al_fiber_destroy(al_fiber *fiber);

/* Switch into the fiber until it yields or its entry returns.
 * Returns 1 if it yielded (can be resumed again), 0 if it finished,
 * -EINVAL for a finished fiber or a resume from inside itself. */
int  al_fiber_resume(al_fiber *fiber);
/* Inside a fiber: switch back to the resumer. -EPERM outside any fiber. */
int  al_fiber_yield(void);
/* The fiber running on this thread, or NULL on the thread's own stack. */
al_fiber *al_fiber_current(void);
int  al_fiber_finished(const al_fiber *fiber);

/* The raw switch, for benchmarks and the curious: see fiber_x86_64.S. */
typedef struct al_context { void *sp; } al_context;
void al_context_switch(al_context *from, al_context *to);
/* Prepare ctx so that the first al_context_switch() into it runs fn(arg) on
 * the stack that ends at stack_top (16-byte aligned). fn must never return:
 * it switches away for good instead. No sanitizer annotations: fibers are
 * the safe interface, this is the bare mechanism. */
void al_context_make(al_context *ctx, void *stack_top, void (*fn)(void *), void *arg);

#endif
