/* SPDX-License-Identifier: Apache-2.0 */
/* `gateguard proxy`: route status and serving. Not built yet; it says so
 * instead of pretending. */
#include <stdio.h>

#include "cmd/cmd.h"

int gg_cmd_proxy(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "gateguard proxy: not available in this build\n");
    return 2;
}
