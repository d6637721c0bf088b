/* loop_step.c — slow motion for the classroom: a viewer runs the loop one
 * iteration per key press.
 *
 * asynclab's viewer can drive a traced program's real scheduler step by
 * step, so a class sees each turn of the loop (run what is ready, poll, fire
 * timers) as it happens. The viewer hands the program a control descriptor
 * through the environment, ASYNCLAB_STEP=fd:N (a pipe's read end), and
 * al_loop_run_once() calls al__loop_step_gate() before each iteration. The
 * gate reads one-byte commands from the descriptor:
 *
 *   'p'  pause: wait here, before this iteration, for the next command
 *   's'  step: run this one iteration, then wait before the next one
 *   'c'  continue: run freely (what a program does until told otherwise)
 *
 * Any other byte is ignored. End of file or an error (the viewer is gone)
 * means "run freely" for good: a program never hangs on a dead viewer.
 *
 * The gate only acts where stepping means something to someone watching:
 *   - the loop runs on the virtual clock. A real-clock loop is never held:
 *     its timers would fall due while it waits, changing the very timings
 *     a lesson shows;
 *   - the loop writes its trace to an inherited descriptor
 *     (ASYNCLAB_TRACE=fd:N): a viewer is watching it live. A program of the
 *     same demo that traces to a file runs freely.
 * Before it waits, the gate flushes the trace, so the viewer has every event
 * of the iterations so far (on the virtual clock the loop otherwise writes
 * its trace only when the buffer fills or the program ends).
 *
 * Cost: without ASYNCLAB_STEP, one test of a thread-local per iteration.
 * With it, while running freely, one poll(2) with a zero timeout per
 * iteration. The state is per thread (one loop per thread, DESIGN.md) and
 * read from the environment once.
 */
#include "loop_internal.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum step_mode {
    STEP_UNKNOWN = 0,   /* the environment has not been read yet */
    STEP_OFF,           /* no ASYNCLAB_STEP (or no viewer any more): never act */
    STEP_RUN,           /* run freely, but look for a command each iteration */
    STEP_PAUSED         /* wait for a command before the next iteration */
};

static _Thread_local enum step_mode mode = STEP_UNKNOWN;
static _Thread_local int step_fd = -1;

/* "fd:N" with N decimal digits only, as ASYNCLAB_TRACE reads it; -1 if not. */
static int parse_fd(const char *value) {
    if (!value || strncmp(value, "fd:", 3) != 0 || !value[3]) return -1;
    long fd = 0;
    for (const char *d = value + 3; *d; d++) {
        if (*d < '0' || *d > '9') return -1;
        fd = fd * 10 + (*d - '0');
        if (fd > INT_MAX) return -1;
    }
    return (int)fd;
}

static void read_environment(void) {
    step_fd = parse_fd(getenv("ASYNCLAB_STEP"));
    /* Only a live viewer (a trace going to an inherited descriptor) steps. */
    int live = parse_fd(getenv("ASYNCLAB_TRACE")) >= 0;
    mode = step_fd >= 0 && live ? STEP_RUN : STEP_OFF;
}

/* One command byte: 1 and *cmd, 0 when none is there (or another process
 * sharing the descriptor took it first), -1 when the viewer is gone. */
static int read_command(int timeout_ms, char *cmd) {
    struct pollfd p = {.fd = step_fd, .events = POLLIN};
    int n = poll(&p, 1, timeout_ms);
    if (n < 0) return errno == EINTR ? 0 : -1;
    if (n == 0) return 0;
    if (p.revents & POLLNVAL) return -1;
    ssize_t got = read(step_fd, cmd, 1);
    if (got == 1) return 1;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return 0;
    return -1;   /* end of file (the viewer closed its end) or a real error */
}

void al__loop_step_gate(al_loop *loop) {
    if (mode == STEP_OFF) return;
    if (mode == STEP_UNKNOWN) {
        read_environment();
        if (mode == STEP_OFF) return;
    }
    if (loop->clock != AL_CLOCK_VIRTUAL || !loop->sink || !loop->owns_sink) return;

    for (;;) {
        if (mode == STEP_PAUSED && loop->sink) loop->sink->ops->flush(loop->sink);
        char cmd = 0;
        int rc = read_command(mode == STEP_PAUSED ? -1 : 0, &cmd);
        if (rc < 0) {
            mode = STEP_OFF;            /* no viewer: run freely from now on */
            return;
        }
        if (rc == 0) {
            if (mode == STEP_RUN) return;
            continue;                   /* paused: a signal, or someone else's byte */
        }
        switch (cmd) {
        case 'p':
            mode = STEP_PAUSED;
            break;
        case 's':
            mode = STEP_PAUSED;         /* this iteration runs, the next one waits */
            return;
        case 'c':
            mode = STEP_RUN;
            break;
        default:
            break;
        }
    }
}
