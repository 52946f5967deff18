/* SPDX-License-Identifier: Apache-2.0 */
/* The Kubernetes API client of client.h on libcurl. Each request gets a fresh
 * easy handle with the TLS settings and a bearer token read just before, so a
 * rotated token is picked up by the next request; connections are reused by
 * the multi handle a caller drives them with. */
#include "kube/client.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef GG_VERSION
#define GG_VERSION "dev"
#endif

struct gg_kube_client {
    struct gg_kube_config cfg;
    pthread_mutex_t lock; /* guards token: requests may start on several threads */
    struct gg_kube_token token;
};

const char *gg_kube_strerror(int code)
{
    switch (code) {
#define GG_X(name, num, text)                                                                      \
    case num:                                                                                      \
        return text;
        GG_KUBE_ERR_MAP(GG_X)
#undef GG_X
    default:
        return "unknown error";
    }
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct gg_kube_client *gg_kube_client_new(const struct gg_kube_config *cfg, char *err,
                                          size_t errlen)
{
    if (!cfg->server || !*cfg->server) {
        gg_seterr(err, errlen, "Kubernetes configuration without a server");
        return NULL;
    }
    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK) {
        gg_seterr(err, errlen, "libcurl: %s", curl_easy_strerror(curl_init_rc));
        return NULL;
    }
    struct gg_kube_client *c = gg_xcalloc(1, sizeof(*c));
    gg_kube_config_copy(&c->cfg, cfg);
    pthread_mutex_init(&c->lock, NULL);
    gg_kube_token_init(&c->token);
    return c;
}

void gg_kube_client_free(struct gg_kube_client *c)
{
    if (!c)
        return;
    gg_kube_token_clear(&c->token);
    pthread_mutex_destroy(&c->lock);
    gg_kube_config_clear(&c->cfg);
    free(c);
}

/* --- transfer callbacks ------------------------------------------------------ */

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
    struct gg_kube_req *r = arg;
    size_t len = size * n;
    /* the blank line ending a block of headers; 1xx blocks come before the
     * final one and are skipped */
    if ((len == 2 && data[0] == '\r' && data[1] == '\n') || (len == 1 && data[0] == '\n')) {
        long status = 0;
        curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 200 && r->status == 0)
            r->status = status;
    }
    return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    struct gg_kube_req *r = arg;
    size_t len = size * n;
    if (r->status == 0) /* no header callback seen (cannot happen with HTTP) */
        curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->status);
    if (r->is_stream && r->status >= 200 && r->status < 300) {
        int rc = gg_lines_feed(&r->lines, data, len, r->on_line, r->on_line_ctx);
        if (rc) {
            r->stream_rc = rc;
            return CURL_WRITEFUNC_ERROR;
        }
        return len;
    }
    size_t max =
        r->is_stream || r->status < 200 || r->status >= 300 ? GG_KUBE_MAX_ERROR_BODY : r->max_body;
    if (r->body.len + len > max) {
        r->is_too_big = true;
        return CURL_WRITEFUNC_ERROR;
    }
    gg_buf_add(&r->body, data, len);
    return len;
}

/* --- requests ------------------------------------------------------------- */

static void set_pem(CURL *e, CURLoption blob_opt, CURLoption file_opt, const char *pem, size_t len,
                    const char *file)
{
    if (pem) {
        struct curl_blob blob = {.data = (void *)pem, .len = len, .flags = CURL_BLOB_COPY};
        curl_easy_setopt(e, blob_opt, &blob);
    } else if (file) {
        curl_easy_setopt(e, file_opt, file);
    }
}

