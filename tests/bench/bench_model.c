/* bench_model.c — how fast the viewer's model takes events in, and how fast
 * a frame of lanes can be drawn from it.
 *
 * Issue 5 asks the viewer to ingest at least 200,000 events/s and redraw at
 * 30 frames/s with 1,000 live tasks. This program builds such a stream in
 * memory — 1,000 tasks each woken by a timer, run and put back to sleep,
 * loop iteration after loop iteration, a line of output now and then — and
 * measures:
 *   1. al_model_apply on the events in memory (with the event log, as the
 *      live view keeps it, and without, as the exports do);
 *   2. the same stream written as JSON Lines to a file and read back through
 *      the trace reader into a model (a replay);
 *   3. one frame's worth of lane columns (al_lane_cells) for every lane.
 * It prints figures, it asserts nothing: speed is measured here, never in a
 * test (tests/CMakeLists.txt runs it tiny, only to keep it working).
 *
 *   bench_model [--events N] [--tasks N] [--columns N]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

#include "model.h"
#include "render_text.h"


/* The stream: spawns, then iterations of poll, and for every task timer,
 * ready, resume, (output,) suspend. One µs between events. */
static al_trace_event *make_stream(long want, long tasks, size_t *count) {
    size_t cap = (size_t)want + (size_t)tasks * 8 + 16;
    al_trace_event *ev = calloc(cap, sizeof *ev);
    if (!ev) return NULL;
    static char names[1000000][32];   /* "task " + up to 20 digits */
    size_t n = 0;
    int64_t t = 0;
#define PUT(...) (ev[n++] = (al_trace_event){.fd = -1, __VA_ARGS__})
    PUT(.type = AL_EV_HELLO, .t = t, .text = "bench", .text2 = "epoll", .reason = 1, .other = 1);
    for (long i = 1; i <= tasks; i++) {
        snprintf(names[i - 1], sizeof names[0], "task %ld", i);
        PUT(.type = AL_EV_SPAWN, .t = t, .task = (uint64_t)i, .text = names[i - 1]);
        PUT(.type = AL_EV_READY, .t = t, .task = (uint64_t)i, .reason = 0);
        PUT(.type = AL_EV_RESUME, .t = ++t, .task = (uint64_t)i);
        t++;
        PUT(.type = AL_EV_SUSPEND, .t = t, .task = (uint64_t)i, .reason = 1, .value = t + 1000);
    }
    for (long round = 0; n + 2 + (size_t)tasks * 5 < cap && (long)n < want; round++) {
        PUT(.type = AL_EV_POLL_BEGIN, .t = ++t, .value = 1);
        PUT(.type = AL_EV_POLL_END, .t = ++t, .value = 0);
        for (long i = 1; i <= tasks && n + 5 < cap; i++) {
            uint64_t task = (uint64_t)i;
            t++;
            PUT(.type = AL_EV_TIMER, .t = t, .task = task, .value = t);
            PUT(.type = AL_EV_READY, .t = t, .task = task, .reason = 1);
            PUT(.type = AL_EV_RESUME, .t = ++t, .task = task);
            if ((i + round) % 10 == 0)
                PUT(.type = AL_EV_OUTPUT, .t = t, .task = task, .text = "request handled: 200 OK");
            t++;
            PUT(.type = AL_EV_SUSPEND, .t = t, .task = task, .reason = 1, .value = t + 1000);
        }
    }
#undef PUT
    *count = n;
    return ev;
}

static void ingest(const char *what, const al_trace_event *ev, size_t n, long tasks, int keep_log) {
    al_model m;
    al_model_init(&m);
    m.keep_log = keep_log;
    double t0 = bench_now_s();
    for (size_t i = 0; i < n; i++) {
        if (al_model_apply(&m, &ev[i]) < 0) {
            fprintf(stderr, "bench_model: event %zu refused: %s\n", i, m.error);
            exit(1);
        }
    }
    double took = bench_now_s() - t0;
    printf("%-44s %9zu events, %ld tasks: %.3f s = %6.2f M events/s\n", what, n, tasks, took,
           (double)n / took / 1e6);
    al_model_free(&m);
}

int main(int argc, char **argv) {
    long events = 1000000, tasks = 1000, cols = 200;
    for (int i = 1; i < argc; i += 2) {   /* flag, value */
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--events") == 0) events = bench_arg_long("bench_model", "--events", value, 1000, 100000000);
        else if (strcmp(argv[i], "--tasks") == 0) tasks = bench_arg_long("bench_model", "--tasks", value, 1, 1000000);
        else if (strcmp(argv[i], "--columns") == 0) cols = bench_arg_long("bench_model", "--columns", value, 1, 10000);
        else {
            fprintf(stderr, "usage: bench_model [--events N] [--tasks N] [--columns N]\n");
            return 2;
        }
    }
    size_t n;
    al_trace_event *ev = make_stream(events, tasks, &n);
    if (!ev) {
        fprintf(stderr, "bench_model: out of memory\n");
        return 1;
    }

    /* 1. in memory */
    ingest("al_model_apply, event log kept (live view)", ev, n, tasks, 1);
    ingest("al_model_apply, no event log (exports)", ev, n, tasks, 0);

    /* 2. from a file, through the reader */
    char path[] = "/tmp/al_bench_model_XXXXXX";
    int fd = mkstemp(path);
    FILE *fp = fd < 0 ? NULL : fdopen(fd, "w");
    if (!fp) {
        perror("bench_model: temporary file");
        return 1;
    }
    char line[1024];
    for (size_t i = 0; i < n; i++) {
        int len = al_trace_format(&ev[i], line, sizeof line);
        if (len > 0) fwrite(line, 1, (size_t)len, fp);
    }
    long bytes = ftell(fp);
    fclose(fp);
    al_model m;
    al_model_init(&m);
    double t0 = bench_now_s();
    int rc = al_model_load(&m, path);
    double took = bench_now_s() - t0;
    unlink(path);
    if (rc < 0) {
        fprintf(stderr, "bench_model: reading back: %s\n", m.error);
        return 1;
    }
    char what[64];
    snprintf(what, sizeof what, "reader + model from a file (%.0f MB)", (double)bytes / 1e6);
    printf("%-44s %9zu events, %ld tasks: %.3f s = %6.2f M events/s\n", what, n, tasks, took,
           (double)n / took / 1e6);

    /* 3. a frame: every lane's columns over the whole run, and over the
     * last tenth (a zoomed-in live view) */
    al_cell *cells = malloc((size_t)cols * sizeof *cells);
    if (!cells) return 1;
    for (int zoom = 0; zoom < 2; zoom++) {
        al_time_axis ax;
        int64_t from = zoom ? m.last_t - (m.last_t - m.first_t) / 10 : m.first_t;
        al_time_axis_fit(from, m.last_t, (int)cols, &ax);
        int frames = 0;
        t0 = bench_now_s();
        do {
            for (size_t i = 0; i < m.nlanes; i++) al_lane_cells(&m.lanes[i], m.last_t, ax.t0, ax.dt, ax.ncols, cells);
            frames++;
        } while (bench_now_s() - t0 < 0.5);
        took = bench_now_s() - t0;
        printf("%-44s %9zu lanes x %d columns: %.2f ms a frame = %.0f frames/s\n",
               zoom ? "lane columns, last tenth of the run" : "lane columns, whole run", m.nlanes, ax.ncols,
               took / frames * 1e3, frames / took);
    }
    free(cells);
    al_model_free(&m);
    free(ev);
    return 0;
}
