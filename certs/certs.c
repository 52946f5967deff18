/* SPDX-License-Identifier: Apache-2.0 */
/* The CA and serving pair behind `gateguard certs`, and the PEM pair check the
 * webhook runs before it serves a rotated certificate. OpenSSL 3 only; the
 * transport (GnuTLS inside libmicrohttpd) never sees these objects. */
#include "certs/certs.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "validation/xalloc.h"

#define MAX_PEM_FILE (1u << 20) /* far above any chain; refuses a wrong path early */
#define NAME_MAX_LEN 253
#define BACKDATE_SECONDS 300 /* tolerate a little clock skew between nodes */

/* The newest OpenSSL error of this thread as text, clearing the queue so the
 * next failure does not report a stale reason. */
static const char *ssl_reason(char *buf, size_t len)
{
    unsigned long e = ERR_peek_last_error();
    if (!e) {
        snprintf(buf, len, "unknown OpenSSL error");
    } else {
        const char *r = ERR_reason_error_string(e);
        snprintf(buf, len, "%s", r ? r : "unknown OpenSSL error");
    }
    ERR_clear_error();
    return buf;
}

/* --- names -------------------------------------------------------------- */

int gg_certs_parse_name(const char *in, char *out, size_t outlen, bool *is_ip, char *err,
                        size_t errlen)
{
    size_t n = strlen(in);
    unsigned char addr[16];
    if (n == 0) {
        gg_seterr(err, errlen, "empty name");
        return -1;
    }
    if (inet_pton(AF_INET, in, addr) == 1 || inet_pton(AF_INET6, in, addr) == 1) {
        int af = strchr(in, ':') ? AF_INET6 : AF_INET;
        char canon[INET6_ADDRSTRLEN];
        inet_ntop(af, addr, canon, sizeof(canon));
        if (strlen(canon) + 1 > outlen) {
            gg_seterr(err, errlen, "%s: name too long", in);
            return -1;
        }
        strcpy(out, canon);
        *is_ip = true;
        return 0;
    }
    if (n > NAME_MAX_LEN || n + 1 > outlen) {
        gg_seterr(err, errlen, "%.64s...: a DNS name has at most %d characters", in, NAME_MAX_LEN);
        return -1;
    }
    /* RFC 1123 labels, with a wildcard allowed only as the whole first label
     * (RFC 6125 6.4.3 leaves other placements to clients, which reject them). */
    size_t label = 0;
    for (size_t i = 0; i <= n; i++) {
        char c = in[i];
        if (c == '.' || c == '\0') {
            if (label == 0) {
                gg_seterr(err, errlen, "%s: empty label in DNS name", in);
                return -1;
            }
            if (in[i - 1] == '-') {
                gg_seterr(err, errlen, "%s: a label must not end with '-'", in);
                return -1;
            }
            label = 0;
            out[i] = c;
            continue;
        }
        if (c == '*' && i == 0 && in[1] == '.') {
            out[i] = c;
            label++;
            continue;
        }
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  (c == '-' && label > 0);
        if (!ok) {
            gg_seterr(err, errlen, "%s: '%c' is not allowed in a DNS name", in, c);
            return -1;
        }
        if (++label > 63) {
            gg_seterr(err, errlen, "%s: a label has at most 63 characters", in);
            return -1;
        }
        out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    *is_ip = false;
    return 0;
}

/* The wanted SANs as sorted "DNS:x" / "IP:y" strings, duplicates removed. */
struct sans {
    char **v;
    size_t n;
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sans_add(struct sans *s, bool is_ip, const char *name)
{
    s->v = gg_xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
    s->v[s->n++] = gg_xasprintf("%s:%s", is_ip ? "IP" : "DNS", name);
}

static void sans_sort(struct sans *s)
{
    if (s->n > 1)
        qsort(s->v, s->n, sizeof(*s->v), cmp_str);
    size_t w = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (w > 0 && strcmp(s->v[w - 1], s->v[i]) == 0) {
            free(s->v[i]);
            continue;
        }
        s->v[w++] = s->v[i];
    }
    s->n = w;
}

static void sans_clear(struct sans *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

static bool sans_equal(const struct sans *a, const struct sans *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i], b->v[i]) != 0)
            return false;
    return true;
}

static void sans_join(const struct sans *s, char *out, size_t outlen)
{
    size_t off = 0;
    out[0] = '\0';
    for (size_t i = 0; i < s->n && off < outlen; i++)
        off += (size_t)snprintf(out + off, outlen - off, "%s%s", i ? "," : "", s->v[i]);
}

