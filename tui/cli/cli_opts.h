/* cli_opts.h — one way to read a command line, shared by every command.
 *
 * A command declares its options in a table of al_cli_opt and calls
 * al_cli_parse once. Built on getopt_long, so every command accepts the same
 * spellings: --opt=value and --opt value, -x value and -xvalue, grouped short
 * flags, and -- to end the options. Abbreviated long options are refused
 * (--time is not --timeout): a typo must not silently mean something else.
 * -h, --help and a bare `help` ask for the usage.
 *
 * Errors: an unknown option, a missing value and a malformed one are printed
 * through the one usage-error path (al_cli_usage_error / al_cli_usage_hint,
 * commands.h), naming the option as it was typed and what was expected:
 *   asynclab load: unknown option '--bogus'
 *   asynclab load: --trace needs a file name
 *   asynclab load: -c expects a whole number from 1 to 10000, not '0'
 * and al_cli_parse returns AL_CLI_USAGE (2). It never exits.
 *
 * Lifetime: the strings stored (STRING, positionals) point into argv.
 * Threading: getopt_long's state is global; parse on the main thread only. */
#ifndef AL_TUI_CLI_OPTS_H
#define AL_TUI_CLI_OPTS_H

#include <stddef.h>
#include <stdio.h>
#include <stdio.h>

#include "exit_codes.h"

typedef enum {
    AL_CLI_FLAG,     /* no value; int *dest = 1 */
    AL_CLI_STRING,   /* const char **dest = the value (an empty one is missing) */
    AL_CLI_COUNT,    /* long *dest, a whole number within [min, max] */
    AL_CLI_CALL,     /* call(opt, flag, value) checks and stores it itself */
} al_cli_kind;

typedef struct al_cli_opt al_cli_opt;
struct al_cli_opt {
    const char *name;   /* long name without "--"; NULL for a short-only option */
    char short_name;    /* 0: none */
    al_cli_kind kind;
    /* The value may be left out; only --name=VALUE (or -xVALUE) gives one.
     * Without it a STRING stores `absent`, a CALL gets value NULL. */
    int optional;
    void *dest;         /* of the type its kind says: nothing checks it, so look twice */
    double min, max;    /* COUNT's range; a CALL may use them too */
    const char *what;   /* the value, for "--svg needs a file name" (default "a value") */
    const char *absent;
    /* flag: the option as typed ("-c", "--width"). Returns 0, or -1 after
     * printing what is wrong with al_cli_error (the parser adds the hint). */
    int (*call)(const al_cli_opt *opt, const char *flag, const char *value);
};

#define AL_CLI_MAX_POS 16

/* Flags of an al_cli_spec. */
enum {
    /* What follows -- is a command to run (asynclab view -- CMD ARGS): it is
     * left in argv from args->rest on, not read as positionals. */
    AL_CLI_COMMAND_AFTER_DASHDASH = 1,
};

/* A command's command line: its options, its --help text, how many
 * positional arguments it takes, and what to say past them. */
typedef struct al_cli_spec {
    const al_cli_opt *opts;
    size_t nopts;
    void (*usage)(FILE *out);   /* printed to stdout on --help */
    int max_pos;                /* 0 to AL_CLI_MAX_POS */
    /* "one URL only" -> "one URL only ('b' is one too many)"; NULL:
     * "unexpected argument 'b'" */
    const char *too_many;
    int flags;
} al_cli_spec;

typedef struct al_cli_args {
    const char *pos[AL_CLI_MAX_POS];   /* the positional arguments in order; NULL past npos */
    int npos;
    int rest;   /* with AL_CLI_COMMAND_AFTER_DASHDASH: argv index after --; argc if none */
} al_cli_args;

/* Help was asked for and printed: the command exits 0. */
#define AL_CLI_HELP (-1)

#define AL_CLI_COUNT(table) (sizeof (table) / sizeof (table)[0])

/* Parse argv[1..argc-1] (argv[0] is the command's name). Returns 0 (go on),
 * AL_CLI_HELP after spec->usage(stdout), or AL_CLI_USAGE after printing the
 * error:
 *   if (rc) return rc == AL_CLI_HELP ? AL_CLI_OK : rc;
 * The usage stays each command's own text. Options and positionals may come
 * in any order; argv is not reordered (getopt's in-order mode, which is also
 * how a -- is seen). */
int al_cli_parse(int argc, char **argv, const al_cli_spec *spec, al_cli_args *args);

/* Parse seconds ("0.2", "3", "3s") within [min, max]. Prints an error naming
 * the flag and returns -1 when it is not one; 0 otherwise. */
int al_cli_parse_seconds(const char *flag, const char *value, double min, double max, double *out);
/* A CALL for seconds within [opt->min, opt->max] into double *opt->dest. */
int al_cli_seconds(const al_cli_opt *opt, const char *flag, const char *value);

#endif
