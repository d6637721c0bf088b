/* cmd_timeline.c — `asynclab timeline FILE`: a recorded trace as a text
 * timeline, for handouts, diffs and CI logs.
 *
 * The output is the same bytes for the same trace and width, so it can be
 * kept next to a lesson and compared. Colour only when asked (--color), and
 * never when NO_COLOR is set. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli_opts.h"
#include "commands.h"
#include "model.h"
#include "render_text.h"

static void usage(FILE *out) {
    fprintf(out,
            "usage: asynclab timeline FILE [--width N] [--ascii] [--color]\n"
            "  Print a recorded trace (ASYNCLAB_TRACE=FILE PROGRAM) as a timeline: one row\n"
            "  per task, one character per slice of time, a time axis in seconds, a legend.\n"
            "  FILE       a trace in JSON lines; - reads standard input\n"
            "  --width N  columns in all, %d to %d (default: the terminal's width, else %d)\n"
            "  --ascii    ASCII characters only\n"
            "  --color    colour the states with ANSI codes (not when NO_COLOR is set)\n",
            AL_TEXT_MIN_WIDTH, AL_TEXT_MAX_WIDTH, AL_TEXT_DEFAULT_WIDTH);
}

static int terminal_width(void) {
    struct winsize ws;
    if (!isatty(STDOUT_FILENO) || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0 || ws.ws_col == 0)
        return AL_TEXT_DEFAULT_WIDTH;
    if (ws.ws_col < AL_TEXT_MIN_WIDTH) return AL_TEXT_MIN_WIDTH;
    return ws.ws_col > AL_TEXT_MAX_WIDTH ? AL_TEXT_MAX_WIDTH : ws.ws_col;
}

int cmd_timeline(int argc, char **argv) {
    const char *path = NULL;
    al_text_options opt = {.width = 0};
    int color = 0;
    long width = 0;
    const al_cli_opt opts[] = {
        {"width", 0, AL_CLI_COUNT, .dest = &width, .min = AL_TEXT_MIN_WIDTH, .max = AL_TEXT_MAX_WIDTH},
        {"ascii", 0, AL_CLI_FLAG, .dest = &opt.ascii},
        {"color", 0, AL_CLI_FLAG, .dest = &color},
        {"colour", 0, AL_CLI_FLAG, .dest = &color},
    };
    al_cli_args args;
    const al_cli_spec spec = {opts, AL_CLI_COUNT(opts), usage, 1, "one trace at a time", 0};
    int rc = al_cli_parse(argc, argv, &spec, &args);
    if (rc) return rc == AL_CLI_HELP ? AL_CLI_OK : rc;
    path = args.pos[0];
    opt.width = (int)width;
    if (!path) {
        usage(stderr);
        return 2;
    }
    const char *no_color = getenv("NO_COLOR");
    opt.color = color && !(no_color && no_color[0]);
    if (!opt.width) opt.width = terminal_width();

    al_model m;
    al_model_init(&m);
    m.keep_log = 0;
    rc = al_model_open(&m, path);
    if (rc < 0) al_cli_error("%s", m.error);
    if (rc == 0) {
        rc = al_render_text(&m, &opt, stdout);
        if (fflush(stdout) != 0 || rc < 0) {
            al_cli_error("cannot write the timeline: %s\n", strerror(errno ? errno : EIO));
            rc = -EIO;
        }
    }
    al_model_free(&m);
    return rc < 0 ? 1 : 0;
}