static void sans_of_cert(X509 *x, struct sans *s)
{
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        if (g->type == GEN_DNS) {
            const ASN1_IA5STRING *d = g->d.dNSName;
            char *name =
                gg_xstrndup((const char *)ASN1_STRING_get0_data(d), (size_t)ASN1_STRING_length(d));
            sans_add(s, false, name);
            free(name);
        } else if (g->type == GEN_IPADD) {
            const ASN1_OCTET_STRING *ip = g->d.iPAddress;
            int len = ASN1_STRING_length(ip);
            char txt[INET6_ADDRSTRLEN];
            if ((len == 4 || len == 16) && inet_ntop(len == 4 ? AF_INET : AF_INET6,
                                                     ASN1_STRING_get0_data(ip), txt, sizeof(txt)))
                sans_add(s, true, txt);
        }
    }
    GENERAL_NAMES_free(gens);
    sans_sort(s);
}

/* --- files -------------------------------------------------------------- */

static char *path_join(const char *dir, const char *name)
{
    return gg_xasprintf("%s/%s", dir, name);
}

/* Reads a whole small file. Returns 0, 1 when it does not exist, or -1. */
static int read_small(const char *path, char **data, size_t *len, char *err, size_t errlen)
{
    *data = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 1;
        gg_seterr(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct gg_buf b;
    gg_buf_init(&b);
    int rc = -1;
    char chunk[8192];
    for (;;) {
        ssize_t r = read(fd, chunk, sizeof(chunk));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            gg_seterr(err, errlen, "%s: %s", path, strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        if (b.len + (size_t)r > MAX_PEM_FILE) {
            gg_seterr(err, errlen, "%s: larger than %u bytes; not a PEM file", path, MAX_PEM_FILE);
            goto out;
        }
        gg_buf_add(&b, chunk, (size_t)r);
    }
    *len = b.len;
    *data = b.data ? gg_buf_take(&b) : gg_xstrdup("");
    rc = 0;
out:
    if (rc != 0)
        gg_buf_clear(&b);
    close(fd);
    return rc;
}

/* Replaces <path> with <data> so a reader (the webhook's watcher) sees the
 * old file or the new one, never a torn write: a temporary file in the same
 * directory, fsync, then rename. */
static int write_atomic(const char *path, const void *data, size_t len, mode_t mode, char *err,
                        size_t errlen)
{
    char *tmp = gg_xasprintf("%s.tmp.XXXXXX", path);
    int rc = -1;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        gg_seterr(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    if (fchmod(fd, mode) != 0) {
        gg_seterr(err, errlen, "%s: %s", path, strerror(errno));
        goto out_unlink;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            gg_seterr(err, errlen, "%s: %s", path, strerror(errno));
            goto out_unlink;
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) != 0) {
        gg_seterr(err, errlen, "%s: %s", path, strerror(errno));
        goto out_unlink;
    }
    if (close(fd) != 0) {
        fd = -1;
        gg_seterr(err, errlen, "%s: %s", path, strerror(errno));
        goto out_unlink;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        gg_seterr(err, errlen, "%s: %s", path, strerror(errno));
        goto out_unlink;
    }
    rc = 0;
    goto out;
out_unlink:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
out:
    free(tmp);
    return rc;
}

static int ensure_dir(const char *dir, char *err, size_t errlen)
{
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            gg_seterr(err, errlen, "%s: not a directory", dir);
            return -1;
        }
        return 0;
    }
    /* mkdir -p, one component at a time */
    char *p = gg_xstrdup(dir);
    int rc = 0;
    for (char *s = p + 1; rc == 0; s++) {
        bool end = *s == '\0';
        if (*s != '/' && !end)
            continue;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            gg_seterr(err, errlen, "%s: %s", p, strerror(errno));
            rc = -1;
        }
        if (end)
            break;
        *s = '/';
    }
    free(p);
    return rc;
}

/* --- PEM in memory -------------------------------------------------------- */

static int no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1; /* an encrypted key is refused, never prompted for */
}

static X509 *parse_cert(const char *pem, size_t len)
{
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    if (!bio)
        return NULL;
    X509 *x = PEM_read_bio_X509(bio, NULL, no_password, NULL);
    BIO_free(bio);
    return x;
}

