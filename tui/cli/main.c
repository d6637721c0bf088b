/* main.c — the `asynclab` command: find the subcommand and run it.
 *
 * The table below is the single list of what asynclab can do. A command is
 * added here only once it works (no stubs in --help). */
#include <stdio.h>
#include <string.h>

#include "commands.h"

typedef struct command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} command;

/* To add a command: one line here (keep the order the --help should show)
 * and one declaration in commands.h. Nothing else in this file changes. */
static const command commands[] = {
    {"lesson", "run a lesson's demo under the viewer: asynclab lesson N [--no-tui]", cmd_lesson},
    {"view", "watch a program live, or replay a trace: asynclab view -- CMD | FILE", cmd_view},
    {"timeline", "print a recorded trace as a text timeline: asynclab timeline FILE", cmd_timeline},
    {"export", "convert a trace: asynclab export FILE --perfetto OUT.json | --svg OUT.svg", cmd_export},
    {"serve", "the JSON server (lesson 6), as uvicorn: asynclab serve [--port N]", cmd_serve},
    {"load", "HTTP load generator: asynclab load URL [-c N] [-n M | -d S] [--trace FILE]", cmd_load},
    {"compare", "the lesson servers under the same slow requests: asynclab compare [--clients N]", cmd_compare},
    {"check", "check a server against the article's contract: asynclab check URL [--suite S]", cmd_check},
    {"start", "your working copy of an exercise: asynclab start EX [DIR]", cmd_start},
    {"grade", "grade an exercise: asynclab grade [EX|all] [--src DIR] [--json FILE]", cmd_grade},
    {"classroom", "a Gradescope autograder: asynclab classroom gradescope EX -o autograder.zip", cmd_classroom},
    {"watch", "re-grade an exercise on every save: asynclab watch [EX]", cmd_watch},
    {"hint", "the next hint for an exercise: asynclab hint [EX]", cmd_hint},
    {"progress", "lessons opened and best scores: asynclab progress", cmd_progress},
    {"bench", "measure the core: asynclab bench core [--json]", cmd_bench},
};

static void usage(FILE *out) {
    fprintf(out,
            "asynclab — a lab for asynchronous I/O, from blocking sockets to coroutines\n\n"
            "usage: asynclab                 open the lab (the lesson browser)\n"
            "       asynclab COMMAND [--help]\n\n"
            "Every command takes --opt VALUE and --opt=VALUE alike, and -- to end its options.\n"
            "--json=FILE writes a command's JSON report into FILE (load, bench: --json alone\n"
            "prints it).\n"
            "Exit status: 0 ok, 1 something failed, 2 bad usage, 3 could not do the job,\n"
            "130 interrupted (check: the number of failed checks).\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nenvironment:\n"
                 "  ASYNCLAB_BACKEND=NAME                    the loop's I/O backend: select, poll,\n"
                 "                                           epoll (the default), uv or uring\n"
                 "  ASYNCLAB_TRACE=PATH|fd:N                 write a trace of tasks and the loop\n"
                 "  ASYNCLAB_STEP=fd:N                       a viewer's step-by-step control pipe\n"
                 "  ASYNCLAB_STEPPING=1                      set by the viewer under --step: a demo\n"
                 "                                           runs its programs on the virtual clock\n");
}

int main(int argc, char **argv) {
    if (argc < 2) return cmd_lab(argc, argv);
    if (al_cli_is_help(argv[1])) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("asynclab 0.1.0\n");
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) {
            al_cli_command = commands[i].name;
            return commands[i].run(argc - 1, argv + 1);
        }
    fprintf(stderr, "asynclab: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
