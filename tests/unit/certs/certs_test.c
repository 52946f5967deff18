/* SPDX-License-Identifier: Apache-2.0 */
/* certs/certs.c: real keys and certificates in a temporary directory,
 * checked with OpenSSL's own verifier rather than with the code under test. */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "certs/certs.h"

#define DAY 86400
#define T0 ((time_t)1893456000) /* 2030-01-01T00:00:00Z: fixed, so runs agree */

static char dir[64];

static void make_dir(void)
{
    strcpy(dir, "/tmp/gg-certs-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st;
    (void)flag;
    (void)f;
    return remove(p);
}

static void remove_dir(void)
{
    nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

TestSuite(certs, .init = make_dir, .fini = remove_dir);

static char *path(const char *name)
{
    static char buf[4][128];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
    return buf[i];
}

static X509 *load_cert(const char *name)
{
    FILE *f = fopen(path(name), "r");
    cr_assert_not_null(f, "%s missing", name);
    X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    cr_assert_not_null(x, "%s is not a PEM certificate", name);
    return x;
}

static char *slurp(const char *name, size_t *len)
{
    FILE *f = fopen(path(name), "r");
    cr_assert_not_null(f, "%s missing", name);
    char *buf = calloc(1, 1 << 16);
    *len = fread(buf, 1, (1 << 16) - 1, f);
    fclose(f);
    return buf;
}

static bool same_file(const char *name, const char *content)
{
    size_t len;
    char *now = slurp(name, &len);
    bool same = strcmp(now, content) == 0;
    free(now);
    return same;
}

static int ensure(const char *const *names, size_t n, int days, time_t now,
                  struct gg_certs_report *rep, char *err)
{
    struct gg_certs_opts o = {.dir = dir, .names = names, .n_names = n, .days = days, .now = now};
    return gg_certs_ensure(&o, rep, err, 512);
}

/* Verifies tls.crt against ca.crt at <when>, for <host> (DNS) or <ip>. */
static int verify_at(time_t when, const char *host, const char *ip)
{
    X509 *ca = load_cert("ca.crt"), *leaf = load_cert("tls.crt");
    X509_STORE *store = X509_STORE_new();
    X509_STORE_add_cert(store, ca);
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    X509_STORE_CTX_init(ctx, store, leaf, NULL);
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_time(param, when);
    X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
    if (host)
        X509_VERIFY_PARAM_set1_host(param, host, 0);
    if (ip)
        X509_VERIFY_PARAM_set1_ip_asc(param, ip);
    int ok = X509_verify_cert(ctx);
    int result = ok == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    X509_free(ca);
    X509_free(leaf);
    return result;
}

static mode_t mode_of(const char *name)
{
    struct stat st;
    cr_assert_eq(stat(path(name), &st), 0, "%s missing", name);
    return st.st_mode & 0777;
}

static const char *const names[] = {"gateguard.gateguard-system.svc", "localhost", "127.0.0.1"};

Test(certs, creates_a_ca_and_a_serving_pair_that_verifies_for_every_name)
{
    struct gg_certs_report rep;
    char err[512];
    cr_assert_eq(ensure(names, 3, 0, T0, &rep, err), 0, "%s", err);
    cr_assert(rep.ca_created);
    cr_assert_eq(rep.serving, GG_CERTS_ISSUED);
    cr_assert_eq(verify_at(T0 + DAY, "gateguard.gateguard-system.svc", NULL), X509_V_OK);
    cr_assert_eq(verify_at(T0 + DAY, "localhost", NULL), X509_V_OK);
    cr_assert_eq(verify_at(T0 + DAY, NULL, "127.0.0.1"), X509_V_OK);
    cr_assert_eq(verify_at(T0 + DAY, "other.example", NULL), X509_V_ERR_HOSTNAME_MISMATCH);
    cr_assert_eq(verify_at(T0 + DAY, NULL, "10.0.0.1"), X509_V_ERR_IP_ADDRESS_MISMATCH);
    cr_assert_eq(verify_at(T0 + 366 * DAY, "localhost", NULL), X509_V_ERR_CERT_HAS_EXPIRED);
    cr_assert_eq(rep.not_after, T0 + 365 * DAY);
}

Test(certs, writes_keys_0600_and_certificates_0644)
{
    struct gg_certs_report rep;
    char err[512];
    cr_assert_eq(ensure(names, 3, 0, T0, &rep, err), 0, "%s", err);
    cr_assert_eq(mode_of("ca.key"), 0600);
    cr_assert_eq(mode_of("tls.key"), 0600);
    cr_assert_eq(mode_of("ca.crt"), 0644);
    cr_assert_eq(mode_of("tls.crt"), 0644);
}

Test(certs, serving_key_is_ecdsa_p256_and_the_san_list_is_exact)
{
    struct gg_certs_report rep;
    char err[512];
    cr_assert_eq(ensure(names, 3, 0, T0, &rep, err), 0, "%s", err);
    X509 *leaf = load_cert("tls.crt");
    EVP_PKEY *pub = X509_get0_pubkey(leaf);
    cr_assert_eq(EVP_PKEY_get_base_id(pub), EVP_PKEY_EC);
    char group[64];
    size_t glen;
    cr_assert(EVP_PKEY_get_group_name(pub, group, sizeof(group), &glen));
    cr_assert_str_eq(group, "prime256v1");

    GENERAL_NAMES *gens = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
    cr_assert_not_null(gens);
    int dns = 0, ips = 0;
    for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        if (g->type == GEN_DNS) {
            dns++;
            const char *s = (const char *)ASN1_STRING_get0_data(g->d.dNSName);
            cr_assert(strcmp(s, "localhost") == 0 ||
                          strcmp(s, "gateguard.gateguard-system.svc") == 0,
                      "unexpected DNS SAN %s", s);
        } else if (g->type == GEN_IPADD) {
            ips++;
            cr_assert_eq(ASN1_STRING_length(g->d.iPAddress), 4);
            cr_assert_eq(memcmp(ASN1_STRING_get0_data(g->d.iPAddress), "\x7f\0\0\x01", 4), 0);
        }
    }
    cr_assert_eq(dns, 2);
    cr_assert_eq(ips, 1);
    GENERAL_NAMES_free(gens);
    cr_assert_eq(X509_check_ca(leaf), 0, "the serving certificate must not be a CA");
    X509_free(leaf);
}

Test(certs, keeps_the_pair_while_more_than_a_third_of_its_lifetime_remains)
{
    struct gg_certs_report rep;
    char err[512];
    size_t len;
    cr_assert_eq(ensure(names, 3, 0, T0, &rep, err), 0, "%s", err);
    char *crt = slurp("tls.crt", &len), *ca = slurp("ca.crt", &len);
    cr_assert_eq(ensure(names, 3, 0, T0 + 240 * DAY, &rep, err), 0, "%s", err);
    cr_assert_not(rep.ca_created);
    cr_assert_eq(rep.serving, GG_CERTS_KEPT, "%s", rep.why);
    cr_assert(same_file("tls.crt", crt));
    cr_assert(same_file("ca.crt", ca));
    free(crt);
    free(ca);
}

Test(certs, renews_the_pair_within_a_third_of_its_lifetime_and_keeps_the_ca)
{
    struct gg_certs_report rep;
    char err[512];
    size_t len;
    cr_assert_eq(ensure(names, 3, 0, T0, &rep, err), 0, "%s", err);
    char *crt = slurp("tls.crt", &len), *ca = slurp("ca.crt", &len);
    time_t later = T0 + 250 * DAY;
    cr_assert_eq(ensure(names, 3, 0, later, &rep, err), 0, "%s", err);
    cr_assert_not(rep.ca_created);
    cr_assert_eq(rep.serving, GG_CERTS_RENEWED);
    cr_assert(strstr(rep.why, "within a third of its lifetime"), "%s", rep.why);
    cr_assert_not(same_file("tls.crt", crt));
    cr_assert(same_file("ca.crt", ca));
    cr_assert_eq(rep.not_after, later + 365 * DAY);
    cr_assert_eq(verify_at(later + 300 * DAY, "localhost", NULL), X509_V_OK);
    free(crt);
    free(ca);
}

Test(certs, renews_the_pair_when_the_names_change)
{
    struct gg_certs_report rep;
    char err[512];
    cr_assert_eq(ensure(names, 3, 0, T0, &rep, err), 0, "%s", err);
    const char *const fewer[] = {"localhost"};
    cr_assert_eq(ensure(fewer, 1, 0, T0 + DAY, &rep, err), 0, "%s", err);
    cr_assert_eq(rep.serving, GG_CERTS_RENEWED);
    cr_assert(strstr(rep.why, "names changed"), "%s", rep.why);
    cr_assert_eq(verify_at(T0 + 2 * DAY, NULL, "127.0.0.1"), X509_V_ERR_IP_ADDRESS_MISMATCH);
    /* the same names in another order and case are the same set */
    const char *const again[] = {"LOCALHOST", "localhost"};
    cr_assert_eq(ensure(again, 2, 0, T0 + 2 * DAY, &rep, err), 0, "%s", err);
    cr_assert_eq(rep.serving, GG_CERTS_KEPT, "%s", rep.why);
}

Test(certs, reissues_a_pair_signed_by_another_ca)
{
    struct gg_certs_report rep;
    char err[512];
    cr_assert_eq(ensure(names, 3, 0, T0, &rep, err), 0, "%s", err);
    /* a new CA: the old pair on disk no longer chains to it */
    cr_assert_eq(unlink(path("ca.crt")), 0);
    cr_assert_eq(unlink(path("ca.key")), 0);
    size_t len;
    char *old = slurp("tls.crt", &len);
    struct gg_certs_opts o = {.dir = dir, .names = names, .n_names = 3, .now = T0};
    cr_assert_eq(gg_certs_ensure(&o, &rep, err, sizeof(err)), 0, "%s", err);
    cr_assert(rep.ca_created);
    cr_assert_not(same_file("tls.crt", old));
    cr_assert_eq(verify_at(T0 + DAY, "localhost", NULL), X509_V_OK);
    free(old);
}

Test(certs, replaces_an_unreadable_serving_certificate_and_says_which_file)
{
    struct gg_certs_report rep;
    char err[512];
    cr_assert_eq(ensure(names, 3, 0, T0, &rep, err), 0, "%s", err);
    FILE *f = fopen(path("tls.crt"), "w");
    fputs("not a certificate\n", f);
    fclose(f);
    cr_assert_eq(ensure(names, 3, 0, T0 + DAY, &rep, err), 0, "%s", err);
    cr_assert_eq(rep.serving, GG_CERTS_ISSUED);
    cr_assert(strstr(rep.why, "tls.crt"), "%s", rep.why);
    cr_assert_eq(verify_at(T0 + 2 * DAY, "localhost", NULL), X509_V_OK);
}

Test(certs, refuses_a_ca_certificate_without_its_key)
{
    struct gg_certs_report rep;
    char err[512];
    cr_assert_eq(ensure(names, 3, 0, T0, &rep, err), 0, "%s", err);
    cr_assert_eq(unlink(path("ca.key")), 0);
    cr_assert_eq(ensure(names, 3, 0, T0, &rep, err), -1);
    cr_assert(strstr(err, "ca.key: missing while"), "%s", err);
}

Test(certs, refuses_a_ca_file_that_is_not_pem_and_names_it)
{
    struct gg_certs_report rep;
    char err[512];
    cr_assert_eq(ensure(names, 3, 0, T0, &rep, err), 0, "%s", err);
    FILE *f = fopen(path("ca.crt"), "w");
    fputs("garbage\n", f);
    fclose(f);
    cr_assert_eq(ensure(names, 3, 0, T0, &rep, err), -1);
    cr_assert(strstr(err, "/ca.crt: not a PEM certificate"), "%s", err);
}

Test(certs, refuses_an_expired_ca)
{
    struct gg_certs_report rep;
    char err[512];
    cr_assert_eq(ensure(names, 3, 0, T0, &rep, err), 0, "%s", err);
    cr_assert_eq(ensure(names, 3, 0, T0 + (GG_CERTS_CA_DAYS + 1) * (time_t)DAY, &rep, err), -1);
    cr_assert(strstr(err, "the CA expired"), "%s", err);
}

Test(certs, never_issues_past_the_ca_expiry)
{
    struct gg_certs_report rep;
    char err[512];
    cr_assert_eq(ensure(names, 3, 0, T0, &rep, err), 0, "%s", err);
    X509 *ca = load_cert("ca.crt");
    time_t late = T0 + (GG_CERTS_CA_DAYS - 100) * (time_t)DAY;
    cr_assert_eq(ensure(names, 3, 0, late, &rep, err), 0, "%s", err);
    cr_assert_eq(rep.serving, GG_CERTS_RENEWED);
    cr_assert_eq(ASN1_TIME_cmp_time_t(X509_get0_notAfter(ca), rep.not_after), 0);
    X509_free(ca);
}

Test(certs, rejects_bad_names_and_days)
{
    struct gg_certs_report rep;
    char err[512];
    const char *const bad[] = {"under_score.example"};
    cr_assert_eq(ensure(bad, 1, 0, T0, &rep, err), -1);
    cr_assert(strstr(err, "'_' is not allowed"), "%s", err);
    cr_assert_eq(ensure(names, 3, GG_CERTS_MAX_DAYS + 1, T0, &rep, err), -1);
    cr_assert_eq(ensure(names, 0, 0, T0, &rep, err), -1);
    struct stat st;
    cr_assert_neq(stat(path("ca.crt"), &st), 0, "nothing is written for refused input");
}

Test(certs, ca_bundle_is_the_base64_of_ca_crt)
{
    struct gg_certs_report rep;
    char err[512];
    cr_assert_eq(ensure(names, 3, 0, T0, &rep, err), 0, "%s", err);
    char *b64 = gg_certs_ca_bundle(dir, err, sizeof(err));
    cr_assert_not_null(b64, "%s", err);
    cr_assert_null(strchr(b64, '\n'));
    unsigned char decoded[8192];
    int n = EVP_DecodeBlock(decoded, (const unsigned char *)b64, (int)strlen(b64));
    cr_assert_gt(n, 0);
    size_t len;
    char *pem = slurp("ca.crt", &len);
    /* DecodeBlock keeps the zero bytes that padding stands for */
    cr_assert_geq((size_t)n, len);
    cr_assert_eq(memcmp(decoded, pem, len), 0);
    free(pem);
    free(b64);
}

Test(certs, ca_bundle_names_a_missing_file)
{
    char err[512];
    cr_assert_null(gg_certs_ca_bundle(dir, err, sizeof(err)));
    cr_assert(strstr(err, "/ca.crt: no such file"), "%s", err);
}

Test(certs_check_pair, accepts_a_matching_pair_and_reports_not_after)
{
    struct gg_certs_report rep;
    char err[512];
    make_dir();
    cr_assert_eq(ensure(names, 3, 0, T0, &rep, err), 0, "%s", err);
    size_t clen, klen;
    char *crt = slurp("tls.crt", &clen), *key = slurp("tls.key", &klen);
    time_t na = 0;
    cr_assert_eq(gg_certs_check_pair(crt, clen, key, klen, &na, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(na, T0 + 365 * DAY);
    free(key);
    /* the CA's key with the serving certificate: refused */
    key = slurp("ca.key", &klen);
    cr_assert_eq(gg_certs_check_pair(crt, clen, key, klen, &na, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "the key does not belong to the certificate");
    cr_assert_eq(gg_certs_check_pair("x", 1, key, klen, &na, err, sizeof(err)), -1);
    cr_assert(strstr(err, "no PEM certificate"), "%s", err);
    free(crt);
    free(key);
    remove_dir();
}

Test(certs_due, renews_at_two_thirds_of_the_lifetime)
{
    cr_assert_not(gg_certs_due(0, 300, 199));
    cr_assert(gg_certs_due(0, 300, 200));
    cr_assert(gg_certs_due(0, 300, 300));
    cr_assert(gg_certs_due(0, 300, 1000));
}

Test(certs_parse_name, normalises_case_and_ip_literals)
{
    char out[256], err[256];
    bool is_ip;
    cr_assert_eq(gg_certs_parse_name("Web.Example.COM", out, sizeof(out), &is_ip, err, 256), 0);
    cr_assert_str_eq(out, "web.example.com");
    cr_assert_not(is_ip);
    cr_assert_eq(gg_certs_parse_name("0:0::1", out, sizeof(out), &is_ip, err, 256), 0);
    cr_assert_str_eq(out, "::1");
    cr_assert(is_ip);
    cr_assert_eq(gg_certs_parse_name("*.svc.local", out, sizeof(out), &is_ip, err, 256), 0);
    cr_assert_str_eq(out, "*.svc.local");
}

Test(certs_parse_name, rejects_misplaced_wildcards_and_bad_labels)
{
    char out[256], err[256];
    bool is_ip;
    cr_assert_eq(gg_certs_parse_name("a.*.example", out, sizeof(out), &is_ip, err, 256), -1);
    cr_assert_eq(gg_certs_parse_name("-a.example", out, sizeof(out), &is_ip, err, 256), -1);
    cr_assert_eq(gg_certs_parse_name("a-.example", out, sizeof(out), &is_ip, err, 256), -1);
    cr_assert_str_eq(err, "a-.example: a label must not end with '-'");
    cr_assert_eq(gg_certs_parse_name("a..example", out, sizeof(out), &is_ip, err, 256), -1);
    cr_assert_eq(gg_certs_parse_name("", out, sizeof(out), &is_ip, err, 256), -1);
}

Test(certs_read_pair, reads_both_files_and_names_the_one_that_is_wrong)
{
    struct gg_certs_report rep;
    char err[512], crt[128], key[128], ca_key[128];
    make_dir();
    cr_assert_eq(ensure(names, 3, 0, T0, &rep, err), 0, "%s", err);
    snprintf(crt, sizeof(crt), "%s/tls.crt", dir);
    snprintf(key, sizeof(key), "%s/tls.key", dir);
    snprintf(ca_key, sizeof(ca_key), "%s/ca.key", dir);
    char *c = NULL, *k = NULL;
    time_t na = 0;
    cr_assert_eq(gg_certs_read_pair(crt, key, &c, &k, &na, err, sizeof(err)), 0, "%s", err);
    cr_assert(strstr(c, "-----BEGIN CERTIFICATE-----"));
    cr_assert(strstr(k, "-----BEGIN PRIVATE KEY-----"));
    cr_assert_eq(na, T0 + 365 * DAY);
    free(c);
    free(k);

    cr_assert_eq(gg_certs_read_pair(crt, ca_key, &c, &k, &na, err, sizeof(err)), -1);
    cr_assert_null(c);
    cr_assert_null(k);
    char want[512];
    snprintf(want, sizeof(want), "%s, %s: the key does not belong to the certificate", crt, ca_key);
    cr_assert_str_eq(err, want);

    unlink(key);
    cr_assert_eq(gg_certs_read_pair(crt, key, &c, &k, &na, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s: no such file", key);
    cr_assert_str_eq(err, want);
    remove_dir();
}
