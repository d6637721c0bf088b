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
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (al_cli_is_help(a)) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--width") == 0 || strncmp(a, "--width=", 8) == 0) {
            const char *v = a[7] == '=' ? a + 8 : (i + 1 < argc ? argv[++i] : NULL);
            long w = al_cli_parse_count("--width", v, AL_TEXT_MIN_WIDTH, AL_TEXT_MAX_WIDTH);
            if (w < 0) return 2;
            opt.width = (int)w;
        } else if (strcmp(a, "--ascii") == 0) {
            opt.ascii = 1;
        } else if (strcmp(a, "--color") == 0 || strcmp(a, "--colour") == 0) {
            color = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            al_cli_error("unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        } else if (!path) {
            path = a;
        } else {
            al_cli_error("one trace at a time ('%s' is one too many)\n", a);
            return 2;
        }
    }
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
    int rc = al_model_open(&m, path);
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
