/* SPDX-License-Identifier: Apache-2.0 */
/* The gateguard binary: a table of subcommands and nothing else. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"check", gg_cmd_check, "validate manifests offline (CI, GitOps repositories)"},
    {"webhook", gg_cmd_webhook, "serve AdmissionReviews over TLS"},
    {"proxy", gg_cmd_proxy, "compute route status and serve the admitted routes"},
    {"echo", gg_cmd_echo, "a backend that answers with JSON describing each request"},
    {"certs", gg_cmd_certs, "make a CA and a serving certificate for the webhook"},
    {"rules", gg_cmd_rules, "list the upstream rules gateguard enforces"},
    {"version", gg_cmd_version, "print the version and the Gateway API release mirrored"},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
    fprintf(out, "usage: gateguard COMMAND [FLAGS]\n\n"
                 "An admission webhook and validator for the Kubernetes Gateway API.\n\n"
                 "Commands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'gateguard COMMAND --help' for a command's flags.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version"))
        return gg_cmd_version(argc - 1, argv + 1);
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "gateguard: unknown command \"%s\"\n\n", argv[1]);
    usage(stderr);
    return 2;
}
