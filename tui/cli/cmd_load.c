/* cmd_load.c — `asynclab load URL`: an HTTP/1.1 load generator on the core.
 *
 * N keep-alive connections, each a task on one al_loop (harness_load.h),
 * send GET requests as fast as the server answers, for M requests in all or
 * for S seconds. The report: how many requests, how many per second, the
 * errors by kind, and latency percentiles from a histogram. --trace writes
 * the run as a trace, one lane per connection, so the viewer shows whether
 * the server answers clients side by side or one after another.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_opts.h"
#include "commands.h"
#include "harness_load.h"
#include "asynclab/trace.h"
#include "asynclab/url.h"
#include "harness_util.h"

#define DEFAULT_CONNECTIONS 10
#define DEFAULT_SECONDS 5.0
#define DEFAULT_TIMEOUT 10.0

static void usage(FILE *out) {
    fprintf(out,
            "usage: asynclab load URL [-c N] [-n M | -d SECONDS] [--timeout S]\n"
            "                         [--trace FILE] [--json[=FILE]] [--allow-remote]\n"
            "  Send HTTP/1.1 GET requests to URL (http://host[:port]/path) over N\n"
            "  keep-alive connections at once, and report requests per second, errors\n"
            "  and latency percentiles.\n"
            "  -c N           connections at once (default %d, at most 10000)\n"
            "  -n M           send M requests in all, then stop\n"
            "  -d SECONDS     run for this long instead (default %g s)\n"
            "  --timeout S    a request not answered within S seconds is an error (default %g)\n"
            "  --trace FILE   write a trace: one lane per connection, a mark per request\n"
            "  --json[=FILE]  the report as one JSON object, on stdout or into FILE\n"
            "  --allow-remote allow a host other than 127.0.0.1 / localhost\n"
            "  Exit status: 0 if every request got a 2xx answer, 1 if any failed, 2 for\n"
            "  bad usage.\n",
            DEFAULT_CONNECTIONS, DEFAULT_SECONDS, DEFAULT_TIMEOUT);
}

/* The report as one JSON object; strings through the project's one escaper
 * (trace.h: a server's words may hold anything). */
static void print_json(FILE *out, const char *url, const al_load_config *cfg, const al_load_result *r) {
    fprintf(out, "{\"url\":");
    al_json_fput(out, url);
    fprintf(out, ",\"connections\":%d,\"requests\":%llu,\"ok\":%llu,\"elapsed_s\":%.6f,",
           cfg->connections, (unsigned long long)r->requests, (unsigned long long)r->ok,
           r->elapsed_s);
    double rate = al_load_rate(r, r->elapsed_s);
    if (rate < 0) fprintf(out, "\"req_per_s\":null,\"errors\":{");   /* no answer: no rate */
    else fprintf(out, "\"req_per_s\":%.1f,\"errors\":{", rate);
    for (int k = 0; k < AL_LOAD_ERR_COUNT; k++)
        fprintf(out, "%s\"%s\":%llu", k ? "," : "", al_load_err_name(k), (unsigned long long)r->errors[k]);
    fprintf(out, "},\"errors_total\":%llu,\"latency_us\":{\"p50\":%llu,\"p90\":%llu,\"p99\":%llu,"
           "\"max\":%llu,\"mean\":%.1f},\"connects\":%llu,\"bytes_read\":%llu,\"refused\":%s",
           (unsigned long long)al_load_errors(r),
           (unsigned long long)al_hist_percentile(&r->latency, 50),
           (unsigned long long)al_hist_percentile(&r->latency, 90),
           (unsigned long long)al_hist_percentile(&r->latency, 99),
           (unsigned long long)r->latency.max, al_hist_mean(&r->latency),
           (unsigned long long)r->connects, (unsigned long long)r->bytes_read,
           r->refused ? "true" : "false");
    if (r->first_error[0]) {
        fprintf(out, ",\"first_error\":");
        al_json_fput(out, r->first_error);
    }
    fprintf(out, "}\n");
}

static void print_ms(const char *label, uint64_t us) {
    printf("   %s %.2f ms", label, (double)us / 1000.0);
}

