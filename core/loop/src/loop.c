/* loop.c — the event loop: one iteration, and the run functions built on it.
 *
 * Read al_loop_run_once() first: it is the whole idea in thirty lines.
 * Everything else here is setup (choosing a backend and a clock), the ready
 * queue (a ring buffer of callbacks), and small conveniences.
 */
#include "loop_internal.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "asynclab/error.h"
#include "asynclab/uv.h"

#define DEFAULT_BACKEND "epoll"
#define DEFAULT_SLOW_STEP_US 100000     /* asyncio's slow_callback_duration */
#define NO_POLL (-2)                    /* poll_timeout_ms(): nothing to wait for */


char *al_loop_format_wallclock(const al_loop *loop, char *buf, size_t size) {
    int64_t us = (int64_t)loop->real_start.tv_nsec / 1000 + al_loop_now(loop);
    time_t secs = loop->real_start.tv_sec + (time_t)(us / 1000000);
    struct tm tm;
    localtime_r(&secs, &tm);
    char date[32];
    strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(buf, size, "%s.%06ld", date, (long)(us % 1000000));
    return buf;
}

/* ---- creation ------------------------------------------------------------ */

int al_loop_create(al_loop **out, const al_loop_options *opts) {
    if (!out) return -EINVAL;
    *out = NULL;
    al__backend_forget();
    const char *name = opts && opts->backend ? opts->backend : getenv("ASYNCLAB_BACKEND");
    int from_env = !(opts && opts->backend);
    if (!name || !*name) name = DEFAULT_BACKEND;
    const al_backend_ops *backend = al_backend_find(name);
    if (!backend) {
        al__backend_unknown(name, from_env ? " (from $ASYNCLAB_BACKEND)" : "");
        return -EINVAL;
    }
    if (opts && opts->clock != AL_CLOCK_REAL && opts->clock != AL_CLOCK_VIRTUAL) return -EINVAL;

    al_loop *loop = calloc(1, sizeof *loop);
    if (!loop) return -ENOMEM;
    loop->backend = backend;
    loop->clock = opts ? opts->clock : AL_CLOCK_REAL;
    loop->slow_step_us = opts && opts->slow_step_us ? opts->slow_step_us : DEFAULT_SLOW_STEP_US;
    clock_gettime(CLOCK_MONOTONIC, &loop->mono_start);
    clock_gettime(CLOCK_REALTIME, &loop->real_start);

    int rc = backend->create(&loop->backend_state);
    if (rc < 0) {
        al__backend_failed(rc);
        free(loop);
        return rc;
    }
    loop->sink = opts ? opts->sink : NULL;
    *out = loop;
    return 0;
}

void al_loop_free(al_loop *loop) {
    if (!loop) return;
    /* Operations in flight first: the kernel may still write into buffers
     * that the tasks (on their stacks, in their frames) own. */
    al__ops_drain(loop);
    /* The layer above (tasks, their stacks) goes first: it may still hold
     * timers and fd waits of this loop. */
    if (loop->owners_free) loop->owners_free(loop);
    for (size_t i = 0; i < loop->heap_len; i++) loop->heap[i]->heap_index = AL_TIMER_INACTIVE;
    al__fds_free(loop);
    loop->backend->destroy(loop->backend_state);
    if (loop->sink) {
        loop->sink->ops->flush(loop->sink);
        if (loop->owns_sink) loop->sink->ops->close(loop->sink);
    }
    free(loop->heap);
    free(loop->ready);
    free(loop->fired);
    free(loop);
}

/* ---- the ready queue: a growable ring of callbacks ------------------------
 * The capacity is always a power of two, so wrapping is a mask, not a divide. */

int al__ready_push(al_loop *loop, al_callback cb, void *arg) {
    if (loop->ready_len == loop->ready_cap) {
        /* Grow in place (large blocks are remapped, not copied), then move
         * the part of the ring that had wrapped around to the new space. */
        size_t old = loop->ready_cap, cap = old ? old * 2 : 64;
        al_ready_item *items = realloc(loop->ready, cap * sizeof *items);
        if (!items) return -ENOMEM;
        memcpy(items + old, items, loop->ready_head * sizeof *items);
        loop->ready = items;
        loop->ready_cap = cap;
    }
    size_t tail = (loop->ready_head + loop->ready_len) & (loop->ready_cap - 1);
    loop->ready[tail] = (al_ready_item){cb, arg};
    loop->ready_len++;
    if (loop->in_poll) al__poll_interrupt(loop);
    return 0;
}


