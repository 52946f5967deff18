/* SPDX-License-Identifier: Apache-2.0 */
/* `gateguard echo`: flags and signals for the echo backend (echo/echo.c).
 * Exit 0 after SIGTERM or SIGINT, 2 on a usage or bind error. */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "echo/echo.h"

static const char usage[] =
    "usage: gateguard echo --listen ADDR:PORT [--listen ...] [--name POD]\n"
    "                      [--namespace NS] [--service NAME] [--threads N]\n"
    "\n"
    "A backend for tests and demos that answers every request with JSON describing\n"
    "it, in the shape of the Gateway API conformance suite's echo-basic server:\n"
    "path (with the query), host, method, proto, headers (name -> values), namespace,\n"
    "service and pod. GET /health answers OK and /status/NNN answers NNN; ?delay=1s\n"
    "waits before answering; a request field 'X-Echo-Set-Header: Name:Value,...'\n"
    "sets those response fields.\n"
    "\n"
    "  --listen ADDR:PORT  an address to serve on, IPv4 or [IPv6] (repeatable; port 0\n"
    "                      picks a free one, printed on stdout)\n"
    "  --name POD          the pod name reported (default $POD_NAME)\n"
    "  --namespace NS      the namespace reported (default $NAMESPACE)\n"
    "  --service NAME      the service name reported (default $SERVICE_NAME)\n"
    "  --threads N         serve from N event threads instead of a thread per\n"
    "                      connection (a delay then holds one of the N)\n"
    "  -h, --help          show this help\n";

#define MAX_LISTEN 16

int gg_cmd_echo(int argc, char **argv)
{
    static const struct option options[] = {
        {"listen", required_argument, NULL, 'l'},
        {"name", required_argument, NULL, 'n'},
        {"namespace", required_argument, NULL, 'N'},
        {"service", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *listen[MAX_LISTEN];
    struct gg_echo_config cfg = {
        .listen = listen,
        .pod = getenv("POD_NAME"),
        .ns = getenv("NAMESPACE"),
        .service = getenv("SERVICE_NAME"),
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 'l':
            if (cfg.nlisten == MAX_LISTEN)
                return gg_cmd_usage_error("echo", "at most %d --listen addresses", MAX_LISTEN);
            listen[cfg.nlisten++] = optarg;
            break;
        case 'n':
            cfg.pod = optarg;
            break;
        case 'N':
            cfg.ns = optarg;
            break;
        case 's':
            cfg.service = optarg;
            break;
        case 't': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 64)
                return gg_cmd_usage_error("echo", "--threads wants 1 to 64, not \"%s\"", optarg);
            cfg.threads = (unsigned)n;
            break;
        }
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            return gg_cmd_usage_error("echo", "unknown flag");
        }
    }
    if (optind < argc)
        return gg_cmd_usage_error("echo", "unexpected argument \"%s\"", argv[optind]);
    if (!cfg.nlisten)
        return gg_cmd_usage_error("echo", "--listen ADDR:PORT is required");

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    char err[256];
    struct gg_echo *e = gg_echo_start(&cfg, err, sizeof(err));
    if (!e) {
        fprintf(stderr, "gateguard echo: %s\n", err);
        return 2;
    }
    for (size_t i = 0; i < cfg.nlisten; i++)
        printf("listening %s\n", gg_echo_bound(e, i));
    fflush(stdout);
    int sig;
    while (sigwait(&set, &sig) != 0)
        ;
    gg_echo_stop(e);
    return 0;
}
