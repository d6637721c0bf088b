/* cmd_compare.c — `asynclab compare`: the same N slow requests against each server.
 *
 * The lab's central claim, measured: a server that handles one request at a
 * time needs N x S seconds for N requests that each take S seconds to handle;
 * one that waits for many sockets at once needs about S. compare starts the
 * lesson servers one after another on free ports, each told to take S
 * seconds per request (--delay S), sends each the same N requests at once
 * (harness_load.h: N connections, one request each), and prints a table and
 * a timeline per server. Outside servers join with --with 'NAME=CMD'.
 *
 * The timelines are the viewer's own: each run is traced (one task per
 * client, named "conn N"), read back into the viewer's model (model.h) and
 * drawn by its text renderer (render_text.h) or SVG export (export_svg.h),
 * all on one time scale so that the servers can be compared at a glance.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_opts.h"
#include "commands.h"
#include "export_svg.h"
#include "harness_load.h"
#include "harness_overlap.h"
#include "asynclab/url.h"
#include "harness_util.h"
#include "model.h"
#include "render_text.h"

#define DEFAULT_CLIENTS 5
#define DEFAULT_DELAY 0.2
#define MAX_SERVERS 12
#define MAX_WITH 8
#define START_TIMEOUT_MS 10000
#define SVG_PANEL_WIDTH 480

typedef struct server {
    char name[64];
    char cmd[1024];         /* --with: a shell command with {port} */
    const char *program;    /* a lesson program under the build directory */
    int serve;              /* `asynclab serve` itself */
    /* the outcome */
    int ran;
    char why[512];          /* why it did not run (or failed) */
    al_load_result res;
    double total_s;
    int in_flight;
    char trace[PATH_MAX];   /* the client's trace of the run */
} server;

/* The server being measured, killed by the signal handler if we are interrupted. */
static volatile sig_atomic_t running_server;

