/* SPDX-License-Identifier: Apache-2.0 */
/* The one way subcommands refuse their command line. */
#include <stdarg.h>
#include <stdio.h>

#include "cmd/cmd.h"

int gg_cmd_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "gateguard %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'gateguard %s --help'.\n", cmd);
    va_end(ap);
    return 2;
}