int al_call_soon(al_loop *loop, al_callback cb, void *arg) {
    if (!loop || !cb) return -EINVAL;
    return al__ready_push(loop, cb, arg);
}

/* A withdrawn call stays in the ring (removing from the middle would move
 * the rest) and does nothing when its turn comes. */
static void withdrawn(al_loop *loop, void *arg) {
    (void)loop;
    (void)arg;
}

int al_call_soon_cancel(al_loop *loop, al_callback cb, void *arg) {
    if (!loop || !cb) return -EINVAL;
    int n = 0;
    for (size_t i = 0; i < loop->ready_len; i++) {
        al_ready_item *item = &loop->ready[(loop->ready_head + i) & (loop->ready_cap - 1)];
        if (item->cb == cb && item->arg == arg) {
            *item = (al_ready_item){withdrawn, NULL};
            n++;
        }
    }
    return n;
}

static al_ready_item ready_pop(al_loop *loop) {
    al_ready_item item = loop->ready[loop->ready_head];
    loop->ready_head = (loop->ready_head + 1) & (loop->ready_cap - 1);
    loop->ready_len--;
    return item;
}


static int64_t real_now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- one iteration -------------------------------------------------------- */

/* Phase 1: run what is ready now. Callbacks queued meanwhile wait for the
 * next iteration: we only pop as many as were there when we started. */
static void run_ready(al_loop *loop) {
    size_t n = loop->ready_len;
    int measure = loop->sink && loop->slow_step_us > 0;
    for (size_t i = 0; i < n; i++) {
        al_ready_item item = ready_pop(loop);
        if (!measure) {
            item.cb(loop, item.arg);
            continue;
        }
        loop->stepped_task = 0;
        int64_t start = real_now_us();
        item.cb(loop, item.arg);
        int64_t took = real_now_us() - start;
        if (took >= loop->slow_step_us && loop->sink) {
            al_trace_event ev = {.type = AL_EV_SLOW, .fd = -1, .task = loop->stepped_task, .value = took};
            al__trace(loop, &ev);
        }
    }
}

static int backend_alive(const al_loop *loop) {
    return loop->backend->alive && loop->backend->alive(loop->backend_state);
}

/* Phase 2's timeout: 0 if anything is ready, else until the nearest timer
 * (rounded *up* to a whole millisecond, so the timer is due when we wake),
 * -1 if only I/O can wake us, NO_POLL if nothing can. */
static int poll_timeout_ms(al_loop *loop) {
    if (loop->ready_len > 0 || loop->stopping) return 0;
    /* What we run for is done (run_until_complete's task): look, but never
     * block (another watcher, a listening socket say, may never fire). */
    if (loop->stop_blocking && loop->stop_blocking(loop->stop_blocking_arg)) return 0;
    al_timer *next = al__timer_peek(loop);
    if (next) {
        if (loop->clock == AL_CLOCK_VIRTUAL) return 0;  /* look, then jump */
        int64_t wait_us = next->deadline - al_loop_now(loop);
        if (wait_us <= 0) return 0;
        int64_t ms = (wait_us + 999) / 1000;
        return ms > INT32_MAX ? INT32_MAX : (int)ms;
    }
    if (loop->fds_active > 0 || backend_alive(loop)) return -1;
    return NO_POLL;
}

static int ensure_fired_capacity(al_loop *loop) {
    int want = loop->fds_active > 64 ? loop->fds_active : 64;
    if (loop->fired_cap >= want) return 0;
    al_fired *f = realloc(loop->fired, (size_t)want * sizeof *f);
    if (!f) return -ENOMEM;
    loop->fired = f;
    loop->fired_cap = want;
    return 0;
}

