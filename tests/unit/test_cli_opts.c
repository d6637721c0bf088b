/* test_cli_opts.c — the command line's one option parser (tui/cli/cli_opts.h):
 * every spelling of a value, -- and positionals, and one error for each kind
 * of bad usage, naming the option, with exit status 2. Each test is its own
 * process (the runner), so getopt's global state starts clean; the parser
 * must also start over when called twice in one process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "al_test.h"
#include "cli_opts.h"
#include "commands.h"

static const char *name, *csv;
static long count;
static double secs;
static int verbose, json;

#define OPTS                                                                                   \
    {                                                                                          \
        {"trace", 't', AL_CLI_STRING, .dest = &name, .what = "a file name"},                  \
        {"count", 'c', AL_CLI_COUNT, .dest = &count, .min = 1, .max = 100},                    \
        {"timeout", 0, AL_CLI_CALL, .dest = &secs, .min = 0.5, .max = 60, .call = al_cli_test_seconds}, \
        {"verbose", 'v', AL_CLI_FLAG, .dest = &verbose},                                        \
        {"json", 0, AL_CLI_FLAG, .dest = &json},                                                \
        {"csv", 0, AL_CLI_STRING, .optional = 1, .dest = &csv, .absent = "-", .what = "a file name"}, \
    }

/* A CALL as a command writes one: here without the harness's seconds. */
static int al_cli_test_seconds(const al_cli_opt *o, const char *flag, const char *value) {
    double v = atof(value);
    if (v < o->min || v > o->max) {
        al_cli_error("%s expects seconds from %g to %g, not '%s'", flag, o->min, o->max, value);
        return -1;
    }
    *(double *)o->dest = v;
    return 0;
}

static char err[4096];
static int usage_shown;

static void usage(FILE *out) {
    usage_shown = out == stdout;
}

/* Parse a NULL-terminated list of words; stderr is kept in err. */
static int parse_words(al_cli_args *args, int flags, const char **words) {
    static const al_cli_opt opts[] = OPTS;
    char *argv[32];
    int argc = 0;
    argv[argc++] = (char *)"cmd";
    for (; *words; words++) argv[argc++] = (char *)*words;
    argv[argc] = NULL;
    name = csv = NULL, count = 0, secs = 0, verbose = json = 0;
    FILE *tmp = tmpfile();
    fflush(stderr);
    int saved = dup(2);
    dup2(fileno(tmp), 2);
    al_cli_command = "cmd";
    usage_shown = 0;
    const al_cli_spec spec = {opts, AL_CLI_COUNT(opts), usage, 4, "four at most", flags};
    int rc = al_cli_parse(argc, argv, &spec, args);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    size_t n = fread(err, 1, sizeof err - 1, tmp);
    err[n] = 0;
    fclose(tmp);
    return rc;
}
#define AL_CHECK_EQ(a, b) AL_CHECK_INT((long)(a), ==, (long)(b))
#define PARSE(args, ...) parse_words(args, 0, (const char *[]){__VA_ARGS__, NULL})

AL_TEST(value_after_equals_or_as_next_word) {
    al_cli_args a;
    AL_CHECK_EQ(PARSE(&a, "--trace=f1", "--count", "7", "--timeout=2"), 0);
    AL_CHECK_STR(name, "f1");
    AL_CHECK_EQ(count, 7);
    AL_CHECK(secs == 2.0);
    AL_CHECK_EQ(PARSE(&a, "--trace", "f2", "--count=8", "--timeout", "3"), 0);
    AL_CHECK_STR(name, "f2");
    AL_CHECK_EQ(count, 8);
    AL_CHECK(secs == 3.0);
    AL_CHECK_EQ(PARSE(&a, "-t", "f3", "-c9", "-v"), 0);
    AL_CHECK_STR(name, "f3");
    AL_CHECK_EQ(count, 9);
    AL_CHECK_EQ(verbose, 1);
    AL_CHECK_STR(err, "");
}

AL_TEST(a_value_may_start_with_a_dash) {
    al_cli_args a;
    AL_CHECK_EQ(PARSE(&a, "--trace", "-", "-c", "-5"), AL_CLI_USAGE);
    AL_CHECK_STR(name, "-");
    AL_CHECK(strstr(err, "cmd: -c expects a whole number from 1 to 100, not '-5'\n") != NULL);
}

AL_TEST(positionals_in_order_and_after_dashdash) {
    al_cli_args a;
    AL_CHECK_EQ(PARSE(&a, "one", "-v", "two", "--", "--json", "-"), 0);
    AL_CHECK_EQ(a.npos, 4);
    AL_CHECK_STR(a.pos[0], "one");
    AL_CHECK_STR(a.pos[1], "two");
    AL_CHECK_STR(a.pos[2], "--json");   /* after --, not an option */
    AL_CHECK_STR(a.pos[3], "-");
    AL_CHECK_EQ(json, 0);
    AL_CHECK_EQ(verbose, 1);
}

