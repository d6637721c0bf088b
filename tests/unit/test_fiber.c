/* test_fiber.c — stackful fibers, their stack pool and overflow reports.
 *
 * The overflow tests fork: an overflow must kill the process, so a child
 * overflows with its stderr on a pipe, and the test checks how the child died
 * and what it said. No AL_REQUIRE inside a fiber: a fatal check longjmps,
 * and that must not happen across stacks.
 */
#include "al_test.h"
#include "al_test_child.h"

#include "asynclab/fiber.h"
#include "../../core/loop/src/fiber_internal.h"   /* test hook: guard budget */

#include <errno.h>
#include <fenv.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#if AL_VALGRIND
#include <valgrind/valgrind.h>
#endif

/* Hides a value from the optimiser, so that work on it really happens. */
#define OPAQUE(p) __asm__ volatile("" : : "r"(p) : "memory")

/* ---- ping-pong ------------------------------------------------------------ */

struct pingpong {
    int log[16];
    int n;
    int to_fiber;    /* main -> fiber */
    int to_main;     /* fiber -> main */
    int inside_ok;   /* al_fiber_current() was the fiber every time */
    al_fiber *self;
};

static void pingpong_entry(void *arg) {
    struct pingpong *p = arg;
    for (int round = 0; round < 3; round++) {
        p->inside_ok &= al_fiber_current() == p->self;
        p->log[p->n++] = 100 + p->to_fiber;   /* what main sent */
        p->to_main = p->to_fiber * 2;
        al_fiber_yield();
    }
    p->log[p->n++] = 999;
}

/* A pool with the default stack size and one fiber on it (destroy the
 * fiber, then free the pool). */
static al_fiber *pool_and_fiber(al_stack_pool **pool, void (*entry)(void *), void *arg,
                                const char *name) {
    al_fiber *f = NULL;
    AL_CHECK_OK(al_stack_pool_new(pool, 0));
    AL_CHECK_OK(al_fiber_create(&f, *pool, entry, arg, name));
    return f;
}

AL_TEST(ping_pong_order_and_values) {
    al_stack_pool *pool;
    AL_CHECK_OK(al_stack_pool_new(&pool, 0));
    struct pingpong p = {.inside_ok = 1};
    AL_CHECK_OK(al_fiber_create(&p.self, pool, pingpong_entry, &p, "pingpong"));
    AL_CHECK(al_fiber_current() == NULL);
    for (int round = 0; round < 3; round++) {
        p.to_fiber = round + 1;
        p.log[p.n++] = round;
        AL_CHECK_INT(al_fiber_resume(p.self), ==, 1);
        AL_CHECK_INT(p.to_main, ==, (round + 1) * 2);
        AL_CHECK(al_fiber_current() == NULL);
    }
    AL_CHECK_INT(al_fiber_resume(p.self), ==, 0);
    int want[] = {0, 101, 1, 102, 2, 103, 999};
    AL_REQUIRE_INT(p.n, ==, 7);
    for (int i = 0; i < 7; i++) AL_CHECK_INT(p.log[i], ==, want[i]);
    AL_CHECK(p.inside_ok);
    al_fiber_destroy(p.self);
    AL_CHECK_INT(al_stack_pool_free(pool), ==, 0);
}

/* ---- resume results -------------------------------------------------------- */

static void yield_once(void *arg) {
    int *count = arg;
    (*count)++;
    al_fiber_yield();
    (*count)++;
}

AL_TEST(resume_returns_1_then_0_then_einval) {
    int count = 0;
    al_stack_pool *pool;
    al_fiber *f = pool_and_fiber(&pool, yield_once, &count, "once");
    AL_CHECK_INT(count, ==, 0);   /* created, not yet run */
    AL_CHECK_INT(al_fiber_finished(f), ==, 0);
    AL_CHECK_INT(al_fiber_resume(f), ==, 1);
    AL_CHECK_INT(count, ==, 1);
    AL_CHECK_INT(al_fiber_finished(f), ==, 0);
    AL_CHECK_INT(al_fiber_resume(f), ==, 0);
    AL_CHECK_INT(count, ==, 2);
    AL_CHECK_INT(al_fiber_finished(f), ==, 1);
    AL_CHECK_INT(al_fiber_resume(f), ==, -EINVAL);
    AL_CHECK_INT(al_fiber_resume(f), ==, -EINVAL);
    AL_CHECK_INT(count, ==, 2);
    al_fiber_destroy(f);
    AL_CHECK_INT(al_stack_pool_free(pool), ==, 0);
}

AL_TEST(yield_outside_a_fiber_is_eperm) {
    AL_CHECK(al_fiber_current() == NULL);
    AL_CHECK_INT(al_fiber_yield(), ==, -EPERM);
}

