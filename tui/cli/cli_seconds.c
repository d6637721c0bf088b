/* cli_seconds.c — seconds as an option's value (al_cli_seconds, cli_opts.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "cli_opts.h"
#include "commands.h"

int al_cli_parse_seconds(const char *flag, const char *value, double min, double max, double *out) {
    if (!value) {
        al_cli_error("%s needs a value (seconds)\n", flag);
        return -1;
    }
    char *end;
    errno = 0;
    double v = strtod(value, &end);
    if (end != value && *end == 's') end++;
    if (errno || end == value || *end || !isfinite(v) || v < min || v > max) {
        al_cli_error("%s expects seconds from %g to %g, not '%s'\n", flag, min, max,
                value);
        return -1;
    }
    *out = v;
    return 0;
}

int al_cli_seconds(const al_cli_opt *opt, const char *flag, const char *value) {
    return al_cli_parse_seconds(flag, value, opt->min, opt->max, (double *)opt->dest);
}