/* Phases 2 and 3: poll, then dispatch what fired. Returns how many fired. */
static int poll_and_dispatch(al_loop *loop, int timeout_ms) {
    /* Nothing watched and no reason to sleep: skip the system call. */
    if (timeout_ms == 0 && loop->fds_active == 0 && !backend_alive(loop)) return 0;
    int rc = ensure_fired_capacity(loop);
    if (rc < 0) return rc;
    if (loop->sink) {
        /* About to sleep: let a live viewer see everything up to now. */
        if (timeout_ms != 0) loop->sink->ops->flush(loop->sink);
        al_trace_event ev = {.type = AL_EV_POLL_BEGIN, .fd = -1, .value = timeout_ms};
        al__trace(loop, &ev);
    }
    loop->in_poll = 1;
    int n = loop->backend->poll(loop->backend_state, timeout_ms, loop->fired, loop->fired_cap);
    loop->in_poll = 0;
    if (loop->sink) {
        al_trace_event ev = {.type = AL_EV_POLL_END, .fd = -1, .value = n < 0 ? 0 : n};
        if (loop->backend->counts)
            loop->backend->counts(loop->backend_state, &ev.submitted, &ev.completed);
        al__trace(loop, &ev);
    }
    if (n < 0) return n;
    for (int i = 0; i < n; i++) {
        if (loop->sink) {
            al_trace_event ev = {.type = AL_EV_FD_READY, .fd = loop->fired[i].fd,
                                 .value = loop->fired[i].events};
            al__trace(loop, &ev);
        }
        al__io_dispatch(loop, loop->fired[i].fd, loop->fired[i].events);
    }
    return n;
}

int al_loop_alive(const al_loop *loop) {
    return loop->ready_len > 0 || loop->heap_len > 0 || loop->fds_active > 0 ||
           backend_alive(loop);
}

int al_loop_run_once(al_loop *loop) {
    if (!loop) return -EINVAL;
    al__loop_step_gate(loop);                            /* 0. a viewer's slow motion (loop_step.c) */
    loop->iterations++;

    run_ready(loop);                                     /* 1. READY */

    int timeout_ms = poll_timeout_ms(loop);
    int fired = 0;
    if (timeout_ms != NO_POLL) {
        fired = poll_and_dispatch(loop, timeout_ms);     /* 2. POLL + 3. IO */
        if (fired < 0) return fired;
    }

    /* Virtual clock: nothing ready, nothing fired, so nothing can happen
     * until the next timer. Jump there (Trio's autojump clock). */
    al_timer *next = al__timer_peek(loop);
    if (loop->clock == AL_CLOCK_VIRTUAL && fired == 0 && loop->ready_len == 0 && next &&
        next->deadline > loop->virtual_now)
        loop->virtual_now = next->deadline;

    al__timers_fire_due(loop);                           /* 4. TIMERS */
    return al_loop_alive(loop);
}

int al_loop_run(al_loop *loop) {
    if (!loop) return -EINVAL;
    int rc = 0;
    while (!loop->stopping && al_loop_alive(loop)) {
        rc = al_loop_run_once(loop);
        if (rc < 0) break;
    }
    loop->stopping = 0;
    return rc < 0 ? rc : 0;
}

void al_loop_stop(al_loop *loop) {
    if (loop) loop->stopping = 1;
}

/* ---- accessors ------------------------------------------------------------ */

al_clock_kind al_loop_clock(const al_loop *loop) { return loop->clock; }
const char *al_loop_backend_name(const al_loop *loop) { return loop->backend->name; }
uint64_t al_loop_iterations(const al_loop *loop) { return loop->iterations; }

uv_loop_t *al_loop_uv(al_loop *loop) {
    if (!loop || !loop->backend->native) return NULL;
    return loop->backend->native(loop->backend_state);
}

/* ---- program output ------------------------------------------------------- */

int al_vprintf(al_loop *loop, const char *fmt, va_list ap) {
    char small[512];
    va_list copy;
    va_copy(copy, ap);
    int len = vsnprintf(small, sizeof small, fmt, copy);
    va_end(copy);
    if (len < 0) return -EINVAL;
    char *text = small;
    if ((size_t)len >= sizeof small) {
        text = malloc((size_t)len + 1);
        if (!text) return -ENOMEM;
        vsnprintf(text, (size_t)len + 1, fmt, ap);
    }
    size_t n = (size_t)len;
    while (n > 0 && text[n - 1] == '\n') n--;
    fwrite(text, 1, n, stdout);
    fputc('\n', stdout);
    fflush(stdout);
    if (loop && loop->sink) {
        al_trace_event ev = {.type = AL_EV_OUTPUT, .fd = -1, .task = loop->current_task,
                             .text = text, .text_len = n};
        al__trace(loop, &ev);
    }
    if (text != small) free(text);
    return len;
}

int al_printf(al_loop *loop, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int rc = al_vprintf(loop, fmt, ap);
    va_end(ap);
    return rc;
}