static void resume_self(void *arg) {
    int *rc = arg;
    *rc = al_fiber_resume(al_fiber_current());
}

AL_TEST(resume_from_inside_itself_is_einval) {
    int rc = 12345;
    al_stack_pool *pool;
    al_fiber *f = pool_and_fiber(&pool, resume_self, &rc, "self");
    AL_CHECK_INT(al_fiber_resume(f), ==, 0);
    AL_CHECK_INT(rc, ==, -EINVAL);
    al_fiber_destroy(f);
    AL_CHECK_INT(al_stack_pool_free(pool), ==, 0);
}

/* ---- nesting: a fiber resumes another ------------------------------------ */

struct nest {
    al_fiber *outer, *inner;
    int log[16];
    int n;
    int inner_saw_inner, outer_saw_outer, rc_outer_from_inner;
};

static void inner_entry(void *arg) {
    struct nest *s = arg;
    s->inner_saw_inner = al_fiber_current() == s->inner;
    /* The outer fiber is waiting in resume: it is running, not resumable. */
    s->rc_outer_from_inner = al_fiber_resume(s->outer);
    s->log[s->n++] = 2;
    al_fiber_yield();          /* back to outer, not to main */
    s->log[s->n++] = 5;
}

static void outer_entry(void *arg) {
    struct nest *s = arg;
    s->log[s->n++] = 1;
    int rc = al_fiber_resume(s->inner);
    s->log[s->n++] = rc == 1 ? 3 : -3;
    s->outer_saw_outer = al_fiber_current() == s->outer;
    al_fiber_yield();          /* back to main */
    rc = al_fiber_resume(s->inner);
    s->log[s->n++] = rc == 0 ? 6 : -6;
}

AL_TEST(nested_resume_yields_to_the_resumer) {
    al_stack_pool *pool;
    AL_CHECK_OK(al_stack_pool_new(&pool, 0));
    struct nest s = {0};
    AL_CHECK_OK(al_fiber_create(&s.outer, pool, outer_entry, &s, "outer"));
    AL_CHECK_OK(al_fiber_create(&s.inner, pool, inner_entry, &s, "inner"));
    AL_CHECK_INT(al_fiber_resume(s.outer), ==, 1);
    AL_CHECK(al_fiber_current() == NULL);
    s.log[s.n++] = 4;
    AL_CHECK_INT(al_fiber_resume(s.outer), ==, 0);
    int want[] = {1, 2, 3, 4, 5, 6};
    AL_REQUIRE_INT(s.n, ==, 6);
    for (int i = 0; i < 6; i++) AL_CHECK_INT(s.log[i], ==, want[i]);
    AL_CHECK(s.inner_saw_inner);
    AL_CHECK(s.outer_saw_outer);
    AL_CHECK_INT(s.rc_outer_from_inner, ==, -EINVAL);
    AL_CHECK_INT(al_fiber_finished(s.inner), ==, 1);
    al_fiber_destroy(s.inner);
    al_fiber_destroy(s.outer);
    AL_CHECK_INT(al_stack_pool_free(pool), ==, 0);
}

/* ---- many fibers; stacks are recycled ------------------------------------ */

#define MANY 1000

struct many {
    int runs;
    uintptr_t frame;   /* where the entry's frame was: identifies the stack */
};

static void many_entry(void *arg) {
    struct many *m = arg;
    m->frame = (uintptr_t)__builtin_frame_address(0);
    m->runs++;
    al_fiber_yield();
    m->runs++;
}

static int cmp_uptr(const void *a, const void *b) {
    uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
    return x < y ? -1 : x > y;
}

/* Create MANY fibers, resume each twice; return their frames, sorted. */
static void run_many(al_stack_pool *pool, struct many *m, al_fiber **f, uintptr_t *frames) {
    for (int i = 0; i < MANY; i++) {
        m[i].runs = 0;
        AL_CHECK_OK(al_fiber_create(&f[i], pool, many_entry, &m[i], "many"));
    }
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < MANY; i++)
            AL_CHECK_INT(al_fiber_resume(f[i]), ==, round == 0 ? 1 : 0);
    for (int i = 0; i < MANY; i++) {
        AL_CHECK_INT(m[i].runs, ==, 2);
        AL_CHECK_INT(al_fiber_finished(f[i]), ==, 1);
        frames[i] = m[i].frame;
    }
    qsort(frames, MANY, sizeof *frames, cmp_uptr);
}

