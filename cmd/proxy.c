/* SPDX-License-Identifier: Apache-2.0 */
/* `gateguard proxy`: the controller that computes route status and the proxy
 * that serves admitted routes are not part of this release; the command says
 * so instead of pretending. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

int gg_cmd_proxy(int argc, char **argv)
{
    int help = argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
    fprintf(help ? stdout : stderr,
            "usage: gateguard proxy\n\n"
            "The route-status controller and the proxy that serves admitted routes are not\n"
            "part of this release. Use `gateguard webhook` to refuse bad objects and\n"
            "`gateguard check` to validate manifests.\n");
    return help ? 0 : 2;
}
