/* cmd_view.c — `asynclab view`: watch a traced program live, or replay a trace.
 *
 *   asynclab view [options] -- CMD [ARGS...]   run CMD, its trace on a pipe, and show it live
 *   asynclab view [options] FILE               replay a recorded trace
 *
 * The viewer itself is view_run.c; this file only reads the command line.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli_opts.h"
#include "commands.h"
#include "view_run.h"

static void usage(FILE *out) {
    fprintf(out,
            "usage: asynclab view [options] -- CMD [ARGS...]   watch a program built on asynclab's core, live\n"
            "       asynclab view [options] FILE               replay a recorded trace (JSON Lines)\n"
            "\n"
            "CMD runs as a child process with ASYNCLAB_TRACE=fd:N (its trace comes through a pipe);\n"
            "its output goes to the viewer's Output panel, never over the screen.\n"
            "\n"
            "options:\n"
            "  --record FILE   also save the live trace to FILE (replay it later: asynclab view FILE)\n"
            "  --step          start in slow motion: a program on the virtual clock waits before each\n"
            "                  loop iteration (press s to run one, c to let it run)\n"
            "  --max-events N  keep at most N events (default 1000000, about 100 MB; 0: no limit): live,\n"
            "                  the picture stops there and says so while the program runs on; a\n"
            "                  replay loads the file's first N events\n"
            "  --ascii         draw with ASCII only (also when the locale is not UTF-8)\n"
            "  --no-color      no colours (also when NO_COLOR is set)\n"
            "\n"
            "keys: q quit, ? help, space pause, +/- zoom, arrows or hjkl move, Enter task details,\n"
            "      Tab next panel, / filter, f follow; replay: n/p step, g/G start/end, [/] speed.\n"
            "Needs a terminal of at least 80x24. For text, see `asynclab timeline FILE`.\n");
}

int cmd_view(int argc, char **argv) {
    al_run_options o = {0};
    const char *file = NULL;
    long max_events = -1;
    const al_cli_opt opts[] = {
        {"record", 0, AL_CLI_STRING, .dest = &o.record, .what = "a file name"},
        {"step", 0, AL_CLI_FLAG, .dest = &o.step},
        {"max-events", 0, AL_CLI_COUNT, .dest = &max_events, .min = 0, .max = 1000000000L},
        {"ascii", 0, AL_CLI_FLAG, .dest = &o.ascii},
        {"no-color", 0, AL_CLI_FLAG, .dest = &o.no_color},
    };
    al_cli_args args;
    const al_cli_spec spec = {opts, AL_CLI_COUNT(opts), usage, 1, "one trace at a time; to run a program, put it after --", AL_CLI_COMMAND_AFTER_DASHDASH};
    int rc = al_cli_parse(argc, argv, &spec, &args);
    if (rc) return rc == AL_CLI_HELP ? AL_CLI_OK : rc;
    file = args.pos[0];
    if (max_events >= 0) o.max_events = max_events == 0 ? -1 : max_events;
    int i = args.rest;
    int have_cmd = i < argc;
    if (have_cmd == (file != NULL)) {
        al_cli_error("%s", have_cmd ? "a trace file or a command after --, not both"
                                    : "what to show? a trace file, or a command after --");
        usage(stderr);
        return 2;
    }
    if (file && (o.record || o.step)) {
        al_cli_error("--record and --step are for a live program (after --)\n");
        return 2;
    }
    if (file && strcmp(file, "-") == 0) {
        al_cli_error("the keys come from the terminal, so the trace cannot come from stdin; "
                        "save it to a file first\n");
        return 2;
    }
    char title[256];
    if (have_cmd) {
        o.argv = (const char *const *)&argv[i];
        size_t n = (size_t)snprintf(title, sizeof title, "view:");
        for (int k = i; k < argc && n < sizeof title; k++)
            n += (size_t)snprintf(title + n, sizeof title - n, " %s", argv[k]);
    } else {
        if (access(file, R_OK) != 0) {
            al_cli_error("%s: %s\n", file, strerror(errno));
            return 1;
        }
        o.replay = file;
        snprintf(title, sizeof title, "replay: %s", file);
    }
    o.title = title;
    return al_view_run(&o);
}