AL_TEST(thousand_fibers_finish_and_stacks_are_recycled) {
    al_stack_pool *pool;
    AL_CHECK_OK(al_stack_pool_new(&pool, 0));
    static struct many m[MANY];
    static al_fiber *f[MANY];
    static uintptr_t first[MANY], second[MANY];

    run_many(pool, m, f, first);
    for (int i = 1; i < MANY; i++)   /* every fiber had a stack of its own */
        AL_CHECK_MSG(first[i] - first[i - 1] >= AL_FIBER_DEFAULT_STACK,
                     "stacks %d and %d overlap", i - 1, i);
    AL_CHECK_INT(al_stack_pool_free(pool), ==, -EBUSY);   /* all still alive */
    for (int i = 0; i < MANY; i++) al_fiber_destroy(f[i]);

    run_many(pool, m, f, second);    /* the same stacks, no new slabs */
    for (int i = 0; i < MANY; i++) AL_CHECK(first[i] == second[i]);
    AL_CHECK_INT(al_stack_pool_free(pool), ==, -EBUSY);
    for (int i = 0; i < MANY; i++) al_fiber_destroy(f[i]);
    AL_CHECK_INT(al_stack_pool_free(pool), ==, 0);
}

AL_TEST(latest_freed_stack_is_reused_first) {
    al_stack_pool *pool;
    AL_CHECK_OK(al_stack_pool_new(&pool, 0));
    struct many m[3] = {{0}};
    al_fiber *f[3];
    for (int i = 0; i < 3; i++) {
        AL_CHECK_OK(al_fiber_create(&f[i], pool, many_entry, &m[i], "lifo"));
        AL_CHECK_INT(al_fiber_resume(f[i]), ==, 1);
    }
    al_fiber_destroy(f[1]);   /* destroyed unfinished: just discarded */
    struct many again = {0};
    al_fiber *g;
    AL_CHECK_OK(al_fiber_create(&g, pool, many_entry, &again, "lifo"));
    AL_CHECK_INT(al_fiber_resume(g), ==, 1);
    AL_CHECK(again.frame == m[1].frame);
    AL_CHECK_INT(al_fiber_resume(g), ==, 0);
    al_fiber_destroy(g);
    al_fiber_destroy(f[0]);
    al_fiber_destroy(f[2]);
    AL_CHECK_INT(al_stack_pool_free(pool), ==, 0);
}

/* ---- pool arguments -------------------------------------------------------- */

static void nothing(void *arg) { (void)arg; }

AL_TEST(pool_sizes_and_bad_arguments) {
    al_stack_pool *pool = (al_stack_pool *)1;
    AL_CHECK_INT(al_stack_pool_new(&pool, AL_FIBER_MIN_STACK - 1), ==, -EINVAL);
    AL_CHECK(pool == NULL);
    AL_CHECK_INT(al_stack_pool_new(NULL, 0), ==, -EINVAL);
    AL_CHECK_INT(al_stack_pool_new(&pool, (size_t)-1), ==, -ENOMEM);

    AL_CHECK_OK(al_stack_pool_new(&pool, 0));
    AL_CHECK_INT(al_stack_pool_stack_size(pool), ==, AL_FIBER_DEFAULT_STACK);
    AL_CHECK_INT(al_stack_pool_guarded(pool), ==, 0);   /* no slab yet */
    al_fiber *f = (al_fiber *)1;
    AL_CHECK_INT(al_fiber_create(&f, NULL, nothing, NULL, "x"), ==, -EINVAL);
    AL_CHECK(f == NULL);
    AL_CHECK_INT(al_fiber_create(&f, pool, NULL, NULL, "x"), ==, -EINVAL);
    AL_CHECK_INT(al_fiber_create(NULL, pool, nothing, NULL, "x"), ==, -EINVAL);
    AL_CHECK_INT(al_fiber_resume(NULL), ==, -EINVAL);
    AL_CHECK_INT(al_fiber_finished(NULL), ==, -EINVAL);
    al_fiber_destroy(NULL);
    AL_CHECK_INT(al_stack_pool_free(pool), ==, 0);
    AL_CHECK_INT(al_stack_pool_free(NULL), ==, -EINVAL);

    long page = sysconf(_SC_PAGESIZE);
    AL_CHECK_OK(al_stack_pool_new(&pool, AL_FIBER_MIN_STACK + 1));
    size_t rounded = (AL_FIBER_MIN_STACK + 1 + (size_t)page - 1) / (size_t)page * (size_t)page;
    AL_CHECK_INT(al_stack_pool_stack_size(pool), ==, rounded);   /* whole pages */
    AL_CHECK_OK(al_fiber_create(&f, pool, nothing, NULL, NULL));   /* unnamed is fine */
    AL_CHECK_INT(al_stack_pool_guarded(pool), >, 0);
    AL_CHECK_INT(al_fiber_resume(f), ==, 0);
    al_fiber_destroy(f);
    AL_CHECK_INT(al_stack_pool_free(pool), ==, 0);
}

