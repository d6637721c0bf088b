/* cmd_bench.c — `asynclab bench core`: what the core's building blocks cost.
 *
 * Every figure is measured in this run, on this machine; nothing is a
 * constant. The many-task figures run in a forked child each, so that one
 * measurement's memory does not inflate the next one's peak RSS.
 *
 *   stackless resume     al_gen_next on a generator that yields forever
 *   stackful switch      bare: al_context_switch ping-pong; fiber: al_fiber_resume/
 *                        al_fiber_yield ping-pong (2 switches a round, with the
 *                        bookkeeping: current fiber, state, canary check)
 *   swapcontext switch   the same ping-pong with glibc ucontext, as a yardstick
 *   task switch          two tasks alternating with al_yield() through the scheduler
 *   N sleeping tasks     N tasks each sleeping 1 s of real time: wall time until all
 *                        are done, and peak RSS growth per task
 *   trace event          al_trace_emit of a resume event, to a file and to a ring
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "asynclab.h"
#include "cli_opts.h"
#include "commands.h"

static int show_progress;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress(const char *what) {
    if (show_progress) fprintf(stderr, "\r\033[K  measuring: %s ...", what);
}

/* ---- stackless resume ------------------------------------------------------ */

struct counter { al_gen gen; intptr_t i; };
static int count_forever(al_gen *g) {
    struct counter *f = (struct counter *)g;
    AL_GEN_BEGIN(g);
    for (;;) AL_GEN_YIELD(g, f->i++);
    AL_GEN_END(g);
}

static double bench_stackless(long n) {
    struct counter f = {0};
    al_gen_init(&f.gen, count_forever);
    intptr_t v, sum = 0;
    double t0 = now_s();
    for (long i = 0; i < n; i++) {
        al_gen_next(&f.gen, &v);
        sum += v;
    }
    double t = now_s() - t0;
    if (sum == 42) puts("");   /* keep the loop from being optimised away */
    return t * 1e9 / (double)n;
}

/* ---- stackful switch ------------------------------------------------------- */

static void pingpong_fiber(void *arg) {
    long rounds = *(long *)arg;
    for (long i = 0; i < rounds; i++) al_fiber_yield();
}

static double bench_fiber(long rounds) {
    al_stack_pool *pool;
    al_fiber *f;
    if (al_stack_pool_new(&pool, 0) < 0) return -1;
    if (al_fiber_create(&f, pool, pingpong_fiber, &rounds, "bench") < 0) return -1;
    double t0 = now_s();
    while (al_fiber_resume(f) == 1) {}
    double t = now_s() - t0;
    al_fiber_destroy(f);
    al_stack_pool_free(pool);
    return t * 1e9 / (double)(2 * rounds);
}

/* ---- the bare switch: al_context_switch with no fiber bookkeeping -------- */

#ifdef AL_SANITIZED
static double bench_raw_switch(long rounds) {
    (void)rounds;
    return 0;   /* unannotated stack switches confuse ASan: measured in normal builds only */
}
#else
static al_context raw_main, raw_other;
static void raw_body(void *arg) {
    (void)arg;
    for (;;) al_context_switch(&raw_other, &raw_main);
}

static double bench_raw_switch(long rounds) {
    static _Alignas(16) char stack[64 * 1024];
    al_context_make(&raw_other, stack + sizeof stack, raw_body, NULL);
    double t0 = now_s();
    for (long i = 0; i < rounds; i++) al_context_switch(&raw_main, &raw_other);
    double t = now_s() - t0;
    return t * 1e9 / (double)(2 * rounds);
}
#endif

/* ---- swapcontext ----------------------------------------------------------- */

static ucontext_t uc_main, uc_fiber;
static long uc_rounds;

static void uc_body(void) {
    for (long i = 0; i < uc_rounds; i++) swapcontext(&uc_fiber, &uc_main);
}

static double bench_swapcontext(long rounds) {
    static char stack[64 * 1024];
    uc_rounds = rounds;
    getcontext(&uc_fiber);
    uc_fiber.uc_stack.ss_sp = stack;
    uc_fiber.uc_stack.ss_size = sizeof stack;
    uc_fiber.uc_link = &uc_main;
    makecontext(&uc_fiber, uc_body, 0);
    double t0 = now_s();
    for (long i = 0; i <= rounds; i++) swapcontext(&uc_main, &uc_fiber);
    double t = now_s() - t0;
    return t * 1e9 / (double)(2 * rounds);
}

/* ---- scheduler task switch -------------------------------------------------- */

struct yielder { al_gen gen; int rc; long i, n; };
static int yielder(al_gen *g) {
    struct yielder *f = (struct yielder *)g;
    AL_GEN_BEGIN(g);
    for (f->i = 0; f->i < f->n; f->i++) AL_AWAIT(g, f->rc, al_yield());
    AL_GEN_END(g);
}

