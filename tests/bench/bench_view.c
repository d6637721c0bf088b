/* bench_view.c — how fast the live viewer draws and reads.
 *
 * Issue 5 asks for a redraw of at least 30 frames/s with 1,000 live tasks.
 * This program builds a model of N live tasks (default 1,000), each with a
 * history of runs and sleeps, and measures:
 *   1. frames: al_view_render() of the whole screen into the cell grid
 *      (timeline lanes, task table, event log, status bar), at 120x40 and
 *      at 200x60, "now" moving on every frame as in a live, followed run;
 *   2. frames while the selection walks through the lanes (scrolling);
 *   3. the live ingest path: the same events as JSON Lines through a pipe,
 *      read non-blocking by al_ingest into a session (a child process writes).
 * The terminal itself (ncurses) only copies the rows that changed, so (1) is
 * the viewer's cost per frame. It prints figures and asserts nothing: speed
 * is measured here, never in a test.
 *
 *   bench_view [--tasks N] [--frames N] [--events N]
 */
#include "../unit/test_view_sources.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"


/* Events of `tasks` live tasks: spawned, then rounds of timer, ready,
 * resume, suspend (sleep), with a poll per round; about `want` events. */
static size_t make_events(al_trace_event *ev, size_t cap, long tasks, long want, char (*names)[24]) {
    size_t n = 0;
    int64_t t = 0;
#define PUT(...) (ev[n++] = (al_trace_event){.fd = -1, __VA_ARGS__})
    PUT(.type = AL_EV_HELLO, .t = t, .text = "bench", .text2 = "epoll", .reason = 0, .other = 1);
    for (long i = 1; i <= tasks && n + 4 < cap; i++) {
        snprintf(names[i - 1], 24, "worker %d", (int)i);
        PUT(.type = AL_EV_SPAWN, .t = t, .task = (uint64_t)i, .text = names[i - 1]);
        PUT(.type = AL_EV_READY, .t = t, .task = (uint64_t)i, .reason = AL_WAKE_SPAWN);
        t++;
        PUT(.type = AL_EV_RESUME, .t = t, .task = (uint64_t)i);
        t++;
        PUT(.type = AL_EV_SUSPEND, .t = t, .task = (uint64_t)i, .reason = AL_WAIT_SLEEP, .value = t + 1000);
    }
    for (long round = 0; n + 2 + (size_t)tasks * 4 < cap && (long)n < want; round++) {
        t++;
        PUT(.type = AL_EV_POLL_BEGIN, .t = t, .value = 1);
        t += 500;
        PUT(.type = AL_EV_POLL_END, .t = t, .value = 0);
        for (long i = 1; i <= tasks; i++) {
            uint64_t task = (uint64_t)i;
            t++;
            PUT(.type = AL_EV_TIMER, .t = t, .task = task, .value = t);
            PUT(.type = AL_EV_READY, .t = t, .task = task, .reason = AL_WAKE_TIMER);
            t++;
            PUT(.type = AL_EV_RESUME, .t = t, .task = task);
            t++;
            PUT(.type = AL_EV_SUSPEND, .t = t, .task = task, .reason = AL_WAIT_SLEEP, .value = t + 1000);
        }
    }
#undef PUT
    return n;
}

static void frames(al_model *m, int w, int h, long count, int walk) {
    al_view v;
    al_view_init(&v, AL_VIEW_LIVE);
    v.model = m;
    v.title = "bench";
    v.state = "running";
    v.scale = 100;            /* 100 µs a column, following now: the picture moves every frame */
    v.fit = 0;
    al_cells c;
    al_cells_init(&c);
    al_cells_resize(&c, w, h);
    v.now = m->last_t;
    al_view_render(&v, &c);   /* warm: rows, log index */
    double start = bench_now_s();
    for (long i = 0; i < count; i++) {
        v.now = m->last_t + i * 37;
        if (walk) v.sel = (size_t)(i * 7) % (v.nrows ? v.nrows : 1);
        al_view_render(&v, &c);
    }
    double secs = bench_now_s() - start;
    printf("  %-34s %4dx%-3d %9.0f frames/s  (%.3f ms a frame)\n",
           walk ? "frame, selection walking the lanes" : "frame, following now", w, h,
           (double)count / secs, secs / (double)count * 1e3);
    al_cells_free(&c);
    al_view_free(&v);
}

/* The events as JSON Lines through a pipe, read by al_ingest. */
static void ingest(const al_trace_event *ev, size_t n) {
    int p[2];
    if (pipe(p) < 0) return;
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        FILE *out = fdopen(p[1], "w");
        char line[1024];
        for (size_t i = 0; i < n; i++) {
            int len = al_trace_format(&ev[i], line, sizeof line);
            if (len > 0) fwrite(line, 1, (size_t)len, out);
        }
        fclose(out);
        _exit(0);
    }
    close(p[1]);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    al_ingest in;
    al_session s;
    al_session_init(&s);
    al_ingest_open(&in, p[0], NULL);
    double start = bench_now_s();
    size_t got = 0;
    while (in.fd >= 0 || in.more) {
        if (!in.more) {
            struct pollfd pf = {.fd = in.fd, .events = POLLIN};
            poll(&pf, 1, 1000);
        }
        got += (size_t)al_ingest_pump(&in, &s, 1 << 20, 50000, 0);
    }
    double secs = bench_now_s() - start;
    waitpid(pid, NULL, 0);
    printf("  %-34s %9zu events  %9.0f events/s  (%.1f MB of JSON)\n", "live ingest: pipe -> reader -> model", got,
           (double)got / secs, (double)in.bytes / 1e6);
    if (s.bad_lines) printf("  (bad lines: %llu, first: %s)\n", (unsigned long long)s.bad_lines, s.error);
    al_ingest_close(&in);
    al_session_free(&s);
}

int main(int argc, char **argv) {
    long tasks = 1000, count = 300, want = 400000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--tasks") == 0) tasks = bench_arg_long("bench_view", "--tasks", argv[++i], 1, 100000);
        else if (strcmp(argv[i], "--frames") == 0) count = bench_arg_long("bench_view", "--frames", argv[++i], 1, 1000000);
        else if (strcmp(argv[i], "--events") == 0) want = bench_arg_long("bench_view", "--events", argv[++i], 10, 50000000);
        else {
            fprintf(stderr, "usage: bench_view [--tasks N] [--frames N] [--events N]\n");
            return 2;
        }
    }
    size_t cap = (size_t)want + (size_t)tasks * 8 + 16;
    al_trace_event *ev = calloc(cap, sizeof *ev);
    char (*names)[24] = calloc((size_t)tasks, sizeof *names);
    if (!ev || !names) return 1;
    size_t n = make_events(ev, cap, tasks, want, names);
    al_model m;
    al_model_init(&m);
    for (size_t i = 0; i < n; i++)
        if (al_model_apply(&m, &ev[i]) < 0) {
            fprintf(stderr, "bench_view: event %zu: %s\n", i, al_model_error(&m));
            return 1;
        }
    printf("bench_view: %ld live tasks, %zu events in the model (%zu log lines)\n", tasks, n, m.nlog);
    frames(&m, 120, 40, count, 0);
    frames(&m, 200, 60, count, 0);
    frames(&m, 120, 40, count, 1);
    ingest(ev, n);
    al_model_free(&m);
    free(ev);
    free(names);
    return 0;
}