static void on_signal(int sig) {
    if (running_server > 0) kill(-running_server, SIGKILL);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void usage(FILE *out) {
    fprintf(out,
            "usage: asynclab compare [--clients N] [--delay S] [--with 'NAME=CMD']...\n"
            "                        [--path P] [--svg OUT] [--ascii] [--timeout S]\n"
            "  Start each server on a free port, send it N requests at once, each taking\n"
            "  S seconds to handle, and compare: total time, requests per second, and\n"
            "  the most requests the server handled at once; then one timeline per\n"
            "  server, a row per request.\n"
            "  Servers: lesson 1 (blocking), lesson 2 (select), lesson 3 (epoll), each\n"
            "  started with --delay S, and the JSON server (asynclab serve, lesson 6).\n"
            "  --clients N     requests sent at once (default %d)\n"
            "  --delay S       seconds each request takes to handle (default %g)\n"
            "  --with NAME=CMD add an outside server: CMD runs in a shell with {port}\n"
            "                  (required) and {delay} replaced; it must listen on\n"
            "                  127.0.0.1:{port} and answer GET /sleep?s=S (or --path)\n"
            "                  after S seconds. Example:\n"
            "                  --with 'fastapi=/usr/bin/python3 -m uvicorn --app-dir tests/peers\n"
            "                          fastapi_app:app --port {port}'\n"
            "  --path P        the request path, {s} replaced by S (default /sleep?s={s});\n"
            "                  the lesson servers answer any path after their --delay\n"
            "  --svg OUT       also draw the timelines side by side into an SVG file\n"
            "  --ascii         timelines in ASCII characters only\n"
            "  --timeout S     per request (default: 2 x N x S + 5 s)\n"
            "  Exit status: 0 if every server answered every request, 1 if not, 2 for\n"
            "  bad usage.\n",
            DEFAULT_CLIENTS, DEFAULT_DELAY);
}

/* Replace every `key` in `in` by `value`. -ENOSPC if it does not fit. */
static int substitute(char *out, size_t size, const char *in, const char *key, const char *value) {
    size_t klen = strlen(key), vlen = strlen(value), o = 0;
    while (*in) {
        if (strncmp(in, key, klen) == 0) {
            if (o + vlen >= size) return -ENOSPC;
            memcpy(out + o, value, vlen);
            o += vlen;
            in += klen;
        } else {
            if (o + 1 >= size) return -ENOSPC;
            out[o++] = *in++;
        }
    }
    out[o] = 0;
    return 0;
}

/* Is there a `serve` command in this asynclab? Asked the way a user would. */
static int have_serve(void) {
    char *argv[] = {(char *)al_self_exe(), "serve", "--help", NULL};
    pid_t pid = al_proc_start(argv, NULL);
    if (pid < 0) return 0;
    int status = 0;
    for (int waited = 0; !al_proc_exited(pid, &status); waited += 10) {
        if (waited > 3000) {
            al_proc_stop(pid);
            return 0;
        }
        usleep(10000);
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void add_lesson(server *list, int *n, const char *name, const char *program) {
    server *s = &list[(*n)++];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->program = program;
}

/* Start one server, run the requests, stop it. */
static void run_one(server *s, int index, const char *request_path, int clients, double delay,
                    double timeout, const char *tmpdir) {
    int port = al_free_port();
    if (port < 0) {
        snprintf(s->why, sizeof s->why, "no free port: %s", strerror(-port));
        return;
    }
    char port_s[16], delay_s[32], path[PATH_MAX], log[PATH_MAX + 32];
    snprintf(port_s, sizeof port_s, "%d", port);
    snprintf(delay_s, sizeof delay_s, "%g", delay);
    snprintf(log, sizeof log, "%s/server-%d.log", tmpdir, index);
    snprintf(s->trace, sizeof s->trace, "%s/trace-%d.jsonl", tmpdir, index);

    char cmd[2048];
    char *argv[8] = {0};
    if (s->cmd[0]) {
        char with_port[2048];
        if (substitute(with_port, sizeof with_port, s->cmd, "{port}", port_s) < 0 ||
            substitute(cmd, sizeof cmd, with_port, "{delay}", delay_s) < 0) {
            snprintf(s->why, sizeof s->why, "the command is too long");
            return;
        }
        argv[0] = "/bin/sh";
        argv[1] = "-c";
        argv[2] = cmd;
    } else if (s->serve) {
        argv[0] = (char *)al_self_exe();
        argv[1] = "serve";
        argv[2] = "--port";
        argv[3] = port_s;
    } else {
        snprintf(path, sizeof path, "%s/lessons/%s", al_build_dir(), s->program);
        if (access(path, X_OK) != 0) {
            snprintf(s->why, sizeof s->why, "%.400s is not built", path);
            return;
        }
        argv[0] = path;
        argv[1] = "--port";
        argv[2] = port_s;
        argv[3] = "--delay";
        argv[4] = delay_s;
    }

    pid_t pid = al_proc_start(argv, log);
    if (pid < 0) {
        snprintf(s->why, sizeof s->why, "cannot start it: %s", strerror(-pid));
        return;
    }
    running_server = pid;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc = al_wait_listening(&addr, pid, START_TIMEOUT_MS);
    if (rc < 0) {
        snprintf(s->why, sizeof s->why, "%s (its output is in %.400s)",
                 rc == -ECHILD ? "it exited before listening" : "it did not listen within 10 s",
                 log);
        al_proc_stop(pid);
        running_server = 0;
        return;
    }

    char request[AL_URL_PATH_MAX + 64], hostport[32], label[64];
    snprintf(hostport, sizeof hostport, "127.0.0.1:%d", port);
    int len = al_load_format_get(request, sizeof request, request_path, hostport);
    snprintf(label, sizeof label, "GET %.58s", request_path);
    al_load_config cfg = {
        .addr = addr, .request = request, .request_len = (size_t)(len > 0 ? len : 0),
        .label = label, .connections = clients, .requests = clients,
        .timeout_us = (int64_t)(timeout * 1e6), .record = 1, .trace_path = s->trace,
    };
    rc = al_load_run(&cfg, &s->res);
    al_proc_stop(pid);
    running_server = 0;
    if (rc < 0) {
        snprintf(s->why, sizeof s->why, "%s", s->res.first_error);
        return;
    }
    s->ran = 1;
    int64_t first = INT64_MAX, last = 0;
    for (size_t i = 0; i < s->res.nsamples; i++) {
        const al_load_sample *x = &s->res.samples[i];
        if (x->conn == 0) continue;   /* never finished */
        if (x->start_us < first) first = x->start_us;
        if (x->end_us > last) last = x->end_us;
    }
    s->total_s = last > first ? (double)(last - first) / 1e6 : 0;
    s->in_flight = al_overlap_max(s->res.samples, s->res.nsamples, delay);
    if (al_load_errors(&s->res))
        snprintf(s->why, sizeof s->why, "%s", s->res.first_error);
    unlink(log);
}

static int terminal_width(void) {
    struct winsize ws;
    if (!isatty(STDOUT_FILENO) || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0 || ws.ws_col == 0)
        return AL_TEXT_DEFAULT_WIDTH;
    return ws.ws_col < AL_TEXT_MIN_WIDTH ? AL_TEXT_MIN_WIDTH
         : ws.ws_col > AL_TEXT_MAX_WIDTH ? AL_TEXT_MAX_WIDTH : ws.ws_col;
}

/* Read a run's trace into the viewer's model, stretched to span_us so that
 * every server is drawn on the same time scale: the renderers draw from the
 * model's first to its last instant, so the last instant is moved out to
 * the scale's end before the stream is closed. */
static int read_model(al_model *m, const char *path, int64_t span_us) {
    al_model_init(m);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        int err = errno;
        snprintf(m->error, sizeof m->error, "%s", strerror(err));
        al_model_name_error(m, path);
        return -err;
    }
    al_trace_reader *r;
    int rc = al_trace_reader_open(&r, fp);
    if (rc == 0) {
        al_trace_event ev;
        while ((rc = al_trace_reader_next(r, &ev)) == 1)
            if ((rc = al_model_apply(m, &ev)) < 0) break;
        if (rc < 0 && !m->error[0])
            snprintf(m->error, sizeof m->error, "%s", al_trace_reader_error(r));
        if (rc < 0) m->error_line = al_trace_reader_line(r);
        al_trace_reader_close(r);
    }
    fclose(fp);
    if (rc < 0) {
        al_model_name_error(m, path);
        return rc;
    }
    if (m->last_t < m->first_t + span_us) m->last_t = m->first_t + span_us;
    al_model_end(m);
    /* The trace is the client's (asynclab load's loop), not the server's:
     * its backend says how the client waited, and under a title such as
     * "blocking (lesson 1)" would read as the server's. Say whose it is. */
    snprintf(m->program, sizeof m->program, "the client's view (asynclab load)");
    m->backend[0] = '\0';
    return 0;
}

/* The viewer's SVG of each run, side by side in one picture: each export is
 * a complete <svg>, nested in an outer one at its own x offset. */
static int write_svg(const char *path, const server *list, int n, int64_t span_us,
                     const char *title) {
    char *parts[MAX_SERVERS] = {0};
    size_t sizes[MAX_SERVERS] = {0};
    int heights[MAX_SERVERS] = {0}, count = 0, height = 0, rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        if (!list[i].ran) continue;
        al_model m;
        if ((rc = read_model(&m, list[i].trace, span_us)) == 0) {
            FILE *mem = open_memstream(&parts[count], &sizes[count]);
            al_svg_options opt = {.width = SVG_PANEL_WIDTH};
            if (!mem) rc = -errno;
            else {
                rc = al_export_svg(&m, &opt, mem);
                if (fclose(mem) != 0 && rc == 0) rc = -EIO;
            }
        }
        al_model_free(&m);
        if (rc == 0) {
            const char *h = strstr(parts[count], " height=\"");
            heights[count] = h ? atoi(h + 9) : 0;
            if (heights[count] > height) height = heights[count];
        }
        count++;
    }
    FILE *f = rc == 0 ? fopen(path, "w") : NULL;
    if (rc == 0 && !f) rc = -errno;
    if (f) {
        int width = count * (SVG_PANEL_WIDTH + 20);
        fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                   "font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\">\n"
                   "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n"
                   "<text x=\"10\" y=\"24\" font-size=\"16\" font-weight=\"bold\" fill=\"#111\">",
                width, height + 60, width, height + 60);
        for (const char *t = title; *t; t++) fputc(*t == '<' || *t == '&' ? ' ' : *t, f);
        fprintf(f, "</text>\n");
        for (int i = 0, j = 0; i < n; i++) {
            if (!list[i].ran) continue;
            int x = j * (SVG_PANEL_WIDTH + 20);
            fprintf(f, "<text x=\"%d\" y=\"50\" font-size=\"14\" font-weight=\"bold\" fill=\"#111\">",
                    x + 10);
            for (const char *t = list[i].name; *t; t++) fputc(*t == '<' || *t == '&' ? ' ' : *t, f);
            fprintf(f, "</text>\n<g transform=\"translate(%d,60)\">\n", x);
            const char *svg = strstr(parts[j], "<svg");   /* without the <?xml?> line */
            fputs(svg ? svg : "", f);
            fprintf(f, "</g>\n");
            j++;
        }
        fprintf(f, "</svg>\n");
        if (fclose(f) != 0) rc = -errno;
    }
    for (int i = 0; i < count; i++) free(parts[i]);
    return rc;
}

