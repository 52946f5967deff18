/* SPDX-License-Identifier: Apache-2.0 */
/* In-cluster and kubeconfig settings (config.h). kubeconfig files are read
 * with the project loader, so a message can name the line of the entry at
 * fault, and merged the way clientcmd merges KUBECONFIG lists. */
#include "kube/config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "validation/linemap.h"
#include "validation/load.h"
#include "validation/xalloc.h"

void gg_kube_config_init(struct gg_kube_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
}

void gg_kube_config_clear(struct gg_kube_config *cfg)
{
    free(cfg->server);
    free(cfg->ca_file);
    free(cfg->ca_pem);
    free(cfg->cert_file);
    free(cfg->cert_pem);
    free(cfg->key_file);
    /* the key is a secret: leave no copy behind in freed memory */
    if (cfg->key_pem)
        explicit_bzero(cfg->key_pem, cfg->key_pem_len);
    free(cfg->key_pem);
    if (cfg->token)
        explicit_bzero(cfg->token, strlen(cfg->token));
    free(cfg->token);
    free(cfg->token_file);
    free(cfg->origin);
    gg_kube_config_init(cfg);
}

static char *dup_or_null(const char *s)
{
    return s ? gg_xstrdup(s) : NULL;
}

static char *dup_bytes(const char *p, size_t n)
{
    return p ? gg_xstrndup(p, n) : NULL;
}

void gg_kube_config_copy(struct gg_kube_config *dst, const struct gg_kube_config *src)
{
    gg_kube_config_init(dst);
    dst->server = dup_or_null(src->server);
    dst->ca_file = dup_or_null(src->ca_file);
    dst->ca_pem = dup_bytes(src->ca_pem, src->ca_pem_len);
    dst->ca_pem_len = src->ca_pem_len;
    dst->cert_file = dup_or_null(src->cert_file);
    dst->cert_pem = dup_bytes(src->cert_pem, src->cert_pem_len);
    dst->cert_pem_len = src->cert_pem_len;
    dst->key_file = dup_or_null(src->key_file);
    dst->key_pem = dup_bytes(src->key_pem, src->key_pem_len);
    dst->key_pem_len = src->key_pem_len;
    dst->token = dup_or_null(src->token);
    dst->token_file = dup_or_null(src->token_file);
    dst->is_insecure = src->is_insecure;
    dst->origin = dup_or_null(src->origin);
}

/* --- files ------------------------------------------------------------------ */

/* Reads a small file whole; NULL with a message when it cannot or is larger
 * than GG_KUBE_MAX_CRED_FILE. */
static char *read_small(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        gg_seterr(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    struct gg_buf b;
    gg_buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (b.len + n > GG_KUBE_MAX_CRED_FILE) {
            gg_seterr(err, errlen, "%s: larger than %u bytes", path, GG_KUBE_MAX_CRED_FILE);
            fclose(f);
            gg_buf_clear(&b);
            return NULL;
        }
        gg_buf_add(&b, chunk, n);
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        gg_seterr(err, errlen, "%s: read error", path);
        gg_buf_clear(&b);
        return NULL;
    }
    *len = b.len;
    if (!b.data)
        gg_buf_add(&b, "", 0);
    return gg_buf_take(&b);
}

static bool is_readable_file(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        gg_seterr(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        gg_seterr(err, errlen, "%s: not a file", path);
        return false;
    }
    return true;
}

/* --- the token ---------------------------------------------------------- */

void gg_kube_token_init(struct gg_kube_token *t)
{
    memset(t, 0, sizeof(*t));
}

void gg_kube_token_clear(struct gg_kube_token *t)
{
    if (t->value)
        explicit_bzero(t->value, strlen(t->value));
    free(t->value);
    gg_kube_token_init(t);
}

/* A token goes into an HTTP header: surrounding blanks are dropped (files
 * end with a newline), and anything else outside printable ASCII refused. */