/* ---- registers and FP state survive switches ------------------------------ */

struct regs {
    long ints_ok, doubles_ok;
    int round_ok;
    double up_third, near_third;
};

static double div_(double a, double b) {
    volatile double x = a, y = b;   /* computed at run time, in this mode */
    return x / y;
}

/* Many integers live across each yield: at -O2 they sit in the callee-saved
 * registers (rbx, rbp, r12-r15 / x19-x28), which is what the switch must
 * keep. The doubles are spilled around the call and test the stack. */
static void regs_entry(void *arg) {
    struct regs *r = arg;
    unsigned long a = 1, b = 2, c = 3, d = 5, e = 7, g = 11, h = 13;
    double x = 0.5, y = 1.25, z = -3.0;
    volatile double vx = 1e10;
    fesetround(FE_UPWARD);
    for (int i = 0; i < 50; i++) {
        a = a * 3 + 1; b ^= a << 1; c += b; d = d * 5 - c; e += d ^ a; g -= e; h ^= g + (unsigned long)i;
        x = x * 1.5 + y; y = y / 3.0 + z; z = z - x * 0.25;
        vx = vx + 0.5;
        al_fiber_yield();
    }
    /* the same sums, redone without any switch in between */
    unsigned long a2 = 1, b2 = 2, c2 = 3, d2 = 5, e2 = 7, g2 = 11, h2 = 13;
    double x2 = 0.5, y2 = 1.25, z2 = -3.0;
    for (int i = 0; i < 50; i++) {
        a2 = a2 * 3 + 1; b2 ^= a2 << 1; c2 += b2; d2 = d2 * 5 - c2; e2 += d2 ^ a2; g2 -= e2; h2 ^= g2 + (unsigned long)i;
        x2 = x2 * 1.5 + y2; y2 = y2 / 3.0 + z2; z2 = z2 - x2 * 0.25;
    }
    r->ints_ok = a == a2 && b == b2 && c == c2 && d == d2 && e == e2 && g == g2 && h == h2;
    r->doubles_ok = x == x2 && y == y2 && z == z2 && vx == 1e10 + 25.0;
    /* The rounding mode set before the first yield is still in force (MXCSR
     * for SSE arithmetic, x87 control word for fegetround on x86-64). */
    r->round_ok = fegetround() == FE_UPWARD;
    r->up_third = div_(1.0, 3.0);
    fesetround(FE_TONEAREST);
}

AL_TEST(registers_and_fp_state_survive_switches) {
    struct regs r = {0};
    al_stack_pool *pool;
    al_fiber *f = pool_and_fiber(&pool, regs_entry, &r, "regs");
    double nearest = div_(1.0, 3.0);
    int rc, rounds = 0, main_round_ok = 1;
    /* main's own work between switches, to churn registers */
    double acc = 0;
    long li = 0;
    while ((rc = al_fiber_resume(f)) == 1) {
        rounds++;
        main_round_ok &= fegetround() == FE_TONEAREST && div_(1.0, 3.0) == nearest;
        acc += rounds * 0.5;
        li += rounds * 7;
    }
    AL_CHECK_INT(rc, ==, 0);
    AL_CHECK_INT(rounds, ==, 50);
    AL_CHECK(r.ints_ok);
    AL_CHECK(r.doubles_ok);
    AL_CHECK(r.round_ok);
    AL_CHECK(main_round_ok);
#if AL_VALGRIND
    /* Valgrind's CPU emulation ignores the SSE rounding mode. */
    if (!RUNNING_ON_VALGRIND)
#endif
        AL_CHECK(r.up_third > nearest);   /* really computed rounding up */
    AL_CHECK(acc == 637.5);
    AL_CHECK_INT(li, ==, 7 * 1275);
    al_fiber_destroy(f);
    AL_CHECK_INT(al_stack_pool_free(pool), ==, 0);
}

/* The same, pinned down: a value placed in each callee-saved register right
 * before a switch must still be there right after it, on both sides of the
 * switch. (Between the two asm statements the compiler may legally move a
 * register variable elsewhere; then a fault goes unseen, but a correct
 * switch never fails this.) x86-64 has no callee-saved vector registers;
 * AArch64 keeps d8-d15. */
#if defined(__x86_64__) || defined(__aarch64__)
#if defined(__x86_64__)
#define R0 "rbx"
#define R1 "r12"
#define R2 "r13"
#define R3 "r14"
#define R4 "r15"
#define NKEPT 5
#else
#define R0 "x19"
#define R1 "x22"
#define R2 "x25"
#define R3 "x27"
#define R4 "x28"
#define NKEPT 13
#endif