static void print_text(const char *url, const al_load_config *cfg, const al_load_result *r) {
    printf("asynclab load %s: %d connection%s, ", url, cfg->connections,
           cfg->connections == 1 ? "" : "s");
    if (cfg->requests) printf("%ld requests\n", cfg->requests);
    else printf("%g s\n", (double)cfg->duration_us / 1e6);
    /* What went wrong first: a rate of failures would read as a fast server. */
    if (r->refused)
        printf("  nothing is listening at %s (connection refused): stopped\n", url);
    double rate = al_load_rate(r, r->elapsed_s);
    printf("  requests     %llu in %.2f s, ", (unsigned long long)r->requests, r->elapsed_s);
    if (rate < 0) printf("no successful answer: no rate\n");
    else printf("%.0f req/s (of %llu successful answers)\n", rate, (unsigned long long)r->ok);
    printf("  errors       %llu  (", (unsigned long long)al_load_errors(r));
    for (int k = 0; k < AL_LOAD_ERR_COUNT; k++)
        printf("%s%s %llu", k ? ", " : "", al_load_err_name(k), (unsigned long long)r->errors[k]);
    printf(")\n");
    if (r->latency.count) {
        printf("  latency   ");
        print_ms("p50", al_hist_percentile(&r->latency, 50));
        print_ms("p90", al_hist_percentile(&r->latency, 90));
        print_ms("p99", al_hist_percentile(&r->latency, 99));
        print_ms("max", r->latency.max);
        printf("   (of %llu answers)\n", (unsigned long long)r->latency.count);
    }
    printf("  connections  %llu made\n", (unsigned long long)r->connects);
    if (cfg->trace_path) printf("  trace        %s\n", cfg->trace_path);
    if (!r->refused && r->first_error[0])
        printf("  first error  %s\n", r->first_error);
}

int cmd_load(int argc, char **argv) {
    const char *url_text = NULL, *trace = NULL;
    long connections = DEFAULT_CONNECTIONS, requests = 0;
    double seconds = 0, timeout = DEFAULT_TIMEOUT;
    const char *json = NULL;   /* "-": stdout */
    int allow_remote = 0;
    const al_cli_opt opts[] = {
        {NULL, 'c', AL_CLI_COUNT, .dest = &connections, .min = 1, .max = 10000},
        {NULL, 'n', AL_CLI_COUNT, .dest = &requests, .min = 1, .max = 1000000000L},
        {NULL, 'd', AL_CLI_CALL, .dest = &seconds, .min = 0.001, .max = 86400, .call = al_cli_seconds},
        {"timeout", 0, AL_CLI_CALL, .dest = &timeout, .min = 0.001, .max = 3600, .call = al_cli_seconds},
        {"trace", 0, AL_CLI_STRING, .dest = &trace, .what = "a file name"},
        {"json", 0, AL_CLI_STRING, .optional = 1, .dest = &json, .absent = "-",
         .what = "a file name"},
        {"allow-remote", 0, AL_CLI_FLAG, .dest = &allow_remote},
    };
    al_cli_args args;
    const al_cli_spec spec = {opts, AL_CLI_COUNT(opts), usage, 1, "one URL only", 0};
    int rc = al_cli_parse(argc, argv, &spec, &args);
    if (rc) return rc == AL_CLI_HELP ? AL_CLI_OK : rc;
    url_text = args.pos[0];
    int have_n = requests > 0, have_d = seconds > 0;
    if (!url_text) return al_cli_usage_error("%s", "which URL? (asynclab load http://127.0.0.1:8000/)");
    if (have_n && have_d) return al_cli_usage_error("%s", "-n and -d exclude each other: a count or a duration");

    al_url url;
    char err[300];
    if (al_url_parse(&url, url_text, allow_remote, err, sizeof err) < 0)
        return al_cli_usage_error("%s", err);

    char request[AL_URL_PATH_MAX + 400], label[64];
    int len = al_load_format_get(request, sizeof request, url.path, url.hostport);
    if (len < 0) return al_cli_usage_error("%s", "the request does not fit");
    snprintf(label, sizeof label, "GET %.58s", url.path);

    al_load_config cfg = {
        .addr = url.addr,
        .request = request,
        .request_len = (size_t)len,
        .label = label,
        .connections = (int)connections,
        .requests = have_n ? requests : 0,
        .duration_us = have_n ? 0 : (int64_t)((have_d ? seconds : DEFAULT_SECONDS) * 1e6),
        .timeout_us = (int64_t)(timeout * 1e6),
        .trace_path = trace,
        .progress = isatty(STDERR_FILENO),
    };
    FILE *json_out = json ? al_cli_report_open(json) : stdout;
    if (!json_out) return AL_CLI_CANNOT;
    al_load_result res;
    rc = al_load_run(&cfg, &res);
    if (rc < 0) {
        al_cli_error("%s\n", res.first_error);
        al_load_result_free(&res);
        if (json) al_cli_report_close(json_out, json);
        return AL_CLI_CANNOT;   /* the run could not start: no trace file, no loop */
    }
    if (json) print_json(json_out, url_text, &cfg, &res);
    else print_text(url_text, &cfg, &res);
    if (json && (rc = al_cli_report_close(json_out, json)) != 0) {
        al_load_result_free(&res);
        return rc;
    }
    int failed = res.refused || al_load_errors(&res) > 0 || res.requests == 0;
    al_load_result_free(&res);
    return failed ? AL_CLI_FAILED : AL_CLI_OK;
}
