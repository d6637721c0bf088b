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
    int i = 1;
    for (; i < argc; i++) {
        if (al_cli_is_help(argv[i])) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if (strcmp(argv[i], "--record") == 0) {
            if (i + 1 >= argc) {
                al_cli_error("--record needs a file name\n");
                return 2;
            }
            o.record = argv[++i];
        } else if (strcmp(argv[i], "--step") == 0) {
            o.step = 1;
        } else if (strcmp(argv[i], "--max-events") == 0) {
            long n = al_cli_parse_count("--max-events", i + 1 < argc ? argv[i + 1] : NULL, 0, 1000000000L);
            if (n < 0) return 2;
            o.max_events = n == 0 ? -1 : n;
            i++;
        } else if (strcmp(argv[i], "--ascii") == 0) {
            o.ascii = 1;
        } else if (strcmp(argv[i], "--no-color") == 0) {
            o.no_color = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            al_cli_error("unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        } else if (!file) {
            file = argv[i];
        } else {
            al_cli_error("one trace at a time ('%s' and '%s'); to run a program, put it after --\n",
                    file, argv[i]);
            return 2;
        }
    }
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