int gg_kube_req_init(struct gg_kube_req *r, struct gg_kube_client *c, const char *path,
                     const char *accept, long timeout_s, char *err, size_t errlen)
{
    memset(r, 0, sizeof(*r));
    const struct gg_kube_config *cfg = &c->cfg;
    char why[512];
    const char *tok;
    pthread_mutex_lock(&c->lock);
    if (gg_kube_token_get(cfg, &c->token, &tok, why, sizeof(why)) < 0) {
        pthread_mutex_unlock(&c->lock);
        gg_seterr(err, errlen, "GET %s: %s", path, why);
        return GG_KUBE_ECONFIG;
    }
    char *auth = tok ? gg_xasprintf("Authorization: Bearer %s", tok) : NULL;
    pthread_mutex_unlock(&c->lock);

    r->easy = curl_easy_init();
    if (!r->easy)
        abort(); /* libcurl allocates and initialises nothing else here */
    r->path = gg_xstrdup(path);
    snprintf(r->method, sizeof(r->method), "GET");
    r->max_body = GG_KUBE_MAX_LIST_BODY;
    gg_buf_init(&r->body);
    char *accept_h = gg_xasprintf("Accept: %s", accept ? accept : "application/json");
    r->headers = curl_slist_append(NULL, accept_h);
    free(accept_h);
    if (auth) {
        r->headers = curl_slist_append(r->headers, auth);
        explicit_bzero(auth, strlen(auth));
        free(auth);
    }

    CURL *e = r->easy;
    char *url = gg_xasprintf("%s%s", cfg->server, path);
    curl_easy_setopt(e, CURLOPT_URL, url);
    free(url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https,http");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "gateguard/" GG_VERSION);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for DNS timeouts */
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->curl_err);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, GG_KUBE_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(e, CURLOPT_TIMEOUT, timeout_s);
    /* a peer that vanished without a FIN (a node lost) shows up within a
     * minute instead of when the watch's own timeout runs out */
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPIDLE, 30L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPINTVL, 10L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, ""); /* large lists come gzipped */
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    if (cfg->is_insecure) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    } else {
        set_pem(e, CURLOPT_CAINFO_BLOB, CURLOPT_CAINFO, cfg->ca_pem, cfg->ca_pem_len, cfg->ca_file);
    }
    set_pem(e, CURLOPT_SSLCERT_BLOB, CURLOPT_SSLCERT, cfg->cert_pem, cfg->cert_pem_len,
            cfg->cert_file);
    set_pem(e, CURLOPT_SSLKEY_BLOB, CURLOPT_SSLKEY, cfg->key_pem, cfg->key_pem_len, cfg->key_file);
    return 0;
}

void gg_kube_req_stream(struct gg_kube_req *r, size_t max_line, gg_lines_cb cb, void *ctx)
{
    r->is_stream = true;
    gg_lines_init(&r->lines, max_line);
    r->on_line = cb;
    r->on_line_ctx = ctx;
}

void gg_kube_req_body(struct gg_kube_req *r, const char *method, const char *content_type,
                      const char *body, size_t len)
{
    snprintf(r->method, sizeof(r->method), "%s", method);
    curl_easy_setopt(r->easy, CURLOPT_CUSTOMREQUEST, method);
    char *ct = gg_xasprintf("Content-Type: %s", content_type);
    r->headers = curl_slist_append(r->headers, ct);
    free(ct);
    curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(r->easy, CURLOPT_COPYPOSTFIELDS, body);
}

void gg_kube_req_clear(struct gg_kube_req *r)
{
    if (r->easy)
        curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->headers);
    free(r->path);
    gg_buf_clear(&r->body);
    if (r->is_stream)
        gg_lines_clear(&r->lines);
    memset(r, 0, sizeof(*r));
}

/* The message of a metav1.Status body, or the start of whatever it is. */
static void status_message(const struct gg_kube_req *r, char *buf, size_t len)
{
    json_t *j = r->body.len ? json_loadb(r->body.data, r->body.len, 0, NULL) : NULL;
    const char *msg = json_string_value(json_object_get(j, "message"));
    if (msg)
        snprintf(buf, len, "%s", msg);
    else if (r->body.len)
        snprintf(buf, len, "%.*s", (int)(r->body.len < 200 ? r->body.len : 200), r->body.data);
    else
        snprintf(buf, len, "no body");
    json_decref(j);
}

int gg_kube_req_finish(struct gg_kube_req *r, CURLcode code, char *err, size_t errlen)
{
    long status = r->status;
    if (status == 0)
        curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
    r->status = status;
    if (r->stream_rc) {
        if (r->stream_rc > 0) {
            gg_seterr(err, errlen, "%s %s: stopped", r->method, r->path);
            return GG_KUBE_ESTOP;
        }
        gg_seterr(err, errlen, "%s %s: %s", r->method, r->path, gg_lines_strerror(r->stream_rc));
        return GG_KUBE_EBODY;
    }
    if (r->is_too_big) {
        gg_seterr(err, errlen, "%s %s: the answer is larger than %zu bytes", r->method, r->path,
                  status >= 200 && status < 300 && !r->is_stream ? r->max_body
                                                                 : (size_t)GG_KUBE_MAX_ERROR_BODY);
        return GG_KUBE_EBODY;
    }
    if (status != 0 && (status < 200 || status >= 300)) {
        char msg[512];
        status_message(r, msg, sizeof(msg));
        gg_seterr(err, errlen, "%s %s: HTTP %ld: %s", r->method, r->path, status, msg);
        return GG_KUBE_EHTTP;
    }
    if (code != CURLE_OK) {
        gg_seterr(err, errlen, "%s %s: %s", r->method, r->path,
                  r->curl_err[0] ? r->curl_err : curl_easy_strerror(code));
        return GG_KUBE_ENET;
    }
    if (r->is_stream) {
        int rc = gg_lines_finish(&r->lines);
        if (rc) {
            gg_seterr(err, errlen, "%s %s: %s", r->method, r->path, gg_lines_strerror(rc));
            return GG_KUBE_EBODY;
        }
    }
    return 0;
}

