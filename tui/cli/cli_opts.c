/* cli_opts.c — the shared option parser on getopt_long (see cli_opts.h). */
#include "cli_opts.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"

#define MAX_OPTS 40
#define VAL_HELP 'h'
#define VAL_LONG_ONLY 256   /* getopt's val for a long-only option: 256 + index */

static int opt_val(const al_cli_opt *opts, size_t i) {
    return opts[i].short_name ? (unsigned char)opts[i].short_name : VAL_LONG_ONLY + (int)i;
}

static const al_cli_opt *find_val(const al_cli_opt *opts, size_t n, int val) {
    for (size_t i = 0; i < n; i++)
        if (opt_val(opts, i) == val) return &opts[i];
    return NULL;
}

/* optstring "-:" + "x", "x:" or "x::" per short option: '-' returns
 * positionals in order (so -- can be seen), ':' reports a missing value. */
static void build_getopt(const al_cli_opt *opts, size_t n, struct option *lo, char *shorts) {
    size_t k = 0, s = 0;
    shorts[s++] = '-';
    shorts[s++] = ':';
    shorts[s++] = VAL_HELP;
    for (size_t i = 0; i < n; i++) {
        int has = opts[i].kind == AL_CLI_FLAG ? no_argument
                  : opts[i].optional          ? optional_argument
                                              : required_argument;
        if (opts[i].name) lo[k++] = (struct option){opts[i].name, has, NULL, opt_val(opts, i)};
        if (!opts[i].short_name) continue;
        shorts[s++] = opts[i].short_name;
        for (int c = 0; c < has; c++) shorts[s++] = ':';
    }
    lo[k++] = (struct option){"help", no_argument, NULL, VAL_HELP};
    lo[k] = (struct option){0};
    shorts[s] = 0;
}

/* "--name" as typed (before any '='), or "-x": what error messages name. */
static void typed(char *buf, size_t size, const char *arg, const al_cli_opt *o, int c) {
    if (arg && strncmp(arg, "--", 2) == 0) snprintf(buf, size, "%.*s", (int)strcspn(arg, "="), arg);
    else snprintf(buf, size, "-%c", o && o->short_name ? o->short_name : c);
}

static int store(const al_cli_opt *o, const char *flag, const char *value) {
    /* --trace= names no file either. */
    if (o->kind != AL_CLI_FLAG && ((value && !*value) || (!value && !o->optional)))
        return al_cli_usage_error("%s needs %s", flag, o->what ? o->what : "a value");
    switch (o->kind) {
    case AL_CLI_FLAG: *(int *)o->dest = 1; return 0;
    case AL_CLI_STRING: *(const char **)o->dest = value ? value : o->absent; return 0;
    case AL_CLI_COUNT: {
        long v = al_cli_parse_count(flag, value, (long)o->min, (long)o->max);
        if (v < 0) break;
        *(long *)o->dest = v;
        return 0;
    }
    case AL_CLI_CALL:
        if (o->call(o, flag, value) < 0) break;
        return 0;
    }
    al_cli_usage_hint();
    return AL_CLI_USAGE;
}

/* getopt said '?': an unknown option, or a value given to a flag. */
static int refuse(const al_cli_opt *opts, size_t n, const char *arg) {
    if (arg && strncmp(arg, "--", 2) == 0) {
        size_t len = strcspn(arg + 2, "=");
        for (size_t i = 0; i < n && arg[2 + len] == '='; i++)
            if (opts[i].name && strlen(opts[i].name) == len && strncmp(opts[i].name, arg + 2, len) == 0)
                return al_cli_usage_error("--%s takes no value", opts[i].name);
        return al_cli_usage_error("unknown option '--%.*s'", (int)len, arg + 2);
    }
    return al_cli_usage_error("unknown option '-%c'", optopt);
}

/* A positional argument, or the one too many. */
static int positional(const al_cli_spec *spec, al_cli_args *args, const char *arg, int after_dashdash) {
    if (!after_dashdash && strcmp(arg, "help") == 0) return AL_CLI_HELP;
    if (args->npos < spec->max_pos && args->npos < AL_CLI_MAX_POS) {
        args->pos[args->npos++] = arg;
        return 0;
    }
    if (spec->too_many) return al_cli_usage_error("%s ('%s' is one too many)", spec->too_many, arg);
    return al_cli_usage_error("unexpected argument '%s'", arg);
}

/* An abbreviation getopt_long accepted ("--time" for "--timeout"). */
static int abbreviated(const char *arg, const struct option *lo) {
    return strlen(lo->name) != strcspn(arg + 2, "=");
}

int al_cli_parse(int argc, char **argv, const al_cli_spec *spec, al_cli_args *args) {
    const al_cli_opt *opts = spec->opts;
    size_t nopts = spec->nopts;
    struct option lo[MAX_OPTS + 2];
    char shorts[3 + 3 * MAX_OPTS + 1];
    if (nopts > MAX_OPTS) return al_cli_usage_error("internal: too many options (%zu)", nopts);
    build_getopt(opts, nopts, lo, shorts);
    memset(args, 0, sizeof *args);
    args->rest = argc;
    opterr = 0;
    optind = 0;   /* 0, not 1: glibc starts over, forgetting an earlier parse */
    for (;;) {
        int at = optind ? optind : 1, li = -1;
        int c = getopt_long(argc, argv, shorts, lo, &li);
        const char *arg = at < argc ? argv[at] : NULL;
        if (c == -1) break;
        int rc = 0;
        char flag[64];
        const al_cli_opt *o = find_val(opts, nopts, c == ':' ? optopt : c);
        if (c == 1) rc = positional(spec, args, optarg, 0);
        else if (c == '?') rc = refuse(opts, nopts, arg);
        else if (li >= 0 && abbreviated(arg, &lo[li])) rc = refuse(opts, 0, arg);
        else if (c == VAL_HELP) rc = AL_CLI_HELP;
        else {
            typed(flag, sizeof flag, arg, o, c);
            rc = store(o, flag, c == ':' ? NULL : optarg);
        }
        if (rc == AL_CLI_HELP && spec->usage) spec->usage(stdout);
        if (rc) return rc;
    }
    /* Here optind is past a --, if there was one: the rest is the command's,
     * or more positionals. */
    if (spec->flags & AL_CLI_COMMAND_AFTER_DASHDASH) args->rest = optind;
    else
        for (int i = optind, rc; i < argc; i++)
            if ((rc = positional(spec, args, argv[i], 1)) != 0) return rc;
    return 0;
}