/* Switch (yield, or resume `f`) with seed-derived values in callee-saved
 * registers; return how many of them survived (NKEPT = all). */
static int switch_keeping_registers(unsigned long seed, al_fiber *f) {
    register unsigned long r0 __asm__(R0) = seed * 3;
    register unsigned long r1 __asm__(R1) = seed * 5;
    register unsigned long r2 __asm__(R2) = seed * 7;
    register unsigned long r3 __asm__(R3) = seed * 11;
    register unsigned long r4 __asm__(R4) = seed * 13;
#if defined(__aarch64__)
    register double d8 __asm__("d8") = (double)seed + 0.125;
    register double d9 __asm__("d9") = (double)seed + 0.25;
    register double d10 __asm__("d10") = (double)seed + 0.375;
    register double d11 __asm__("d11") = (double)seed + 0.5;
    register double d12 __asm__("d12") = (double)seed + 0.625;
    register double d13 __asm__("d13") = (double)seed + 0.75;
    register double d14 __asm__("d14") = (double)seed + 0.875;
    register double d15 __asm__("d15") = (double)seed + 1.0;
    __asm__ volatile("" : "+w"(d8), "+w"(d9), "+w"(d10), "+w"(d11), "+w"(d12), "+w"(d13),
                     "+w"(d14), "+w"(d15));
#endif
    __asm__ volatile("" : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4));
    if (f) al_fiber_resume(f); else al_fiber_yield();
    __asm__ volatile("" : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4));
    int kept = (r0 == seed * 3) + (r1 == seed * 5) + (r2 == seed * 7) + (r3 == seed * 11) +
               (r4 == seed * 13);
#if defined(__aarch64__)
    __asm__ volatile("" : "+w"(d8), "+w"(d9), "+w"(d10), "+w"(d11), "+w"(d12), "+w"(d13),
                     "+w"(d14), "+w"(d15));
    kept += (d8 == (double)seed + 0.125) + (d9 == (double)seed + 0.25) +
            (d10 == (double)seed + 0.375) + (d11 == (double)seed + 0.5) +
            (d12 == (double)seed + 0.625) + (d13 == (double)seed + 0.75) +
            (d14 == (double)seed + 0.875) + (d15 == (double)seed + 1.0);
#endif
    return kept;
}

struct pinned { int kept[10]; };

static void pinned_entry(void *arg) {
    struct pinned *p = arg;
    for (int i = 0; i < 10; i++) p->kept[i] = switch_keeping_registers(0xF1BE0000UL + (unsigned long)i, NULL);
}

AL_TEST(pinned_callee_saved_registers_survive_switches) {
    struct pinned p = {{0}};
    al_stack_pool *pool;
    al_fiber *f = pool_and_fiber(&pool, pinned_entry, &p, "pinned");
    AL_CHECK_INT(al_fiber_resume(f), ==, 1);   /* runs up to the first yield */
    for (int i = 0; i < 10; i++)
        AL_CHECK_INT(switch_keeping_registers(0x3A1000UL + (unsigned long)i, f), ==, NKEPT);
    AL_CHECK_INT(al_fiber_finished(f), ==, 1);
    for (int i = 0; i < 10; i++) AL_CHECK_INT(p.kept[i], ==, NKEPT);
    al_fiber_destroy(f);
    AL_CHECK_INT(al_stack_pool_free(pool), ==, 0);
}
#endif

#if defined(__x86_64__)
/* x86-64 has two control words: MXCSR (SSE) and the x87 control word. The
 * switch skips reloading them when both match, so check each one changing
 * alone. Rounding-control bits: Valgrind keeps those (unlike FTZ/precision). */
static unsigned get_mxcsr(void) { unsigned v; __asm__ volatile("stmxcsr %0" : "=m"(v)); return v; }
static void set_mxcsr(unsigned v) { __asm__ volatile("ldmxcsr %0" : : "m"(v)); }
static unsigned short get_fpcw(void) { unsigned short v; __asm__ volatile("fnstcw %0" : "=m"(v)); return v; }
static void set_fpcw(unsigned short v) { __asm__ volatile("fldcw %0" : : "m"(v)); }

#define MXCSR_RC_ZERO 0x6000u   /* SSE rounding toward zero */
#define FPCW_RC_ZERO 0x0C00u    /* x87 rounding toward zero */

struct cw { unsigned mxcsr0; unsigned short fpcw0; int ok[2]; };