static void print_table(const server *list, int n, double delay) {
    printf("  %-24s %9s %8s %10s %7s\n", "server", "total", "req/s", "in flight", "errors");
    for (int i = 0; i < n; i++) {
        const server *s = &list[i];
        if (!s->ran) {
            printf("  %-24s did not run: %s\n", s->name, s->why);
            continue;
        }
        double rate = al_load_rate(&s->res, s->total_s);
        printf("  %-24s %7.3f s %8.1f %10d %7llu\n", s->name, s->total_s, rate > 0 ? rate : 0.0,
               s->in_flight, (unsigned long long)al_load_errors(&s->res));
    }
    printf("\n  total: from the first request sent to the last answer. in flight: the most\n"
           "  requests the server was handling at one instant, seen from the client: each\n"
           "  answer needs %g s of handling, so request i was being handled during the\n"
           "  last %g s before its answer (overlaps under a tenth of that not counted).\n",
           delay, delay);
}

typedef struct with_list {
    const char *with[MAX_WITH];
    int n;
} with_list;

/* --with NAME=CMD, as many as MAX_WITH (an al_cli_opt CALL). */
static int add_with(const al_cli_opt *opt, const char *flag, const char *v) {
    with_list *w = opt->dest;
    const char *eq = strchr(v, '=');
    if (!eq || eq == v || eq - v >= 40 || !eq[1])
        al_cli_error("%s expects NAME=CMD (a name of 1 to 39 characters), not '%s'", flag, v);
    else if (!strstr(eq + 1, "{port}"))
        al_cli_error("%s '%s': the command must contain {port}, where the server is told its port", flag, v);
    else if (strlen(eq + 1) >= sizeof ((server *)0)->cmd)
        al_cli_error("%s: the command is too long", flag);
    else if (w->n == MAX_WITH)
        al_cli_error("at most %d %s servers", MAX_WITH, flag);
    else {
        w->with[w->n++] = v;
        return 0;
    }
    return -1;
}