AL_TEST(command_after_dashdash_is_left_whole) {
    al_cli_args a;
    const char *w[] = {"--json", "file", "--", "prog", "-v", "help", NULL};
    AL_CHECK_EQ(parse_words(&a, AL_CLI_COMMAND_AFTER_DASHDASH, w), 0);
    AL_CHECK_EQ(a.npos, 1);
    AL_CHECK_STR(a.pos[0], "file");
    AL_CHECK_EQ(a.rest, 4);   /* argv[4] is "prog" */
    AL_CHECK_EQ(verbose, 0);
    const char *none[] = {"file", NULL};
    AL_CHECK_EQ(parse_words(&a, AL_CLI_COMMAND_AFTER_DASHDASH, none), 0);
    AL_CHECK_EQ(a.rest, 2);   /* argc: no command */
}

AL_TEST(optional_value_only_after_equals) {
    al_cli_args a;
    AL_CHECK_EQ(PARSE(&a, "--csv", "ex"), 0);
    AL_CHECK_STR(csv, "-");
    AL_CHECK_EQ(a.npos, 1);
    AL_CHECK_EQ(PARSE(&a, "--csv=out.csv"), 0);
    AL_CHECK_STR(csv, "out.csv");
}

AL_TEST(unknown_option_named_exit_2) {
    al_cli_args a;
    AL_CHECK_EQ(PARSE(&a, "--bogus=3"), AL_CLI_USAGE);
    AL_CHECK_STR(err, "asynclab cmd: unknown option '--bogus'\n(try asynclab cmd --help)\n");
    AL_CHECK_EQ(PARSE(&a, "-x"), AL_CLI_USAGE);
    AL_CHECK(strstr(err, "unknown option '-x'") != NULL);
    /* an abbreviation is a typo, not the option it starts */
    AL_CHECK_EQ(PARSE(&a, "--time", "3"), AL_CLI_USAGE);
    AL_CHECK(strstr(err, "unknown option '--time'") != NULL);
    AL_CHECK(secs == 0);
}

AL_TEST(missing_value_named_exit_2) {
    al_cli_args a;
    AL_CHECK_EQ(PARSE(&a, "--trace"), AL_CLI_USAGE);
    AL_CHECK_STR(err, "asynclab cmd: --trace needs a file name\n(try asynclab cmd --help)\n");
    AL_CHECK_EQ(PARSE(&a, "x", "-c"), AL_CLI_USAGE);
    AL_CHECK(strstr(err, "cmd: -c needs a value\n") != NULL);
    AL_CHECK_EQ(PARSE(&a, "--trace="), AL_CLI_USAGE);
    AL_CHECK(strstr(err, "--trace needs a file name") != NULL);
    AL_CHECK_EQ(PARSE(&a, "--csv="), AL_CLI_USAGE);
    AL_CHECK(strstr(err, "--csv needs a file name") != NULL);
}

AL_TEST(malformed_value_named_exit_2) {
    al_cli_args a;
    AL_CHECK_EQ(PARSE(&a, "--count=many"), AL_CLI_USAGE);
    AL_CHECK_STR(err, "asynclab cmd: --count expects a whole number from 1 to 100, not 'many'\n"
                      "(try asynclab cmd --help)\n");
    AL_CHECK_EQ(PARSE(&a, "--count", "101"), AL_CLI_USAGE);
    AL_CHECK(strstr(err, "not '101'") != NULL);
    AL_CHECK_EQ(PARSE(&a, "--timeout", "0.1"), AL_CLI_USAGE);
    AL_CHECK(strstr(err, "--timeout expects seconds from 0.5 to 60, not '0.1'") != NULL);
    AL_CHECK_EQ(PARSE(&a, "--json=yes"), AL_CLI_USAGE);
    AL_CHECK(strstr(err, "--json takes no value") != NULL);
}

AL_TEST(help_in_every_spelling) {
    al_cli_args a;
    AL_CHECK_EQ(PARSE(&a, "x", "--help"), AL_CLI_HELP);
    AL_CHECK_EQ(usage_shown, 1);   /* on stdout: asked for, not an error */
    AL_CHECK_EQ(PARSE(&a, "-h"), AL_CLI_HELP);
    AL_CHECK_EQ(usage_shown, 1);
    AL_CHECK_EQ(PARSE(&a, "help"), AL_CLI_HELP);
    AL_CHECK_EQ(usage_shown, 1);
    AL_CHECK_STR(err, "");
    AL_CHECK_EQ(PARSE(&a, "--bogus"), AL_CLI_USAGE);
    AL_CHECK_EQ(usage_shown, 0);   /* an error names the option, and points at --help */
}

AL_TEST(one_positional_too_many_is_named) {
    al_cli_args a;
    AL_CHECK_EQ(PARSE(&a, "a", "b", "c", "d"), 0);
    AL_CHECK(a.pos[0] && a.pos[3] && !a.pos[4]);
    AL_CHECK_EQ(PARSE(&a, "a", "b", "c", "d", "e"), AL_CLI_USAGE);
    AL_CHECK_STR(err, "asynclab cmd: four at most ('e' is one too many)\n(try asynclab cmd --help)\n");
    AL_CHECK_EQ(PARSE(&a, "a", "b", "c", "d", "--", "-e"), AL_CLI_USAGE);
    AL_CHECK(strstr(err, "four at most ('-e' is one too many)") != NULL);
}