static void cw_entry(void *arg) {
    struct cw *c = arg;
    set_mxcsr(c->mxcsr0 | MXCSR_RC_ZERO);                 /* SSE only */
    al_fiber_yield();
    c->ok[0] = get_mxcsr() == (c->mxcsr0 | MXCSR_RC_ZERO) && get_fpcw() == c->fpcw0;
    set_mxcsr(c->mxcsr0);
    set_fpcw((unsigned short)(c->fpcw0 | FPCW_RC_ZERO));  /* x87 only */
    al_fiber_yield();
    c->ok[1] = get_mxcsr() == c->mxcsr0 && get_fpcw() == (c->fpcw0 | FPCW_RC_ZERO);
    set_fpcw(c->fpcw0);
}

AL_TEST(each_x86_control_word_is_switched_on_its_own) {
    struct cw c = {get_mxcsr(), get_fpcw(), {0, 0}};
    al_stack_pool *pool;
    al_fiber *f = pool_and_fiber(&pool, cw_entry, &c, "cw");
    for (int i = 0; i < 2; i++) {
        AL_CHECK_INT(al_fiber_resume(f), ==, 1);
        AL_CHECK_INT(get_mxcsr(), ==, c.mxcsr0);   /* main's own, untouched */
        AL_CHECK_INT(get_fpcw(), ==, c.fpcw0);
    }
    AL_CHECK_INT(al_fiber_resume(f), ==, 0);
    AL_CHECK(c.ok[0]);
    AL_CHECK(c.ok[1]);
    al_fiber_destroy(f);
    AL_CHECK_INT(al_stack_pool_free(pool), ==, 0);
}
#endif

/* ---- deep recursion inside the stack -------------------------------------- */

struct deep {
    uintptr_t limit;    /* recurse until the frame is below this */
    long depth;
    long sum;
};

static long (*volatile recurse_fn)(struct deep *, long);

static long recurse_until(struct deep *d, long n) {
    volatile char pad[200];
    pad[0] = (char)n;
    pad[199] = (char)(n >> 8);
    OPAQUE(pad);
    if ((uintptr_t)__builtin_frame_address(0) < d->limit) {
        d->depth = n;
        return n;
    }
    long r = recurse_fn(d, n + 1);   /* not a tail call: pad is used after */
    return r + (pad[0] == (char)n && pad[199] == (char)(n >> 8) ? n : -1000000);
}

static void deep_entry(void *arg) {
    struct deep *d = arg;
    /* use three quarters of the stack */
    d->limit = (uintptr_t)__builtin_frame_address(0) - AL_FIBER_DEFAULT_STACK * 3 / 4;
    d->sum = recurse_fn(d, 1);
}

AL_TEST(deep_recursion_within_the_stack) {
    recurse_fn = recurse_until;
    al_stack_pool *pool;
    AL_CHECK_OK(al_stack_pool_new(&pool, AL_FIBER_DEFAULT_STACK));
    struct deep d = {0};
    al_fiber *f;
    AL_CHECK_OK(al_fiber_create(&f, pool, deep_entry, &d, "deep"));
    AL_CHECK_INT(al_fiber_resume(f), ==, 0);
    AL_CHECK_INT(d.depth, >, 50);   /* > 48 KiB of 200+ byte frames */
    AL_CHECK_INT(d.sum, ==, d.depth * (d.depth + 1) / 2);
    al_fiber_destroy(f);
    AL_CHECK_INT(al_stack_pool_free(pool), ==, 0);
}

/* ---- overflow: guard page and canary --------------------------------------- */

/* Called through a volatile pointer, so the compiler can neither see the
 * recursion is endless nor turn it into a loop. */
static long (*volatile forever_fn)(long);

static long recurse_forever(long n) {
    volatile char pad[64];
    pad[0] = (char)n;
    OPAQUE(pad);
    long r = forever_fn(n + 1);
    return r + pad[0];
}

static void overflow_entry(void *arg) {
    (void)arg;
    forever_fn = recurse_forever;
    forever_fn(0);
}

/* One frame a little bigger than the whole stack, all of it written: it
 * runs over the canary and 256 bytes into the unused guard slot below.
 * Written byte by byte (volatile: no memset call) because no call may run
 * while sp is that far down: it would go past the guard slot too. */
static void big_frame_entry(void *arg) {
    size_t n = *(size_t *)arg;
    volatile unsigned char big[n];
    for (size_t i = 0; i < n; i++) big[i] = 0xA5;
    OPAQUE(big);
}

static void child_guard_overflow(void) {
    al_stack_pool *pool;
    if (al_stack_pool_new(&pool, 0) < 0) _exit(3);
    al_fiber *f;
    if (al_fiber_create(&f, pool, overflow_entry, NULL, "deep-recursion") < 0) _exit(4);
    if (al_stack_pool_guarded(pool) == 0) _exit(5);
    al_fiber_resume(f);
}