int cmd_compare(int argc, char **argv) {
    long clients = DEFAULT_CLIENTS;
    double delay = DEFAULT_DELAY, timeout = 0;
    const char *svg = NULL, *path_arg = "/sleep?s={s}";
    int ascii = 0;
    with_list with = {0};
    const al_cli_opt opts[] = {
        {"clients", 0, AL_CLI_COUNT, .dest = &clients, .min = 1, .max = 1000},
        {"delay", 0, AL_CLI_CALL, .dest = &delay, .min = 0, .max = 60, .call = al_cli_seconds},
        {"timeout", 0, AL_CLI_CALL, .dest = &timeout, .min = 0.001, .max = 3600, .call = al_cli_seconds},
        {"svg", 0, AL_CLI_STRING, .dest = &svg, .what = "a file name"},
        {"ascii", 0, AL_CLI_FLAG, .dest = &ascii},
        {"path", 0, AL_CLI_STRING, .dest = &path_arg, .what = "a path"},
        {"with", 0, AL_CLI_CALL, .dest = &with, .what = "NAME=CMD", .call = add_with},
    };
    al_cli_args args;
    const al_cli_spec spec = {opts, AL_CLI_COUNT(opts), usage, 0, "compare takes no argument: its servers are the lessons', and --with's", 0};
    int rc = al_cli_parse(argc, argv, &spec, &args);
    if (rc) return rc == AL_CLI_HELP ? AL_CLI_OK : rc;
    char delay_s[32], request_path[AL_URL_PATH_MAX];
    snprintf(delay_s, sizeof delay_s, "%g", delay);
    if (substitute(request_path, sizeof request_path, path_arg, "{s}", delay_s) < 0 ||
        !al_url_path_ok(request_path))
        return al_cli_usage_error("--path '%s' is not a path (/..., printable, no spaces)", path_arg);
    if (timeout == 0) timeout = 2.0 * (double)clients * delay + 5.0;

    server *list = calloc(MAX_SERVERS, sizeof *list);
    if (!list) return 1;
    int n = 0;
    add_lesson(list, &n, "blocking (lesson 1)", "01-blocking-socket/lesson01_blocking_server");
    add_lesson(list, &n, "select (lesson 2)", "02-select/lesson02_select_server");
    add_lesson(list, &n, "epoll (lesson 3)", "03-epoll-loop/lesson03_epoll_server");
    if (have_serve()) {
        server *s = &list[n++];
        snprintf(s->name, sizeof s->name, "asynclab serve");
        s->serve = 1;
    }
    for (int i = 0; i < with.n; i++) {
        server *s = &list[n++];
        const char *eq = strchr(with.with[i], '=');
        snprintf(s->name, sizeof s->name, "%.*s", (int)(eq - with.with[i]), with.with[i]);
        snprintf(s->cmd, sizeof s->cmd, "%s", eq + 1);
    }

    char tmpdir[1024];
    const char *tmp = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%.900s/asynclab-compare-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("asynclab compare: mkdtemp");
        free(list);
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    int tty = isatty(STDERR_FILENO);
    printf("asynclab compare: %ld clients at once, each GET %s (handling takes %g s)\n\n", clients,
           request_path, delay);
    fflush(stdout);
    for (int i = 0; i < n; i++) {
        if (tty) fprintf(stderr, "\r\033[K  running %s ...", list[i].name);
        run_one(&list[i], i + 1, request_path, (int)clients, delay, timeout, tmpdir);
    }
    if (tty) fprintf(stderr, "\r\033[K");
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);

    print_table(list, n, delay);

    /* One time scale for every timeline: the slowest server's. */
    double scale = delay > 0 ? delay : 0.001;
    for (int i = 0; i < n; i++)
        if (list[i].ran && list[i].total_s > scale) scale = list[i].total_s;
    int failed = 0;
    for (int i = 0; i < n; i++)
        if (!list[i].ran || al_load_errors(&list[i].res)) failed = 1;
    al_text_options text = {.width = terminal_width(), .ascii = ascii};
    for (int i = 0; i < n; i++) {
        if (!list[i].ran) continue;
        al_model m;
        if (read_model(&m, list[i].trace, (int64_t)(scale * 1e6)) < 0) {
            al_cli_error("%s (the trace of %s)", m.error, list[i].name);
            failed = 1;
        } else {
            printf("\n%s: one lane per client, each sending one request\n", list[i].name);
            fflush(stdout);
            al_render_text(&m, &text, stdout);
        }
        al_model_free(&m);
    }
    if (svg) {
        char title[160];
        snprintf(title, sizeof title, "%ld requests at once, each handled in %g s: one lane per client",
                 clients, delay);
        rc = write_svg(svg, list, n, (int64_t)(scale * 1e6), title);
        if (rc < 0) {
            al_cli_error("cannot write %s: %s\n", svg, strerror(-rc));
            failed = 1;
        } else {
            printf("\ntimelines drawn side by side in %s\n", svg);
        }
    }
    for (int i = 0; i < n; i++)
        if (list[i].trace[0]) unlink(list[i].trace);
    rmdir(tmpdir);   /* fails, and keeps the logs, if a server did not start */
    for (int i = 0; i < n; i++) al_load_result_free(&list[i].res);
    free(list);
    return failed;
}