static char *clean_token(const char *s, size_t len)
{
    size_t a = 0;
    while (a < len && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r' || s[a] == '\n'))
        a++;
    while (len > a &&
           (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
        len--;
    if (a == len)
        return NULL;
    for (size_t i = a; i < len; i++)
        if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
            return NULL;
    return gg_xstrndup(s + a, len - a);
}

int gg_kube_token_get(const struct gg_kube_config *cfg, struct gg_kube_token *t, const char **out,
                      char *err, size_t errlen)
{
    *out = NULL;
    if (cfg->token) {
        *out = cfg->token;
        return 0;
    }
    if (!cfg->token_file)
        return 0;
    struct stat st;
    if (stat(cfg->token_file, &st) == 0 && t->value && st.st_dev == t->dev && st.st_ino == t->ino &&
        st.st_size == t->size && st.st_mtim.tv_sec == t->mtime.tv_sec &&
        st.st_mtim.tv_nsec == t->mtime.tv_nsec) {
        *out = t->value;
        return 0;
    }
    size_t len = 0;
    char *raw = read_small(cfg->token_file, &len, err, errlen);
    char *tok = raw ? clean_token(raw, len) : NULL;
    if (raw && !tok)
        gg_seterr(err, errlen, "%s: not a bearer token (empty, or bytes outside printable ASCII)",
                  cfg->token_file);
    if (raw) {
        explicit_bzero(raw, len);
        free(raw);
    }
    if (!tok) {
        *out = t->value; /* rotation caught mid-way: the old one may still do */
        return t->value ? 0 : -1;
    }
    gg_kube_token_clear(t);
    t->value = tok;
    t->dev = st.st_dev;
    t->ino = st.st_ino;
    t->size = st.st_size;
    t->mtime = st.st_mtim;
    *out = t->value;
    return 0;
}

/* --- in-cluster -------------------------------------------------------------- */

int gg_kube_config_incluster(struct gg_kube_config *cfg, const char *sa_dir, char *err,
                             size_t errlen)
{
    gg_kube_config_init(cfg);
    if (!sa_dir)
        sa_dir = getenv(GG_KUBE_SA_DIR_ENV);
    if (!sa_dir || !*sa_dir)
        sa_dir = GG_KUBE_SA_DIR;
    const char *host = getenv("KUBERNETES_SERVICE_HOST");
    const char *port = getenv("KUBERNETES_SERVICE_PORT");
    if (!host || !*host || !port || !*port) {
        gg_seterr(err, errlen,
                  "in-cluster configuration: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT "
                  "must be set (they are inside a pod); outside one, give --kubeconfig");
        return -1;
    }
    char *token = gg_xasprintf("%s/token", sa_dir);
    char *ca = gg_xasprintf("%s/ca.crt", sa_dir);
    char why[512];
    int rc = -1;
    if (!is_readable_file(token, why, sizeof(why)) || !is_readable_file(ca, why, sizeof(why))) {
        gg_seterr(err, errlen, "in-cluster configuration: %s", why);
        goto out;
    }
    /* an IPv6 service address needs brackets in a URL */
    cfg->server = strchr(host, ':') ? gg_xasprintf("https://[%s]:%s", host, port)
                                    : gg_xasprintf("https://%s:%s", host, port);
    cfg->token_file = token;
    cfg->ca_file = ca;
    token = ca = NULL;
    cfg->origin = gg_xstrdup("in-cluster");
    rc = 0;
out:
    free(token);
    free(ca);
    return rc;
}

/* --- kubeconfig ------------------------------------------------------------ */

/* The kubeconfig files of a KUBECONFIG list, each loaded. */
struct kcfiles {
    struct gg_docs docs; /* every file's documents */
    char **names;        /* per file: its path */
    json_t **roots;      /* per file: its first document (borrowed), or NULL */
    size_t n;
};

/* Where an entry was found: its file and its mapping. */
struct found {
    const char *file;
    const json_t *entry; /* the inner mapping: cluster, user or context */
    int line;
};

static const char *str_at(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The entry <name> of the list <list> ("clusters", "users", "contexts"),
 * the first file naming it winning; its inner mapping is under <inner>. */
static bool find_named(const struct kcfiles *k, const char *list, const char *inner,
                       const char *name, struct found *f)
{
    for (size_t i = 0; i < k->n; i++) {
        const json_t *arr = json_object_get(k->roots[i], list);
        size_t j;
        const json_t *item;
        json_array_foreach(arr, j, item)
        {
            const char *n = str_at(item, "name");
            if (n && strcmp(n, name) == 0) {
                f->file = k->names[i];
                f->entry = json_object_get(item, inner);
                f->line = gg_linemap_find(k->docs.lines, item);
                return true;
            }
        }
    }
    return false;
}

/* "FILE:LINE" of an entry, for messages. */
static void where(char *buf, size_t len, const struct found *f)
{
    if (f->line > 0)
        snprintf(buf, len, "%s:%d", f->file, f->line);
    else
        snprintf(buf, len, "%s", f->file);
}

static char *resolve(const char *file, const char *path)
{
    if (path[0] == '/')
        return gg_xstrdup(path);
    const char *slash = strrchr(file, '/');
    if (!slash)
        return gg_xstrdup(path);
    return gg_xasprintf("%.*s/%s", (int)(slash - file), file, path);
}

static int b64val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Standard base64 with padding, blanks ignored (YAML folds long values).
 * Returns the decoded bytes (NUL-terminated) or NULL when <s> is not
 * base64. */
static char *b64decode(const char *s, size_t *len)
{
    size_t n = strlen(s);
    char *out = gg_xmalloc(n / 4 * 3 + 4);
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0, pad = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        if (c == '=') {
            pad++;
            continue;
        }
        int v = b64val(c);
        if (v < 0 || pad)
            goto bad;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (char)((acc >> bits) & 0xff);
        }
    }
    /* leftover bits must be the zero padding of a whole quantum */
    if (pad > 2 || bits >= 6 || (acc & ((1u << bits) - 1)) != 0 || (pad && (bits / 2) != pad))
        goto bad;
    out[o] = '\0';
    *len = o;
    return out;
bad:
    free(out);
    return NULL;
}

/* Sets a PEM setting from <key> (a file, relative to the kubeconfig) or
 * <key>-data (base64); both present is refused, as clientcmd does. */
static int pem_setting(const struct found *f, const char *what, const char *key, char **file,
                       char **pem, size_t *pem_len, char *err, size_t errlen)
{
    char at[512], data_key[64];
    where(at, sizeof(at), f);
    snprintf(data_key, sizeof(data_key), "%s-data", key);
    const json_t *pv = json_object_get(f->entry, key);
    const json_t *dv = json_object_get(f->entry, data_key);
    if ((pv && !json_is_string(pv)) || (dv && !json_is_string(dv))) {
        gg_seterr(err, errlen, "%s: %s: %s must be a string", at, what, pv ? key : data_key);
        return -1;
    }
    const char *p = json_string_value(pv), *d = json_string_value(dv);
    if (p && *p && d && *d) {
        gg_seterr(err, errlen, "%s: %s: both %s and %s are set; keep one", at, what, key, data_key);
        return -1;
    }
    if (d && *d) {
        *pem = b64decode(d, pem_len);
        if (!*pem) {
            gg_seterr(err, errlen, "%s: %s: %s is not base64", at, what, data_key);
            return -1;
        }
    } else if (p && *p) {
        *file = resolve(f->file, p);
        char why[512];
        if (!is_readable_file(*file, why, sizeof(why))) {
            gg_seterr(err, errlen, "%s: %s: %s: %s", at, what, key, why);
            return -1;
        }
    }
    return 0;
}

static void free_files(struct kcfiles *k)
{
    for (size_t i = 0; i < k->n; i++)
        free(k->names[i]);
    free(k->names);
    free(k->roots);
    gg_docs_clear(&k->docs);
}

/* Loads each file of <paths>; a missing one is an error only when it is
 * the only one (clientcmd skips missing entries of a list). */
static int read_kubeconfigs(struct kcfiles *k, const char *paths, char *err, size_t errlen)
{
    memset(k, 0, sizeof(*k));
    gg_docs_init(&k->docs);
    bool is_single = strchr(paths, ':') == NULL;
    char *list = gg_xstrdup(paths), *save = NULL;
    int rc = 0;
    for (char *p = strtok_r(list, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
        struct stat st;
        if (!is_single && stat(p, &st) != 0 && errno == ENOENT)
            continue;
        size_t before = k->docs.n;
        char why[1024];
        if (gg_load_path(&k->docs, p, why, sizeof(why)) < 0) {
            gg_seterr(err, errlen, "kubeconfig %s", why);
            rc = -1;
            break;
        }
        k->names = gg_xrealloc(k->names, (k->n + 1) * sizeof(*k->names));
        k->roots = gg_xrealloc(k->roots, (k->n + 1) * sizeof(*k->roots));
        k->names[k->n] = gg_xstrdup(p);
        k->roots[k->n] = k->docs.n > before && json_is_object(k->docs.items[before].obj)
                             ? k->docs.items[before].obj
                             : NULL;
        k->n++;
    }
    free(list);
    if (rc == 0 && k->n == 0) {
        gg_seterr(err, errlen, "kubeconfig: none of the files in \"%s\" exists", paths);
        rc = -1;
    }
    return rc;
}

int gg_kube_config_kubeconfig(struct gg_kube_config *cfg, const char *paths, const char *context,
                              char *err, size_t errlen)
{
    gg_kube_config_init(cfg);
    struct kcfiles k;
    int rc = -1;
    char at[512];
    if (read_kubeconfigs(&k, paths, err, errlen) < 0)
        goto out;

    const char *ctx_name = context;
    const char *first = k.names[0];
    for (size_t i = 0; !ctx_name && i < k.n; i++) {
        const char *c = str_at(k.roots[i], "current-context");
        if (c && *c)
            ctx_name = c;
    }
    if (!ctx_name) {
        gg_seterr(err, errlen, "kubeconfig %s: current-context is not set; name a context", first);
        goto out;
    }
    struct found ctx, cluster, user;
    if (!find_named(&k, "contexts", "context", ctx_name, &ctx)) {
        gg_seterr(err, errlen, "kubeconfig %s: context \"%s\" not found", first, ctx_name);
        goto out;
    }
    where(at, sizeof(at), &ctx);
    const char *cluster_name = str_at(ctx.entry, "cluster");
    const char *user_name = str_at(ctx.entry, "user");
    if (!cluster_name || !*cluster_name) {
        gg_seterr(err, errlen, "%s: context \"%s\": missing field cluster", at, ctx_name);
        goto out;
    }
    if (!find_named(&k, "clusters", "cluster", cluster_name, &cluster)) {
        gg_seterr(err, errlen, "%s: context \"%s\": cluster \"%s\" not found", at, ctx_name,
                  cluster_name);
        goto out;
    }
    where(at, sizeof(at), &cluster);
    const char *server = str_at(cluster.entry, "server");
    if (!server || !*server) {
        gg_seterr(err, errlen, "%s: cluster \"%s\": missing field server", at, cluster_name);
        goto out;
    }
    if (strncmp(server, "https://", 8) != 0 && strncmp(server, "http://", 7) != 0) {
        gg_seterr(err, errlen, "%s: cluster \"%s\": server \"%s\" is not an http(s) URL", at,
                  cluster_name, server);
        goto out;
    }
    cfg->server = gg_xstrdup(server);
    for (size_t n = strlen(cfg->server); n && cfg->server[n - 1] == '/';)
        cfg->server[--n] = '\0';
    cfg->is_insecure = json_is_true(json_object_get(cluster.entry, "insecure-skip-tls-verify"));
    char what[300];
    snprintf(what, sizeof(what), "cluster \"%s\"", cluster_name);
    if (pem_setting(&cluster, what, "certificate-authority", &cfg->ca_file, &cfg->ca_pem,
                    &cfg->ca_pem_len, err, errlen) < 0)
        goto out;

    /* a context without a user talks to the server anonymously */
    if (user_name && *user_name) {
        if (!find_named(&k, "users", "user", user_name, &user)) {
            where(at, sizeof(at), &ctx);
            gg_seterr(err, errlen, "%s: context \"%s\": user \"%s\" not found", at, ctx_name,
                      user_name);
            goto out;
        }
        where(at, sizeof(at), &user);
        snprintf(what, sizeof(what), "user \"%s\"", user_name);
        static const char *const unsupported[] = {"exec", "auth-provider", "username", NULL};
        for (const char *const *u = unsupported; *u; u++) {
            if (json_object_get(user.entry, *u)) {
                gg_seterr(err, errlen,
                          "%s: %s: %s is not supported; use a token, tokenFile or a client "
                          "certificate",
                          at, what, *u);
                goto out;
            }
        }
        if (pem_setting(&user, what, "client-certificate", &cfg->cert_file, &cfg->cert_pem,
                        &cfg->cert_pem_len, err, errlen) < 0 ||
            pem_setting(&user, what, "client-key", &cfg->key_file, &cfg->key_pem, &cfg->key_pem_len,
                        err, errlen) < 0)
            goto out;
        bool has_cert = cfg->cert_file || cfg->cert_pem, has_key = cfg->key_file || cfg->key_pem;
        if (has_cert != has_key) {
            gg_seterr(err, errlen, "%s: %s: missing field %s", at, what,
                      has_cert ? "client-key (or client-key-data)"
                               : "client-certificate (or client-certificate-data)");
            goto out;
        }
        const char *token = str_at(user.entry, "token");
        const char *token_file = str_at(user.entry, "tokenFile");
        if (token && *token) {
            cfg->token = clean_token(token, strlen(token));
            if (!cfg->token) {
                gg_seterr(err, errlen, "%s: %s: token holds bytes outside printable ASCII", at,
                          what);
                goto out;
            }
        } else if (token_file && *token_file) {
            cfg->token_file = resolve(user.file, token_file);
            char why[512];
            if (!is_readable_file(cfg->token_file, why, sizeof(why))) {
                gg_seterr(err, errlen, "%s: %s: tokenFile: %s", at, what, why);
                goto out;
            }
        }
    }
    cfg->origin = gg_xasprintf("%s (context %s)", k.names[0], ctx_name);
    rc = 0;
out:
    if (rc < 0)
        gg_kube_config_clear(cfg);
    free_files(&k);
    return rc;
}

int gg_kube_config_load(struct gg_kube_config *cfg, const char *kubeconfig, char *err,
                        size_t errlen)
{
    if (kubeconfig && *kubeconfig)
        return gg_kube_config_kubeconfig(cfg, kubeconfig, NULL, err, errlen);
    const char *env = getenv("KUBECONFIG");
    if (env && *env)
        return gg_kube_config_kubeconfig(cfg, env, NULL, err, errlen);
    const char *host = getenv("KUBERNETES_SERVICE_HOST");
    if (host && *host)
        return gg_kube_config_incluster(cfg, NULL, err, errlen);
    const char *home = getenv("HOME");
    if (home && *home) {
        char *path = gg_xasprintf("%s/.kube/config", home);
        struct stat st;
        if (stat(path, &st) == 0) {
            int rc = gg_kube_config_kubeconfig(cfg, path, NULL, err, errlen);
            free(path);
            return rc;
        }
        free(path);
    }
    gg_kube_config_init(cfg);
    gg_seterr(err, errlen,
              "no Kubernetes configuration: give --kubeconfig, set KUBECONFIG, run in a pod, or "
              "create ~/.kube/config");
    return -1;
}