static EVP_PKEY *parse_key(const char *pem, size_t len)
{
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    if (!bio)
        return NULL;
    EVP_PKEY *k = PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL);
    BIO_free(bio);
    return k;
}

static int asn1_to_time(const ASN1_TIME *t, time_t *out)
{
    struct tm tm;
    if (!ASN1_TIME_to_tm(t, &tm))
        return -1;
    *out = timegm(&tm);
    return 0;
}

int gg_certs_check_pair(const char *cert, size_t cert_len, const char *key, size_t key_len,
                        time_t *not_after, char *err, size_t errlen)
{
    char why[256];
    int rc = -1;
    EVP_PKEY *k = NULL;
    X509 *x = NULL;
    if (cert_len > INT_MAX || key_len > INT_MAX) {
        gg_seterr(err, errlen, "certificate or key too large");
        return -1;
    }
    x = parse_cert(cert, cert_len);
    if (!x) {
        gg_seterr(err, errlen, "certificate: no PEM certificate (%s)",
                  ssl_reason(why, sizeof(why)));
        goto out;
    }
    k = parse_key(key, key_len);
    if (!k) {
        gg_seterr(err, errlen, "key: no unencrypted PEM private key (%s)",
                  ssl_reason(why, sizeof(why)));
        goto out;
    }
    if (X509_check_private_key(x, k) != 1) {
        ERR_clear_error();
        gg_seterr(err, errlen, "the key does not belong to the certificate");
        goto out;
    }
    time_t na;
    if (asn1_to_time(X509_get0_notAfter(x), &na) != 0) {
        gg_seterr(err, errlen, "certificate: unreadable notAfter");
        goto out;
    }
    if (not_after)
        *not_after = na;
    rc = 0;
out:
    EVP_PKEY_free(k);
    X509_free(x);
    return rc;
}

int gg_certs_read_pair(const char *cert_file, const char *key_file, char **cert, char **key,
                       time_t *not_after, char *err, size_t errlen)
{
    size_t clen, klen;
    char why[256];
    *cert = *key = NULL;
    int rc = read_small(cert_file, cert, &clen, err, errlen);
    if (rc == 1)
        gg_seterr(err, errlen, "%s: no such file", cert_file);
    if (rc != 0)
        goto fail;
    rc = read_small(key_file, key, &klen, err, errlen);
    if (rc == 1)
        gg_seterr(err, errlen, "%s: no such file", key_file);
    if (rc != 0)
        goto fail;
    if (gg_certs_check_pair(*cert, clen, *key, klen, not_after, why, sizeof(why)) != 0) {
        gg_seterr(err, errlen, "%s, %s: %s", cert_file, key_file, why);
        goto fail;
    }
    return 0;
fail:
    free(*cert);
    free(*key);
    *cert = *key = NULL;
    return -1;
}

bool gg_certs_due(time_t not_before, time_t not_after, time_t now)
{
    time_t lifetime = not_after - not_before;
    return now >= not_after || (not_after - now) * 3 <= lifetime;
}

/* --- issuing ---------------------------------------------------------------- */

struct pair {
    X509 *cert;
    EVP_PKEY *key;
};

static void pair_clear(struct pair *p)
{
    X509_free(p->cert);
    EVP_PKEY_free(p->key);
    p->cert = NULL;
    p->key = NULL;
}

static int add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
    if (!ext)
        return -1;
    int ok = X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    return ok ? 0 : -1;
}

static int set_random_serial(X509 *x)
{
    /* 159 random bits: positive, under RFC 5280's 20 octets, unguessable */
    BIGNUM *bn = BN_new();
    int rc = -1;
    if (bn && BN_rand(bn, 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) &&
        BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)))
        rc = 0;
    BN_free(bn);
    return rc;
}

/* Builds a certificate for <key> valid from <now> for <days> (ended early at
 * <cap> when non-zero), signed by <issuer> (NULL: self-signed CA). <san> is
 * an OpenSSL SAN list ("DNS:a,IP:1.2.3.4") or NULL for the CA. */
