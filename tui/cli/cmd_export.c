/* cmd_export.c — `asynclab export FILE --perfetto OUT.json --svg OUT.svg`:
 * a recorded trace for other tools (Perfetto, chrome://tracing) and for
 * slides (an SVG picture).
 *
 * An output that cannot be written completely is removed rather than left
 * half-written, so a slide deck never picks up a truncated picture. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli_opts.h"
#include "commands.h"
#include "export_perfetto.h"
#include "export_svg.h"
#include "model.h"

static void usage(FILE *out) {
    fprintf(out,
            "usage: asynclab export FILE [--perfetto OUT.json] [--svg OUT.svg] [--svg-width PX]\n"
            "  Convert a recorded trace (ASYNCLAB_TRACE=FILE PROGRAM); at least one output.\n"
            "  FILE             a trace in JSON lines; - reads standard input\n"
            "  --perfetto OUT   Trace Event JSON for ui.perfetto.dev or chrome://tracing:\n"
            "                   a track per task, wake-up arrows between tasks\n"
            "  --svg OUT        an SVG picture of the timeline, for slides\n"
            "  --svg-width PX   the picture's width, 320 to 8000 (default %d)\n"
            "  OUT may be - for standard output.\n",
            AL_SVG_DEFAULT_WIDTH);
}

typedef int (*writer)(const al_model *m, const void *opt, FILE *out);

static int write_perfetto(const al_model *m, const void *opt, FILE *out) {
    (void)opt;
    return al_export_perfetto(m, out);
}

static int write_svg(const al_model *m, const void *opt, FILE *out) {
    return al_export_svg(m, opt, out);
}

/* Write one output; 0, or 1 after saying what went wrong. */
static int write_to(const char *path, writer fn, const al_model *m, const void *opt) {
    int to_stdout = strcmp(path, "-") == 0;
    FILE *out = to_stdout ? stdout : fopen(path, "w");
    if (!out) {
        al_cli_error("cannot create %s: %s\n", path, strerror(errno));
        return 1;
    }
    int rc = fn(m, opt, out);
    int closed = to_stdout ? fflush(out) : fclose(out);
    if (rc < 0 || closed != 0) {
        al_cli_error("cannot write %s: %s\n", path,
                rc == -ENOMEM ? "out of memory" : strerror(errno ? errno : EIO));
        if (!to_stdout) remove(path);
        return 1;
    }
    return 0;
}

int cmd_export(int argc, char **argv) {
    const char *path = NULL, *perfetto = NULL, *svg = NULL;
    al_svg_options svg_opt = {.width = 0};
    long width = 0;
    const al_cli_opt opts[] = {
        {"perfetto", 0, AL_CLI_STRING, .dest = &perfetto, .what = "a file name"},
        {"svg", 0, AL_CLI_STRING, .dest = &svg, .what = "a file name"},
        {"svg-width", 0, AL_CLI_COUNT, .dest = &width, .min = 320, .max = 8000},
    };
    al_cli_args args;
    const al_cli_spec spec = {opts, AL_CLI_COUNT(opts), usage, 1, "one trace at a time", 0};
    int rc = al_cli_parse(argc, argv, &spec, &args);
    if (rc) return rc == AL_CLI_HELP ? AL_CLI_OK : rc;
    path = args.pos[0];
    svg_opt.width = (int)width;
    if (!path || (!perfetto && !svg)) {
        if (path) al_cli_error("say what to write: --perfetto OUT.json and/or --svg OUT.svg\n");
        usage(stderr);
        return 2;
    }
    if (perfetto && svg && strcmp(perfetto, svg) == 0) {
        al_cli_error("--perfetto and --svg name the same file\n");
        return 2;
    }

    al_model m;
    al_model_init(&m);
    m.keep_log = 0;
    int status = 0;
    if (al_model_open(&m, path) < 0) {
        al_cli_error("%s", m.error);
        status = 1;
    }
    if (status == 0 && perfetto) status = write_to(perfetto, write_perfetto, &m, NULL);
    if (status == 0 && svg) status = write_to(svg, write_svg, &m, &svg_opt);
    al_model_free(&m);
    return status;
}