static double bench_task_switch(long n) {
    al_loop *loop;
    al_loop_options opts = {.clock = AL_CLOCK_VIRTUAL};
    if (al_loop_new(&loop, &opts) < 0) return -1;
    struct yielder init = {.n = n};
    al_task_create(loop, NULL, "ping", yielder, &init, sizeof init);
    al_task_create(loop, NULL, "pong", yielder, &init, sizeof init);
    double t0 = now_s();
    al_loop_run(loop);
    double t = now_s() - t0;
    al_loop_free(loop);
    return t * 1e9 / (double)(2 * n);
}

/* ---- many sleeping tasks (in a child process) -------------------------------- */

struct sleeper { al_gen gen; int rc; };
static int sleep_one_second(al_gen *g) {
    struct sleeper *f = (struct sleeper *)g;
    AL_GEN_BEGIN(g);
    AL_AWAIT(g, f->rc, al_sleep(1000000));
    AL_GEN_END(g);
}

static int fiber_sleep_one_second(void *arg, intptr_t *result) {
    (void)arg;
    (void)result;
    return al_sleep(1000000);
}

static long rss_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld", &kib) == 1) break;
    if (f) fclose(f);
    return kib;
}

struct many_result { double wall_s; double bytes_per_task; int ok; };

static void many_child(int fd, long n, int fiber) {
    struct many_result r = {0};
    al_loop *loop;
    if (al_loop_new(&loop, NULL) < 0) _exit(1);
    long before = rss_kib();
    double t0 = now_s();
    for (long i = 0; i < n; i++) {
        int rc = fiber ? al_task_create_fiber(loop, NULL, "sleeper", fiber_sleep_one_second, NULL, 0)
                       : al_task_create(loop, NULL, "sleeper", sleep_one_second, NULL,
                                        sizeof(struct sleeper));
        if (rc < 0) _exit(2);
    }
    al_loop_run(loop);
    r.wall_s = now_s() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    r.bytes_per_task = ((double)ru.ru_maxrss - (double)before) * 1024.0 / (double)n;
    r.ok = 1;
    al_loop_free(loop);
    if (write(fd, &r, sizeof r) != sizeof r) _exit(3);
    _exit(0);
}

static struct many_result bench_many(long n, int fiber) {
    struct many_result r = {0};
    int p[2];
    if (pipe(p) < 0) return r;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        many_child(p[1], n, fiber);
    }
    close(p[1]);
    if (read(p[0], &r, sizeof r) != sizeof r) r.ok = 0;
    close(p[0]);
    waitpid(pid, NULL, 0);
    return r;
}

/* ---- trace cost ---------------------------------------------------------------- */

static double bench_trace(al_trace *trace, long n) {
    al_trace_event ev = {.type = AL_EV_RESUME, .fd = -1, .task = 12345};
    double t0 = now_s();
    for (long i = 0; i < n; i++) {
        ev.t = i;
        al_trace_emit(trace, &ev);
    }
    al_trace_flush(trace);
    return (now_s() - t0) * 1e9 / (double)n;
}

static double bench_trace_file(long n) {
    char path[] = "/tmp/asynclab-bench-trace-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    close(fd);
    al_trace *trace;
    if (al_trace_open_file(&trace, path) < 0) return -1;
    double ns = bench_trace(trace, n);
    al_trace_close(trace);
    unlink(path);
    return ns;
}

static double bench_trace_ring(long n) {
    al_trace *trace;
    if (al_trace_open_ring(&trace, 65536) < 0) return -1;
    double ns = bench_trace(trace, n);
    al_trace_close(trace);
    return ns;
}

/* ---- the command ---------------------------------------------------------------- */

static void usage(FILE *out) {
    fprintf(out, "usage: asynclab bench core [--json[=FILE]] [--quick]\n"
                 "  Measure the core's costs: generator resume, fiber switch (and glibc\n"
                 "  swapcontext beside it), scheduler task switch, many sleeping tasks,\n"
                 "  trace events. --quick uses 100x fewer tasks (smoke test). --json: the\n"
                 "  figures as one JSON object, on stdout or into FILE.\n");
}

