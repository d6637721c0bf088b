/* asynclab/loop.h — the event loop: one per thread, the heart of the core.
 *
 * Contract
 *   Ownership  al_loop_new() allocates; al_loop_free() releases the loop and
 *              every task still owned by it. Handles (al_timer, al_io,
 *              al_future, al_nursery) are caller-owned structs, as in libuv:
 *              the loop only points at them, so they must stay put while
 *              active.
 *   Threading  a loop and everything attached to it belong to the thread that
 *              made it, which runs it (the uring backend's ring takes requests
 *              only from that thread, and a child of fork() makes its own
 *              loop). The only call another thread may make is
 *              al_loop_wakeup()... which is not offered yet: use the uv
 *              backend's uv_async_t for cross-thread wakeups.
 *   Errors     negative errno values (see error.h); nothing aborts.
 *
 * One iteration (al_loop_run_once), in this order, like asyncio's _run_once:
 *   1. READY   run the callbacks that are ready *now* (a snapshot of the
 *              ready queue). Work queued while this pass runs waits for the
 *              next iteration, so a task that yields cannot starve the others.
 *   2. POLL    ask the backend which descriptors are ready. Timeout: 0 if
 *              anything is ready (or the loop is stopping); otherwise until
 *              the nearest timer, in whole milliseconds rounded up (a timer is
 *              never fired early); -1 (block) when only I/O remains. On the
 *              virtual clock the poll never blocks: if it finds nothing and
 *              nothing is ready, time jumps to the nearest timer (Trio's
 *              autojump clock).
 *   3. IO      dispatch each ready descriptor: call its callback watcher, or
 *              make the task waiting on it ready.
 *   4. TIMERS  fire every timer due by now, earliest first, FIFO among equal
 *              deadlines. A timer re-armed while firing waits for the next
 *              iteration.
 *
 * The loop is alive while it has ready work, active timers, active I/O
 * watchers, or backend-native handles (the uv backend's own libuv handles).
 * al_loop_run() returns when it is no longer alive or al_loop_stop() was called.
 */
#ifndef ASYNCLAB_LOOP_H
#define ASYNCLAB_LOOP_H

#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>

#include "events.h"

typedef struct al_loop al_loop;

typedef enum al_clock_kind {
    AL_CLOCK_REAL = 0,    /* CLOCK_MONOTONIC: sleeps take real time */
    AL_CLOCK_VIRTUAL = 1  /* time jumps to the next timer when nothing else can happen */
} al_clock_kind;

typedef struct al_loop_options {
    /* "select", "poll", "epoll", "uv" or "uring". NULL: $ASYNCLAB_BACKEND, else "epoll". */
    const char *backend;
    al_clock_kind clock;
    /* Where the loop's events go (events.h), e.g. al_trace_sink(trace). It
     * stays the caller's and must outlive the loop. NULL: nowhere, or, with
     * al_loop_new (trace.h), the trace $ASYNCLAB_TRACE names. */
    al_event_sink *sink;
    /* A step (one callback or one task resume) that holds the loop longer
     * than this (µs, real time) emits a "slow" trace event. 0 = 100 ms, the
     * asyncio debug-mode default; negative = never measure. Measured only
     * while tracing, so it costs nothing when tracing is off. */
    int64_t slow_step_us;
} al_loop_options;

/* Create a loop. opts may be NULL (all defaults). -EINVAL names an unknown
 * backend; a backend the kernel refuses (uring under a seccomp profile or
 * kernel.io_uring_disabled) fails with its errno, -EPERM or -ENOSYS.
 * al_loop_backend_error() gives the message to print. Programs usually
 * call al_loop_new (trace.h): the same, with the trace $ASYNCLAB_TRACE names;
 * this one never opens a trace, and needs only the loop library. */
int al_loop_create(al_loop **out, const al_loop_options *opts);

/* What to tell the user when al_loop_create (or al_loop_new) returned err:
 * the backend's own words when the last creation in this thread failed with
 * err there ("io_uring is not available here: ..." , "unknown backend ..."),
 * else al_strerror(err). Valid until the next call in this thread. */
const char *al_loop_backend_error(int err);

/* From now on the loop's events go to sink (NULL: nowhere). owned: the loop
 * flushes and closes it in al_loop_free. For the layer that opens sinks. */
void al_loop_attach_sink(al_loop *loop, al_event_sink *sink, int owned);
al_event_sink *al_loop_sink(const al_loop *loop);
/* Hand one event to the loop's sink (t is filled in); no sink: nothing. */
void al_loop_emit(al_loop *loop, al_trace_event *ev);

/* Free the loop: tasks that never finished are released without running
 * again; watchers and timers are detached. NULL is ignored. */
void al_loop_free(al_loop *loop);

/* Run until the loop is no longer alive or al_loop_stop() is called.
 * Returns 0, or a negative errno if the backend's poll failed. */
int al_loop_run(al_loop *loop);

/* Run one iteration (see the contract above). Returns 1 if the loop is still
 * alive afterwards, 0 if not, negative on a backend failure. */
int al_loop_run_once(al_loop *loop);

/* Make al_loop_run() return after the current iteration. */
void al_loop_stop(al_loop *loop);

/* (Running the loop until one task is done: al_loop_run_until_complete, in
 * task.h: the loop knows nothing of tasks.) */

/* Queue cb(loop, arg) to run in the next READY pass. 0 or -ENOMEM. */
typedef void (*al_callback)(al_loop *loop, void *arg);
int al_call_soon(al_loop *loop, al_callback cb, void *arg);

/* Withdraw every queued cb(loop, arg) that has not run yet: the way to free
 * arg before its call came (al_loop_free drops queued calls without running
 * them). Returns how many were withdrawn, or -EINVAL. */
int al_call_soon_cancel(al_loop *loop, al_callback cb, void *arg);

/* Now, in microseconds on the loop's clock, counted from the loop's creation
 * (so a virtual-clock program starts at t = 0). */
int64_t al_loop_now(const al_loop *loop);

/* Advance the virtual clock by hand (tests, step-by-step teaching).
 * -EINVAL on a real-clock loop or a negative delta. */
int al_loop_advance(al_loop *loop, int64_t delta_us);

/* The wall-clock time that corresponds to al_loop_now(): the real time the
 * loop was created plus the loop's clock. On the real clock this is the time
 * of day; on the virtual clock it is what the time of day *would* be, so a
 * lesson prints the same timeline instantly. Formats
 * "YYYY-MM-DD HH:MM:SS.ffffff" (local time, as Python's datetime.now()) into
 * buf (at least 27 bytes). Returns buf. */
char *al_loop_format_wallclock(const al_loop *loop, char *buf, size_t size);

al_clock_kind al_loop_clock(const al_loop *loop);
const char *al_loop_backend_name(const al_loop *loop);
uint64_t al_loop_iterations(const al_loop *loop);
int al_loop_alive(const al_loop *loop);

/* Print a line of program output: written to stdout (flushed, so it
 * interleaves correctly with other processes) and, when tracing, recorded as
 * an "output" event attributed to the current task. A trailing newline is
 * added if missing. */
int al_printf(al_loop *loop, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int al_vprintf(al_loop *loop, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