int gg_kube_req_perform(struct gg_kube_req *r, char *err, size_t errlen)
{
    return gg_kube_req_finish(r, curl_easy_perform(r->easy), err, errlen);
}

json_t *gg_kube_req_json(const struct gg_kube_req *r, char *err, size_t errlen)
{
    json_error_t je;
    json_t *j = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, &je);
    if (!j)
        gg_seterr(err, errlen, "%s %s: not JSON: %s (at byte %d)", r->method, r->path, je.text,
                  je.position);
    else if (!json_is_object(j)) {
        gg_seterr(err, errlen, "%s %s: not a JSON object", r->method, r->path);
        json_decref(j);
        j = NULL;
    }
    return j;
}

int gg_kube_get_json(struct gg_kube_client *c, const char *path, const char *accept, long timeout_s,
                     json_t **out, long *status, char *err, size_t errlen)
{
    struct gg_kube_req r;
    *out = NULL;
    *status = 0;
    int rc = gg_kube_req_init(&r, c, path, accept, timeout_s, err, errlen);
    if (rc)
        return rc;
    rc = gg_kube_req_perform(&r, err, errlen);
    *status = r.status;
    if (rc == 0) {
        *out = gg_kube_req_json(&r, err, errlen);
        if (!*out)
            rc = GG_KUBE_EBODY;
    }
    gg_kube_req_clear(&r);
    return rc;
}

int gg_kube_send_json(struct gg_kube_client *c, const char *method, const char *path,
                      const char *content_type, const json_t *body, long timeout_s, json_t **out,
                      long *status, char *err, size_t errlen)
{
    struct gg_kube_req r;
    if (out)
        *out = NULL;
    *status = 0;
    int rc = gg_kube_req_init(&r, c, path, NULL, timeout_s, err, errlen);
    if (rc)
        return rc;
    char *text = json_dumps(body, JSON_COMPACT);
    gg_kube_req_body(&r, method, content_type, text, strlen(text));
    free(text);
    rc = gg_kube_req_perform(&r, err, errlen);
    *status = r.status;
    if (rc == 0 && out) {
        *out = gg_kube_req_json(&r, err, errlen);
        if (!*out)
            rc = GG_KUBE_EBODY;
    }
    gg_kube_req_clear(&r);
    return rc;
}

/* --- watch events ------------------------------------------------------------ */

int gg_kube_event_decode(const char *line, size_t len, struct gg_kube_event *ev, char *err,
                         size_t errlen)
{
    static const char *const types[] = {
        [GG_KUBE_ADDED] = "ADDED",     [GG_KUBE_MODIFIED] = "MODIFIED",
        [GG_KUBE_DELETED] = "DELETED", [GG_KUBE_BOOKMARK] = "BOOKMARK",
        [GG_KUBE_ERROR] = "ERROR",
    };
    ev->object = NULL;
    json_error_t je;
    json_t *j = json_loadb(line, len, 0, &je);
    if (!j) {
        gg_seterr(err, errlen, "watch event is not JSON: %s (at byte %d)", je.text, je.position);
        return -1;
    }
    const char *type = json_string_value(json_object_get(j, "type"));
    json_t *obj = json_object_get(j, "object");
    int rc = -1;
    if (!type) {
        gg_seterr(err, errlen, "watch event without a type");
        goto out;
    }
    if (!json_is_object(obj)) {
        gg_seterr(err, errlen, "watch event %.32s without an object", type);
        goto out;
    }
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcmp(type, types[i]) == 0) {
            ev->type = (enum gg_kube_event_type)i;
            ev->object = json_incref(obj); /* kept past the envelope's decref */
            rc = 0;
            goto out;
        }
    }
    gg_seterr(err, errlen, "watch event of unknown type \"%.32s\"", type);
out:
    json_decref(j);
    return rc;
}

long gg_kube_status_code(const json_t *status)
{
    json_t *code = json_object_get(status, "code");
    return json_is_integer(code) ? (long)json_integer_value(code) : 0;
}