int cmd_bench(int argc, char **argv) {
    const char *json = NULL;   /* "-": stdout */
    int quick = 0;
    const al_cli_opt opts[] = {
        {"json", 0, AL_CLI_STRING, .optional = 1, .dest = &json, .absent = "-",
         .what = "a file name"},
        {"quick", 0, AL_CLI_FLAG, .dest = &quick},
    };
    al_cli_args args;
    const al_cli_spec spec = {opts, AL_CLI_COUNT(opts), usage, 1, "one benchmark at a time", 0};
    int rc = al_cli_parse(argc, argv, &spec, &args);
    if (rc) return rc == AL_CLI_HELP ? AL_CLI_OK : rc;
    if (args.npos == 0) {
        usage(stderr);
        return AL_CLI_USAGE;
    }
    if (strcmp(args.pos[0], "core") != 0) return al_cli_usage_error("unknown benchmark '%s' (known: core)", args.pos[0]);
    FILE *out = json ? al_cli_report_open(json) : stdout;
    if (!out) return AL_CLI_CANNOT;
    show_progress = isatty(2);
    long scale = quick ? 100 : 1;

    progress("stackless resume");
    double stackless = bench_stackless(50000000 / scale);
    progress("stackful switch");
    double raw = bench_raw_switch(20000000 / scale);
    double fiber = bench_fiber(20000000 / scale);
    progress("swapcontext");
    double swapctx = bench_swapcontext(2000000 / scale);
    progress("task switch");
    double task_switch = bench_task_switch(5000000 / scale);
    progress("100,000 stackless sleepers");
    struct many_result sl100k = bench_many(100000 / scale, 0);
    progress("1,000,000 stackless sleepers");
    struct many_result sl1m = bench_many(1000000 / scale, 0);
    progress("100,000 stackful sleepers");
    struct many_result sf100k = bench_many(100000 / scale, 1);
    progress("trace events");
    double trace_file = bench_trace_file(5000000 / scale);
    double trace_ring = bench_trace_ring(5000000 / scale);
    if (show_progress) fprintf(stderr, "\r\033[K");

    if (json) {
        if (raw > 0) fprintf(out, "{\"context_switch_ns\":%.2f,", raw);
        else fprintf(out, "{\"context_switch_ns\":null,");
        fprintf(out, "\"stackless_resume_ns\":%.2f,\"stackful_switch_ns\":%.2f,"
               "\"swapcontext_switch_ns\":%.2f,\"stackful_vs_swapcontext\":%.1f,"
               "\"task_switch_ns\":%.2f,"
               "\"stackless_100k_wall_s\":%.3f,\"stackless_100k_bytes_per_task\":%.0f,"
               "\"stackless_1m_wall_s\":%.3f,\"stackless_1m_bytes_per_task\":%.0f,"
               "\"stackful_100k_wall_s\":%.3f,\"stackful_100k_bytes_per_task\":%.0f,"
               "\"trace_file_ns_per_event\":%.2f,\"trace_ring_ns_per_event\":%.2f,"
               "\"quick\":%s}\n",
               stackless, fiber, swapctx, swapctx / fiber, task_switch, sl100k.wall_s,
               sl100k.bytes_per_task, sl1m.wall_s, sl1m.bytes_per_task, sf100k.wall_s,
               sf100k.bytes_per_task, trace_file, trace_ring, quick ? "true" : "false");
        if ((rc = al_cli_report_close(out, json)) != 0) return rc;
        return sl100k.ok && sl1m.ok && sf100k.ok ? 0 : 1;
    }
    long n100k = 100000 / scale, n1m = 1000000 / scale;
    printf("asynclab bench core%s\n\n", quick ? " --quick (100x fewer tasks)" : "");
    printf("  %-42s %12s\n", "what", "measured");
    printf("  %-42s %9.2f ns\n", "stackless resume (al_gen_next)", stackless);
    if (raw > 0)
        printf("  %-42s %9.2f ns   (%.0fx faster than swapcontext)\n",
               "stackful switch, bare (al_context_switch)", raw, swapctx / raw);
    printf("  %-42s %9.2f ns   (%.0fx faster than swapcontext)\n",
           "stackful switch, fiber resume/yield", fiber, swapctx / fiber);
    printf("  %-42s %9.2f ns\n", "glibc swapcontext switch", swapctx);
    printf("  %-42s %9.2f ns\n", "task switch through the scheduler", task_switch);
    printf("  %-24s %8ld tasks    %9.3f s    %6.0f B/task\n", "stackless sleeping 1 s", n100k,
           sl100k.wall_s, sl100k.bytes_per_task);
    printf("  %-24s %8ld tasks    %9.3f s    %6.0f B/task\n", "stackless sleeping 1 s", n1m,
           sl1m.wall_s, sl1m.bytes_per_task);
    printf("  %-24s %8ld tasks    %9.3f s    %6.0f B/task\n", "stackful sleeping 1 s", n100k,
           sf100k.wall_s, sf100k.bytes_per_task);
    printf("  %-42s %9.2f ns\n", "trace event to a file (JSON Lines)", trace_file);
    printf("  %-42s %9.2f ns\n", "trace event to a ring", trace_ring);
    return sl100k.ok && sl1m.ok && sf100k.ok ? 0 : 1;
}