/* fn overflows a fiber's stack in a child, which must die of sig having
 * said `report` on stderr, and no sanitizer WARNING. */
static void check_overflow_child(void (*fn)(void), int sig, const char *report) {
    al_test_child r;
    al_test_run_child(fn, &r);
    AL_CHECK_MSG(r.signaled && r.sig == sig, "child: signaled %d sig %d exit %d",
                 r.signaled, r.sig, r.exit_status);
    AL_CHECK_MSG(strstr(r.err, report), "child's stderr: %s", r.err);
    AL_CHECK_MSG(!strstr(r.err, "WARNING"), "child's stderr: %s", r.err);
}

AL_TEST(overflow_into_guard_page_names_the_fiber) {
    check_overflow_child(child_guard_overflow, SIGSEGV,
                         "asynclab: stack overflow in fiber 'deep-recursion' (stack 65536 bytes)\n");
}

static void child_canary_overflow(void) {
    al_stack_pool *pool;
    if (al_stack_pool_new(&pool, AL_FIBER_MIN_STACK) < 0) _exit(3);
    al__stack_pool_set_guard_budget(pool, 0);
    size_t n = AL_FIBER_MIN_STACK + 256;
    al_fiber *f;
    if (al_fiber_create(&f, pool, big_frame_entry, &n, "big-frame") < 0) _exit(4);
    if (al_stack_pool_guarded(pool) != 0) _exit(5);
    al_fiber_resume(f);
}

AL_TEST(overflow_past_canary_names_the_fiber_and_aborts) {
    check_overflow_child(child_canary_overflow, SIGABRT,
                         "asynclab: stack overflow in fiber 'big-frame' (canary smashed)\n");
}

static void canary_ok_entry(void *arg) {
    /* a frame that fits, with room to spare: the canary stays intact */
    size_t n = *(size_t *)arg;
    volatile unsigned char big[n];
    memset((unsigned char *)big, 0x5A, n);
    OPAQUE(big);
    al_fiber_yield();
}

AL_TEST(canary_stacks_run_normally_when_not_overflowed) {
    al_stack_pool *pool;
    AL_CHECK_OK(al_stack_pool_new(&pool, AL_FIBER_MIN_STACK));
    al__stack_pool_set_guard_budget(pool, 0);
    size_t n = AL_FIBER_MIN_STACK / 2;
    al_fiber *f[3];
    for (int i = 0; i < 3; i++)
        AL_CHECK_OK(al_fiber_create(&f[i], pool, canary_ok_entry, &n, "canary"));
    AL_CHECK_INT(al_stack_pool_guarded(pool), ==, 0);
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 3; i++) AL_CHECK_INT(al_fiber_resume(f[i]), ==, round == 0 ? 1 : 0);
    for (int i = 0; i < 3; i++) al_fiber_destroy(f[i]);
    AL_CHECK_INT(al_stack_pool_free(pool), ==, 0);
}

/* A fiber discarded while suspended leaves its frames behind, and under
 * ASan their redzones stay poisoned; the next fiber on that stack must not
 * trip over them (al_fiber_destroy unpoisons). */
static void yield_with_array(void *arg) {
    volatile char buf[512];
    buf[0] = 1;
    OPAQUE(buf);
    al_fiber_yield();
    *(int *)arg = buf[0];
}

AL_TEST(a_discarded_fibers_stack_is_clean_for_the_next) {
    int unused = 0;
    al_stack_pool *pool;
    al_fiber *f = pool_and_fiber(&pool, yield_with_array, &unused, "discarded");
    AL_CHECK_INT(al_fiber_resume(f), ==, 1);
    al_fiber_destroy(f);   /* suspended, never finished */
    size_t n = AL_FIBER_DEFAULT_STACK / 2;
    AL_CHECK_OK(al_fiber_create(&f, pool, canary_ok_entry, &n, "next"));
    AL_CHECK_INT(al_fiber_resume(f), ==, 1);   /* wrote all over the old frames */
    AL_CHECK_INT(al_fiber_resume(f), ==, 0);
    AL_CHECK_INT(unused, ==, 0);
    al_fiber_destroy(f);
    AL_CHECK_INT(al_stack_pool_free(pool), ==, 0);
}

/* A noreturn call makes ASan unpoison "the current stack" first; if it was
 * not told about the switch it finds sp outside the stack it knows and warns
 * ("ASan is ignoring requested __asan_handle_no_return"). Without ASan this
 * just checks that _exit from inside a fiber is an ordinary exit. */
