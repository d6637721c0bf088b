/* util.c — small helpers shared by the subcommands. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "exit_codes.h"

const char *al_cli_command;

__attribute__((format(printf, 1, 0))) static void cli_verror(const char *fmt, va_list ap) {
    char msg[2048];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n') msg[--n] = '\0';
    if (al_cli_command) fprintf(stderr, "asynclab %s: %s\n", al_cli_command, msg);
    else fprintf(stderr, "asynclab: %s\n", msg);
}

void al_cli_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    cli_verror(fmt, ap);
    va_end(ap);
}

int al_cli_usage_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    cli_verror(fmt, ap);
    va_end(ap);
    al_cli_usage_hint();
    return AL_CLI_USAGE;
}

void al_cli_usage_hint(void) {
    if (al_cli_command) fprintf(stderr, "(try asynclab %s --help)\n", al_cli_command);
}

int al_cli_is_help(const char *arg) {
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0 || strcmp(arg, "help") == 0;
}

long al_cli_parse_count(const char *flag, const char *value, long min, long max) {
    if (!value) {
        al_cli_error("%s needs a value\n", flag);
        return -1;
    }
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno || end == value || *end || v < min || v > max) {
        al_cli_error("%s expects a whole number from %ld to %ld, not '%s'\n", flag,
                min, max, value);
        return -1;
    }
    return v;
}

FILE *al_cli_report_open(const char *json) {
    FILE *out = strcmp(json, "-") != 0 ? fopen(json, "w") : stdout;
    if (!out) al_cli_error("--json=%s: %s\n", json, strerror(errno));
    return out;
}

int al_cli_report_close(FILE *out, const char *json) {
    if (out == stdout || fclose(out) == 0) return 0;
    al_cli_error("--json=%s: %s\n", json, strerror(errno));
    return AL_CLI_CANNOT;
}
