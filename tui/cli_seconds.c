/* cli_seconds.c — seconds as an option's value (al_cli_seconds, cli_opts.h).
 *
 * A file of its own so that the parser (cli_opts.c) links without the
 * harness, where al_cli_parse_seconds lives today (harness_util.c). */
#include "cli_opts.h"
#include "harness_util.h"

int al_cli_seconds(const al_cli_opt *opt, const char *flag, const char *value) {
    return al_cli_parse_seconds(flag, value, opt->min, opt->max, (double *)opt->dest);
}
