/* util.c — small helpers shared by the subcommands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

int al_cli_is_help(const char *arg) {
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0 || strcmp(arg, "help") == 0;
}

long al_cli_parse_count(const char *flag, const char *value, long min, long max) {
    if (!value) {
        fprintf(stderr, "asynclab: %s needs a value\n", flag);
        return -1;
    }
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno || end == value || *end || v < min || v > max) {
        fprintf(stderr, "asynclab: %s expects a whole number from %ld to %ld, not '%s'\n", flag,
                min, max, value);
        return -1;
    }
    return v;
}