static X509 *build_cert(EVP_PKEY *key, const char *cn, const struct pair *issuer, time_t now,
                        int days, time_t cap, const char *san)
{
    X509 *x = X509_new();
    bool ok = x && X509_set_version(x, X509_VERSION_3) && set_random_serial(x) == 0;
    time_t end = now + (time_t)days * 86400;
    if (cap && end > cap)
        end = cap;
    ok = ok && X509_time_adj_ex(X509_getm_notBefore(x), 0, -BACKDATE_SECONDS, &now) &&
         X509_time_adj_ex(X509_getm_notAfter(x), 0, 0, &end);
    X509_NAME *name = X509_get_subject_name(x);
    ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1,
                                          -1, 0);
    ok = ok && X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer->cert) : name) &&
         X509_set_pubkey(x, key);
    if (!ok)
        goto fail;

    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer->cert : x, x, NULL, NULL, 0);
    if (!issuer) {
        ok = add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") == 0 &&
             add_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign") == 0 &&
             add_ext(x, &ctx, NID_subject_key_identifier, "hash") == 0;
    } else {
        /* ECDSA keys sign; keyEncipherment would be wrong for them */
        ok = add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE") == 0 &&
             add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature") == 0 &&
             add_ext(x, &ctx, NID_ext_key_usage, "serverAuth") == 0 &&
             add_ext(x, &ctx, NID_subject_alt_name, san) == 0 &&
             add_ext(x, &ctx, NID_subject_key_identifier, "hash") == 0 &&
             add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always") == 0;
    }
    if (!ok || !X509_sign(x, issuer ? issuer->key : key, EVP_sha256()))
        goto fail;
    return x;
fail:
    X509_free(x);
    return NULL;
}

static int write_pair(const struct pair *p, const char *cert_path, const char *key_path, char *err,
                      size_t errlen)
{
    char why[256];
    int rc = -1;
    BIO *cb = BIO_new(BIO_s_mem()), *kb = BIO_new(BIO_s_mem());
    if (!cb || !kb || !PEM_write_bio_X509(cb, p->cert)) {
        gg_seterr(err, errlen, "%s: %s", cert_path, ssl_reason(why, sizeof(why)));
        goto out;
    }
    if (!PEM_write_bio_PrivateKey(kb, p->key, NULL, NULL, 0, NULL, NULL)) {
        gg_seterr(err, errlen, "%s: %s", key_path, ssl_reason(why, sizeof(why)));
        goto out;
    }
    char *data;
    long klen = BIO_get_mem_data(kb, &data);
    /* the key first: a watcher that sees the new certificate then finds its key */
    if (write_atomic(key_path, data, (size_t)klen, 0600, err, errlen) != 0)
        goto out;
    long clen = BIO_get_mem_data(cb, &data);
    if (write_atomic(cert_path, data, (size_t)clen, 0644, err, errlen) != 0)
        goto out;
    rc = 0;
out:
    BIO_free(cb);
    BIO_free(kb);
    return rc;
}

