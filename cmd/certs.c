/* SPDX-License-Identifier: Apache-2.0 */
/* `gateguard certs`: flags and messages around certs/certs.h, which does the
 * work. Exit 0 on success, 2 on a usage error or a failure to read or write. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certs/certs.h"
#include "cmd/cmd.h"
#include "validation/xalloc.h"

static const char usage[] =
    "usage: gateguard certs --out DIR --dns NAME[,NAME...] [--days N] [--print-ca-bundle]\n"
    "\n"
    "Writes a CA (ca.crt, ca.key) and a serving pair it signs (tls.crt, tls.key,\n"
    "ECDSA P-256) into DIR for the webhook Service's DNS names. Run again, it keeps\n"
    "the CA and renews the serving pair once a third of its lifetime remains or when\n"
    "the names change. Keys are written 0600.\n"
    "\n"
    "  --out DIR          where the four files live (created when missing)\n"
    "  --dns NAME,...     names the serving certificate covers; repeatable. An IP\n"
    "                     literal (127.0.0.1, ::1) becomes an IP SAN.\n"
    "  --days N           lifetime of a new serving certificate (default 365)\n"
    "  --print-ca-bundle  print ca.crt in base64 (a webhook's caBundle) on stdout;\n"
    "                     without --dns, only print it\n"
    "  -h, --help         show this help\n";

enum { OPT_OUT = 1, OPT_DNS, OPT_DAYS, OPT_BUNDLE };

static const struct option options[] = {
    {"out", required_argument, NULL, OPT_OUT},
    {"dns", required_argument, NULL, OPT_DNS},
    {"days", required_argument, NULL, OPT_DAYS},
    {"print-ca-bundle", no_argument, NULL, OPT_BUNDLE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

#define usage_error(...) gg_cmd_usage_error("certs", __VA_ARGS__)

/* Splits a --dns value on commas into <names>; empty entries are errors so a
 * stray comma does not silently drop a name. */
static int add_names(const char *arg, char ***names, size_t *n)
{
    const char *p = arg;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0)
            return -1;
        if (*n >= GG_CERTS_MAX_NAMES)
            return -1;
        *names = gg_xrealloc(*names, (*n + 1) * sizeof(**names));
        (*names)[(*n)++] = gg_xstrndup(p, len);
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

int gg_cmd_certs(int argc, char **argv)
{
    const char *out = NULL;
    char **names = NULL;
    size_t n_names = 0;
    long days = 0;
    int print_bundle = 0;
    int rc = 2;
    char err[512];

    optind = 0; /* glibc: start over, whoever parsed before */
    int c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case OPT_OUT:
            out = optarg;
            break;
        case OPT_DNS:
            if (add_names(optarg, &names, &n_names) != 0) {
                rc = usage_error("--dns %s: empty name, or too many names", optarg);
                goto out;
            }
            break;
        case OPT_DAYS: {
            char *end;
            days = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || days < 1 || days > GG_CERTS_MAX_DAYS) {
                rc = usage_error("--days %s: want a whole number of days, 1 to 36500", optarg);
                goto out;
            }
            break;
        }
        case OPT_BUNDLE:
            print_bundle = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            rc = 0;
            goto out;
        default:
            rc = usage_error("%s", "unknown or incomplete option");
            goto out;
        }
    }
    if (optind < argc) {
        rc = usage_error("unexpected argument '%s'", argv[optind]);
        goto out;
    }
    if (!out) {
        rc = usage_error("%s", "--out DIR is required");
        goto out;
    }
    if (n_names == 0 && !print_bundle) {
        rc = usage_error("%s", "--dns NAME is required");
        goto out;
    }

    if (n_names > 0) {
        struct gg_certs_opts o = {
            .dir = out,
            .names = (const char *const *)names,
            .n_names = n_names,
            .days = (int)days,
        };
        struct gg_certs_report rep;
        if (gg_certs_ensure(&o, &rep, err, sizeof(err)) != 0) {
            fprintf(stderr, "gateguard certs: %s\n", err);
            goto out;
        }
        if (rep.ca_created)
            fprintf(stderr, "certs: created CA %s/%s\n", out, GG_CERTS_CA_CERT);
        static const char *const verbs[] = {
            [GG_CERTS_KEPT] = "kept",
            [GG_CERTS_ISSUED] = "issued",
            [GG_CERTS_RENEWED] = "renewed",
        };
        if (rep.serving == GG_CERTS_KEPT) {
            fprintf(stderr, "certs: kept %s/%s: %s\n", out, GG_CERTS_TLS_CERT, rep.why);
        } else {
            char until[32];
            struct tm tm;
            gmtime_r(&rep.not_after, &tm);
            strftime(until, sizeof(until), "%Y-%m-%dT%H:%M:%SZ", &tm);
            fprintf(stderr, "certs: %s %s/%s, valid until %s: %s\n", verbs[rep.serving], out,
                    GG_CERTS_TLS_CERT, until, rep.why);
        }
    }
    if (print_bundle) {
        char *b64 = gg_certs_ca_bundle(out, err, sizeof(err));
        if (!b64) {
            fprintf(stderr, "gateguard certs: %s\n", err);
            goto out;
        }
        printf("%s\n", b64);
        free(b64);
    }
    rc = 0;
out:
    for (size_t i = 0; i < n_names; i++)
        free(names[i]);
    free(names);
    return rc;
}
