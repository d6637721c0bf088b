/* commands.h — the subcommands of `asynclab`, one file each.
 *
 * Each command gets argv starting at its own name (argv[0] = "bench") and
 * returns the process exit status, one of exit_codes.h (0 ok, 1 some failed,
 * 2 bad usage, 3 could not do the job, 130 interrupted). Options are read
 * with al_cli_parse (cli_opts.h).
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
int cmd_classroom(int argc, char **argv);
/* `asynclab grade EX --roster DIR` (cmd_roster.c); opts as cmd_grade parsed them. */
struct al_exercise;
struct al_grader_opts;
int cmd_grade_roster(const struct al_exercise *ex, const struct al_grader_opts *opts, const char *dir,
                     const char *out, int jobs);

/* Shared helpers (util.c). */

/* Every error of every command goes through these two, so all read alike:
 * "asynclab CMD: what is wrong" (a file's problem: "asynclab CMD: FILE:LINE:
 * what is wrong"). main() sets the command's name before running it. A
 * trailing newline in fmt is dropped (one is always written).
 * al_cli_usage_error adds "(try asynclab CMD --help)" and returns 2, the
 * exit status of bad usage. */
extern const char *al_cli_command;
__attribute__((format(printf, 1, 2))) void al_cli_error(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) int al_cli_usage_error(const char *fmt, ...);
/* A JSON report's destination (--json[=FILE]): stdout for "-", else FILE,
 * opened before the work so that no run is wasted on a path that cannot be
 * written (NULL after saying why). al_cli_report_close closes it (never
 * stdout): 0, or AL_CLI_CANNOT (3) after saying why. */
FILE *al_cli_report_open(const char *json);
int al_cli_report_close(FILE *out, const char *json);
/* The usage error's second line alone, after an al_cli_error that was one. */
void al_cli_usage_hint(void);

int al_cli_is_help(const char *arg);
/* Parse a non-negative integer flag value; prints an error naming the flag
 * and returns -1 when it is not one. */
long al_cli_parse_count(const char *flag, const char *value, long min, long max);

#endif
