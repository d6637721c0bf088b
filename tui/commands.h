/* commands.h — the subcommands of `asynclab`, one file each.
 *
 * Each command gets argv starting at its own name (argv[0] = "bench") and
 * returns the process exit status: 0 success, 1 failure, 2 bad usage.
 * A command is listed in `asynclab --help` only once it works. */
#ifndef AL_COMMANDS_H
#define AL_COMMANDS_H

int cmd_bench(int argc, char **argv);
int cmd_lab(int argc, char **argv);
int cmd_lesson(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_view(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_grade(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_hint(int argc, char **argv);
int cmd_progress(int argc, char **argv);

/* Shared helpers (util.c). */
int al_cli_is_help(const char *arg);
/* Parse a non-negative integer flag value; prints an error naming the flag
 * and returns -1 when it is not one. */
long al_cli_parse_count(const char *flag, const char *value, long min, long max);

#endif