static void exit_entry(void *arg) {
    (void)arg;
    _exit(7);
}

static void child_exit_in_nested_fiber(void) {
    al_stack_pool *pool;
    if (al_stack_pool_new(&pool, 0) < 0) _exit(3);
    al_fiber *f;
    /* one fiber that yields, resumed and finished first, so the bounds
     * have been switched back and forth before the noreturn call */
    struct many m = {0};
    if (al_fiber_create(&f, pool, many_entry, &m, "before") < 0) _exit(4);
    if (al_fiber_resume(f) != 1 || al_fiber_resume(f) != 0) _exit(5);
    al_fiber_destroy(f);
    if (al_fiber_create(&f, pool, exit_entry, NULL, "exiter") < 0) _exit(6);
    al_fiber_resume(f);
}

/* fn runs in a child that must exit with `code`, not be killed; *r says
 * what it wrote on stderr. */
static void check_child_exits(void (*fn)(void), int code, al_test_child *r) {
    al_test_run_child(fn, r);
    AL_CHECK_MSG(!r->signaled && r->exit_status == code, "child: signaled %d sig %d exit %d",
                 r->signaled, r->sig, r->exit_status);
}

AL_TEST(noreturn_call_inside_a_fiber_is_clean) {
    al_test_child r;
    check_child_exits(child_exit_in_nested_fiber, 7, &r);
    AL_CHECK_MSG(r.err[0] == '\0', "child's stderr: %s", r.err);
}

/* A fault that is not an overflow goes to whoever handled SIGSEGV before. */
static void *forbidden_page;

static void user_segv_handler(int sig) {
    (void)sig;
    static const char msg[] = "user handler\n";
    ssize_t rc = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)rc;
    _exit(42);
}

static void touch_forbidden(void *arg) {
    (void)arg;
#if AL_VALGRIND
    VALGRIND_DISABLE_ERROR_REPORTING;   /* this bad write is the point */
#endif
    *(volatile char *)forbidden_page = 1;
}

static void child_other_fault(void) {
    forbidden_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (forbidden_page == MAP_FAILED) _exit(3);
    signal(SIGSEGV, user_segv_handler);   /* before the first resume */
    al_stack_pool *pool;
    if (al_stack_pool_new(&pool, 0) < 0) _exit(4);
    al_fiber *f;
    if (al_fiber_create(&f, pool, touch_forbidden, NULL, "toucher") < 0) _exit(5);
    al_fiber_resume(f);
}

AL_TEST(other_faults_go_to_the_previous_handler) {
    al_test_child r;
    check_child_exits(child_other_fault, 42, &r);
    AL_CHECK_MSG(strstr(r.err, "user handler\n") && !strstr(r.err, "stack overflow"),
                 "child's stderr: %s", r.err);
}

/* ---- beyond the guard budget ----------------------------------------------- */

#define LOTS 40000

static void count_entry(void *arg) {
    int *runs = arg;
    (*runs)++;
}

/* 40,000 stacks alive at once: with a guard page each that would be some
 * 80,000 mappings, over vm.max_map_count (65530). (Valgrind can track
 * fewer mappings still, so pools there stop guarding earlier.) */
AL_TEST(forty_thousand_fibers_beyond_the_guard_budget) {
    al_stack_pool *pool;
    AL_CHECK_OK(al_stack_pool_new(&pool, AL_FIBER_MIN_STACK));
    al_fiber **f = calloc(LOTS, sizeof *f);
    int *runs = calloc(LOTS, sizeof *runs);
    AL_REQUIRE(f && runs);
    for (int i = 0; i < LOTS; i++) {
        int rc = al_fiber_create(&f[i], pool, count_entry, &runs[i], "lots");
        if (rc < 0) {
            AL_CHECK_MSG(0, "fiber %d: create failed: %d", i, rc);
            break;
        }
    }
    size_t budget = AL_GUARD_BUDGET;
#if AL_VALGRIND
    if (RUNNING_ON_VALGRIND) budget = AL__VALGRIND_GUARD_BUDGET;
#endif
    AL_CHECK_INT(al_stack_pool_guarded(pool), ==, budget);
    int finished = 0, ran = 0;
    for (int i = 0; i < LOTS && f[i]; i++) finished += al_fiber_resume(f[i]) == 0;
    for (int i = 0; i < LOTS; i++) ran += runs[i] == 1;
    AL_CHECK_INT(finished, ==, LOTS);
    AL_CHECK_INT(ran, ==, LOTS);
    for (int i = 0; i < LOTS; i++) al_fiber_destroy(f[i]);
    AL_CHECK_INT(al_stack_pool_free(pool), ==, 0);
    free(f);
    free(runs);
}