static EVP_PKEY *new_key(void)
{
    return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

/* Loads <cert_path> and <key_path>. Returns 0, 1 when both are missing, or
 * -1 with a reason naming the file (one missing, unreadable, mismatched). */
static int load_pair(const char *cert_path, const char *key_path, struct pair *p, char *err,
                     size_t errlen)
{
    char *cpem = NULL, *kpem = NULL;
    size_t clen, klen;
    char why[256];
    int rc = -1;
    int rc_c = read_small(cert_path, &cpem, &clen, err, errlen);
    if (rc_c < 0)
        goto out;
    int rc_k = read_small(key_path, &kpem, &klen, err, errlen);
    if (rc_k < 0)
        goto out;
    if (rc_c == 1 && rc_k == 1) {
        rc = 1;
        goto out;
    }
    if (rc_c == 1 || rc_k == 1) {
        gg_seterr(err, errlen, "%s: missing while %s exists", rc_c ? cert_path : key_path,
                  rc_c ? key_path : cert_path);
        goto out;
    }
    p->cert = parse_cert(cpem, clen);
    if (!p->cert) {
        gg_seterr(err, errlen, "%s: not a PEM certificate (%s)", cert_path,
                  ssl_reason(why, sizeof(why)));
        goto out;
    }
    p->key = parse_key(kpem, klen);
    if (!p->key) {
        gg_seterr(err, errlen, "%s: not an unencrypted PEM private key (%s)", key_path,
                  ssl_reason(why, sizeof(why)));
        goto out;
    }
    if (X509_check_private_key(p->cert, p->key) != 1) {
        ERR_clear_error();
        gg_seterr(err, errlen, "%s: does not belong to %s", key_path, cert_path);
        goto out;
    }
    rc = 0;
out:
    if (rc != 0)
        pair_clear(p);
    free(cpem);
    free(kpem);
    return rc;
}

static void fmt_time(time_t t, char *buf, size_t len)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Decides whether the serving pair on disk can stay. Returns true to keep it;
 * otherwise says why in <why> and whether it counts as a renewal. */
static bool serving_is_good(const struct pair *ca, const char *cert_path, const char *key_path,
                            const struct sans *want, time_t now, struct gg_certs_report *rep,
                            bool *renewal)
{
    struct pair cur = {0};
    char reason[256];
    bool good = false;
    *renewal = false;
    int rc = load_pair(cert_path, key_path, &cur, reason, sizeof(reason));
    if (rc == 1) {
        snprintf(rep->why, sizeof(rep->why), "no serving pair in place");
        goto out;
    }
    if (rc < 0) {
        snprintf(rep->why, sizeof(rep->why), "replacing an unusable pair: %s", reason);
        goto out;
    }
    if (X509_check_issued(ca->cert, cur.cert) != X509_V_OK || X509_verify(cur.cert, ca->key) != 1) {
        ERR_clear_error();
        snprintf(rep->why, sizeof(rep->why), "%s is not signed by the CA in place", cert_path);
        goto out;
    }
    time_t nb, na;
    if (asn1_to_time(X509_get0_notBefore(cur.cert), &nb) != 0 ||
        asn1_to_time(X509_get0_notAfter(cur.cert), &na) != 0) {
        snprintf(rep->why, sizeof(rep->why), "%s: unreadable validity", cert_path);
        goto out;
    }
    *renewal = true;
    struct sans have = {0};
    sans_of_cert(cur.cert, &have);
    bool same = sans_equal(&have, want);
    if (!same) {
        char h[96], w[96];
        sans_join(&have, h, sizeof(h));
        sans_join(want, w, sizeof(w));
        snprintf(rep->why, sizeof(rep->why), "names changed from %s to %s", h, w);
    }
    sans_clear(&have);
    if (!same)
        goto out;
    char when[32];
    fmt_time(na, when, sizeof(when));
    if (gg_certs_due(nb, na, now)) {
        snprintf(rep->why, sizeof(rep->why), "expires %s, within a third of its lifetime", when);
        goto out;
    }
    rep->not_after = na;
    rep->renew_after = na - (na - nb) / 3;
    char renew[32];
    fmt_time(rep->renew_after, renew, sizeof(renew));
    snprintf(rep->why, sizeof(rep->why), "valid until %s; renews from %s", when, renew);
    good = true;
out:
    pair_clear(&cur);
    return good;
}

static int check_ca(const struct pair *ca, const char *ca_path, time_t now, time_t *ca_end,
                    char *err, size_t errlen)
{
    if (X509_check_ca(ca->cert) == 0) {
        gg_seterr(err, errlen, "%s: not a CA certificate", ca_path);
        return -1;
    }
    if (asn1_to_time(X509_get0_notAfter(ca->cert), ca_end) != 0) {
        gg_seterr(err, errlen, "%s: unreadable notAfter", ca_path);
        return -1;
    }
    if (*ca_end <= now) {
        char when[32];
        fmt_time(*ca_end, when, sizeof(when));
        gg_seterr(err, errlen, "%s: the CA expired %s; remove ca.crt and ca.key to make a new one",
                  ca_path, when);
        return -1;
    }
    return 0;
}

int gg_certs_ensure(const struct gg_certs_opts *o, struct gg_certs_report *rep, char *err,
                    size_t errlen)
{
    struct pair ca = {0}, srv = {0};
    struct sans want = {0};
    char *ca_crt = NULL, *ca_key = NULL, *tls_crt = NULL, *tls_key = NULL, *san = NULL;
    char why[256];
    int rc = -1;
    time_t now = o->now ? o->now : time(NULL);
    int days = o->days ? o->days : GG_CERTS_DEFAULT_DAYS;

    memset(rep, 0, sizeof(*rep));
    if (!o->dir || !*o->dir) {
        gg_seterr(err, errlen, "no output directory");
        return -1;
    }
    if (o->n_names == 0 || o->n_names > GG_CERTS_MAX_NAMES) {
        gg_seterr(err, errlen, "between 1 and %d names are needed", GG_CERTS_MAX_NAMES);
        return -1;
    }
    if (days < 1 || days > GG_CERTS_MAX_DAYS) {
        gg_seterr(err, errlen, "days must be between 1 and %d", GG_CERTS_MAX_DAYS);
        return -1;
    }
    const char *cn = NULL;
    char first[NAME_MAX_LEN + 1];
    for (size_t i = 0; i < o->n_names; i++) {
        char norm[NAME_MAX_LEN + 1];
        bool is_ip;
        if (gg_certs_parse_name(o->names[i], norm, sizeof(norm), &is_ip, err, errlen) != 0)
            goto out;
        sans_add(&want, is_ip, norm);
        if (!cn && strlen(norm) <= 64) {
            strcpy(first, norm);
            cn = first;
        }
    }
    sans_sort(&want);
    struct gg_buf sb;
    gg_buf_init(&sb);
    for (size_t i = 0; i < want.n; i++)
        gg_buf_addf(&sb, "%s%s", i ? "," : "", want.v[i]);
    san = gg_buf_take(&sb);

    if (ensure_dir(o->dir, err, errlen) != 0)
        goto out;
    ca_crt = path_join(o->dir, GG_CERTS_CA_CERT);
    ca_key = path_join(o->dir, GG_CERTS_CA_KEY);
    tls_crt = path_join(o->dir, GG_CERTS_TLS_CERT);
    tls_key = path_join(o->dir, GG_CERTS_TLS_KEY);

    int have_ca = load_pair(ca_crt, ca_key, &ca, err, errlen);
    if (have_ca < 0)
        goto out;
    time_t ca_end = 0;
    if (have_ca == 1) {
        ca.key = new_key();
        ca.cert = ca.key ? build_cert(ca.key, "gateguard-ca", NULL, now, GG_CERTS_CA_DAYS, 0, NULL)
                         : NULL;
        if (!ca.cert) {
            gg_seterr(err, errlen, "%s: cannot make a CA: %s", ca_crt,
                      ssl_reason(why, sizeof(why)));
            goto out;
        }
        if (write_pair(&ca, ca_crt, ca_key, err, errlen) != 0)
            goto out;
        rep->ca_created = true;
        ca_end = now + (time_t)GG_CERTS_CA_DAYS * 86400;
    } else if (check_ca(&ca, ca_crt, now, &ca_end, err, errlen) != 0) {
        goto out;
    }

    bool renewal = false;
    if (!rep->ca_created && serving_is_good(&ca, tls_crt, tls_key, &want, now, rep, &renewal)) {
        rep->serving = GG_CERTS_KEPT;
        rc = 0;
        goto out;
    }
    if (rep->ca_created)
        snprintf(rep->why, sizeof(rep->why), "a new CA signs a new pair");
    rep->serving = renewal ? GG_CERTS_RENEWED : GG_CERTS_ISSUED;

    srv.key = new_key();
    srv.cert =
        srv.key ? build_cert(srv.key, cn ? cn : "gateguard", &ca, now, days, ca_end, san) : NULL;
    if (!srv.cert) {
        gg_seterr(err, errlen, "%s: cannot issue: %s", tls_crt, ssl_reason(why, sizeof(why)));
        goto out;
    }
    if (write_pair(&srv, tls_crt, tls_key, err, errlen) != 0)
        goto out;
    time_t nb = now - BACKDATE_SECONDS;
    if (asn1_to_time(X509_get0_notBefore(srv.cert), &nb) != 0 ||
        asn1_to_time(X509_get0_notAfter(srv.cert), &rep->not_after) != 0) {
        gg_seterr(err, errlen, "%s: unreadable validity", tls_crt);
        goto out;
    }
    rep->renew_after = rep->not_after - (rep->not_after - nb) / 3;
    rc = 0;
out:
    pair_clear(&ca);
    pair_clear(&srv);
    sans_clear(&want);
    free(san);
    free(ca_crt);
    free(ca_key);
    free(tls_crt);
    free(tls_key);
    return rc;
}

char *gg_certs_ca_bundle(const char *dir, char *err, size_t errlen)
{
    char *path = path_join(dir, GG_CERTS_CA_CERT);
    char *pem = NULL, *out = NULL;
    size_t len;
    int rc = read_small(path, &pem, &len, err, errlen);
    if (rc == 1)
        gg_seterr(err, errlen, "%s: no such file", path);
    if (rc != 0)
        goto out;
    X509 *x = parse_cert(pem, len);
    if (!x) {
        char why[256];
        gg_seterr(err, errlen, "%s: not a PEM certificate (%s)", path,
                  ssl_reason(why, sizeof(why)));
        goto out;
    }
    X509_free(x);
    out = gg_xmalloc(4 * ((len + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)pem, (int)len);
out:
    free(pem);
    free(path);
    return out;
}
