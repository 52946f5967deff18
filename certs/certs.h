/* SPDX-License-Identifier: Apache-2.0 */
/* The webhook's certificates, made with OpenSSL: a CA (ca.crt, ca.key) and an
 * ECDSA P-256 serving pair it signs (tls.crt, tls.key) for the Service's DNS
 * names. Re-running keeps the CA and renews the serving pair only when it is
 * due, so the chart's self-managed mode can run it on every install. Where
 * the files are mounted and how they reach the API server is left to callers. */
#ifndef GG_CERTS_H
#define GG_CERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define GG_CERTS_DEFAULT_DAYS 365 /* serving pair */
#define GG_CERTS_CA_DAYS 3650     /* a new CA */
#define GG_CERTS_MAX_DAYS 36500
#define GG_CERTS_MAX_NAMES 100

#define GG_CERTS_CA_CERT "ca.crt"
#define GG_CERTS_CA_KEY "ca.key"
#define GG_CERTS_TLS_CERT "tls.crt"
#define GG_CERTS_TLS_KEY "tls.key"

struct gg_certs_opts {
    const char *dir;          /* borrowed: created (0755) when missing */
    const char *const *names; /* borrowed: DNS names and IP literals, n_names of them */
    size_t n_names;
    int days;   /* lifetime of a new serving pair; 0 means GG_CERTS_DEFAULT_DAYS */
    time_t now; /* the clock; 0 means time(NULL) (tests pass their own) */
};

enum gg_certs_outcome {
    GG_CERTS_KEPT,    /* the serving pair on disk was good and not due */
    GG_CERTS_ISSUED,  /* there was none usable (missing, unreadable, other CA) */
    GG_CERTS_RENEWED, /* there was one, but it was due or its names differed */
};

struct gg_certs_report {
    bool ca_created;
    enum gg_certs_outcome serving;
    char why[512];      /* one line: why the serving pair was kept or (re)issued */
    time_t not_after;   /* of the serving certificate now on disk */
    time_t renew_after; /* from this time on, a rerun renews it */
};

/* Makes sure <o->dir> holds a CA and a serving pair for exactly <o->names>:
 * creates the CA when neither ca.crt nor ca.key exists, and (re)issues
 * tls.crt/tls.key when they are missing, unreadable, not signed by the CA,
 * name other SANs, or are within a third of their lifetime of expiry. A name
 * that is an IPv4 or IPv6 literal becomes an IP SAN, any other a DNS SAN.
 * Keys are written 0600, certificates 0644, each file replaced atomically.
 * Returns 0 and fills <rep>, or -1 with a message naming the file in <err>.
 * Not thread-safe with respect to other writers of the same directory. */
int gg_certs_ensure(const struct gg_certs_opts *o, struct gg_certs_report *rep, char *err,
                    size_t errlen);

/* The base64 of <dir>/ca.crt as a ValidatingWebhookConfiguration's caBundle
 * wants it (one line, no newline). The caller frees it; NULL with <err>
 * naming the file on failure. */
char *gg_certs_ca_bundle(const char *dir, char *err, size_t errlen);

/* Checks that the PEM certificate chain <cert> (leaf first) and PEM private
 * key <key> parse and belong together, as a TLS server loading them would
 * need; stores the leaf's notAfter in <not_after> (may be NULL). Returns 0,
 * or -1 with the reason in <err>. Thread-safe. */
int gg_certs_check_pair(const char *cert, size_t cert_len, const char *key, size_t key_len,
                        time_t *not_after, char *err, size_t errlen);

/* Reads the PEM files <cert_file> and <key_file> and checks them as
 * gg_certs_check_pair does. On success stores their contents (NUL-terminated;
 * the caller frees both) in <cert> and <key>; on failure sets both to NULL and
 * says which file is wrong in <err>. Thread-safe. */
int gg_certs_read_pair(const char *cert_file, const char *key_file, char **cert, char **key,
                       time_t *not_after, char *err, size_t errlen);

/* True when a certificate valid from <not_before> to <not_after> should be
 * renewed at <now>: once at most a third of its lifetime remains. */
bool gg_certs_due(time_t not_before, time_t not_after, time_t now);

/* Normalises one --dns entry into <out> (<outlen> bytes): a lower-cased DNS
 * name (a leading "*." allowed), or an IP literal in canonical form; sets
 * <is_ip>. Returns 0, or -1 with the reason in <err>. */
int gg_certs_parse_name(const char *in, char *out, size_t outlen, bool *is_ip, char *err,
                        size_t errlen);

#endif
