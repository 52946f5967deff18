/* SPDX-License-Identifier: Apache-2.0 */
/* The echo backend on libmicrohttpd. What it reports follows echo-basic:
 * "path" is the request target as received (query included), "headers" maps
 * Go-canonical names to their values in arrival order without Host, the keys
 * come in echo-basic's order and the headers object sorted as Go marshals a
 * map. /health answers OK, /status/NNN answers NNN, ?delay=D waits D, and
 * X-Echo-Set-Header: Name:Value,... sets response fields. */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "echo/echo.h"

#define MAX_LISTEN 16
#define MAX_FIELDS 128

struct gg_echo {
    struct MHD_Daemon *d[MAX_LISTEN];
    char bound[MAX_LISTEN][64];
    size_t n;
    char *pod, *ns, *service;
};

/* Per request: the target as received, before libmicrohttpd splits and
 * unescapes it. */
struct request {
    char *uri;
    bool started;
};

void gg_echo_canonical_name(const char *name, char *out)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        bool token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     strchr("!#$%&'*+-.^_`|~", c);
        if (!token || c == 0) {
            memcpy(out, name, n + 1);
            return;
        }
    }
    bool upper = true;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (upper && c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        else if (!upper && c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        out[i] = c;
        upper = c == '-';
    }
    out[n] = 0;
}

long long gg_echo_parse_duration(const char *s)
{
    static const struct {
        const char *unit;
        double ns;
    } units[] = {{"ns", 1},  {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"ms", 1e6},
                 {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
    if (!s || !*s)
        return -1;
    if (!strcmp(s, "0"))
        return 0;
    double total = 0;
    while (*s) {
        if (!((*s >= '0' && *s <= '9') || *s == '.'))
            return -1;
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        if (end == s || errno || v < 0)
            return -1;
        s = end;
        size_t best = 0, bestlen = 0;
        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
            size_t l = strlen(units[i].unit);
            if (!strncmp(s, units[i].unit, l) && l > bestlen)
                best = i, bestlen = l;
        }
        if (!bestlen)
            return -1;
        total += v * units[best].ns;
        s += bestlen;
    }
    if (!isfinite(total) || total > 9e18)
        return -1;
    return (long long)total;
}

struct field {
    char name[256];
    const char *value;
};

struct fields {
    struct field f[MAX_FIELDS];
    size_t n;
    const char *delay;
    const char *host;
};

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    struct fields *fs = cls;
    if (kind == MHD_GET_ARGUMENT_KIND) {
        if (!strcmp(key, "delay") && !fs->delay)
            fs->delay = value ? value : "";
        return MHD_YES;
    }
    if (!strcasecmp(key, "Host")) {
        if (!fs->host)
            fs->host = value;
        return MHD_YES;
    }
    if (fs->n == MAX_FIELDS || strlen(key) >= sizeof(fs->f[0].name))
        return MHD_YES;
    gg_echo_canonical_name(key, fs->f[fs->n].name);
    fs->f[fs->n].value = value ? value : "";
    fs->n++;
    return MHD_YES;
}

static int field_cmp(const void *a, const void *b)
{
    return strcmp(((const struct field *)a)->name, ((const struct field *)b)->name);
}

/* Sorted by name, stable within a name so values keep their order. */
static void sort_fields(struct fields *fs)
{
    for (size_t i = 1; i < fs->n; i++)
        for (size_t j = i; j > 0 && field_cmp(&fs->f[j - 1], &fs->f[j]) > 0; j--) {
            struct field t = fs->f[j];
            fs->f[j] = fs->f[j - 1];
            fs->f[j - 1] = t;
        }
}

static enum MHD_Result send_body(struct MHD_Connection *c, unsigned code, char *body,
                                 const char *type, const struct fields *fs)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    if (type) {
        MHD_add_response_header(r, "Content-Type", type);
        MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    }
    /* X-Echo-Set-Header: "Name:Value,Name2:Value2"; a name given twice is
     * joined with commas, as echo-basic does. */
    for (size_t i = 0; fs && i < fs->n; i++) {
        if (strcmp(fs->f[i].name, "X-Echo-Set-Header"))
            continue;
        char *list = strdup(fs->f[i].value), *save = NULL;
        for (char *kv = list ? strtok_r(list, ",", &save) : NULL; kv;
             kv = strtok_r(NULL, ",", &save)) {
            while (*kv == ' ' || *kv == '\t')
                kv++;
            char *colon = strchr(kv, ':');
            const char *value = "";
            if (colon) {
                *colon = 0;
                value = colon + 1;
                while (*value == ' ' || *value == '\t')
                    value++;
            }
            char *end = kv + strlen(kv);
            while (end > kv && (end[-1] == ' ' || end[-1] == '\t'))
                *--end = 0;
            if (!*kv)
                continue;
            const char *have = MHD_get_response_header(r, kv);
            if (have) {
                char *joined = NULL;
                if (asprintf(&joined, "%s,%s", have, value) >= 0) {
                    MHD_del_response_header(r, kv, have);
                    MHD_add_response_header(r, kv, joined);
                    free(joined);
                }
            } else {
                MHD_add_response_header(r, kv, value);
            }
        }
        free(list);
    }
    enum MHD_Result ret = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ret;
}

static char *error_body(const char *message)
{
    json_t *o = json_pack("{s:s}", "message", message);
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **req_cls)
{
    struct gg_echo *e = cls;
    struct request *rq = *req_cls;
    (void)upload;
    /* Answering in the first call, before libmicrohttpd has looked for a
     * body, makes it close the connection; and the body is read and dropped:
     * echo-basic reports none of it. */
    if (rq && !rq->started) {
        rq->started = true;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0;
        return MHD_YES;
    }
    const char *target = rq && rq->uri ? rq->uri : url;
    if (!strcmp(url, "/health")) {
        char *ok = strdup("OK");
        return ok ? send_body(c, 200, ok, NULL, NULL) : MHD_NO;
    }
    if (!strncmp(url, "/status/", 8)) {
        const char *p = target + 8;
        unsigned code = 400;
        if (strlen(p) == 3 && p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' &&
            p[2] >= '0' && p[2] <= '9')
            code = (unsigned)atoi(p);
        if (code < 100)
            code = 400;
        char *none = strdup("");
        return none ? send_body(c, code, none, NULL, NULL) : MHD_NO;
    }
    struct fields *fs = calloc(1, sizeof(*fs));
    if (!fs)
        return MHD_NO;
    MHD_get_connection_values(c, MHD_HEADER_KIND | MHD_GET_ARGUMENT_KIND, collect, fs);
    sort_fields(fs);
    if (fs->delay) {
        long long ns = gg_echo_parse_duration(fs->delay);
        if (ns < 0) {
            char msg[160];
            snprintf(msg, sizeof(msg), "time: invalid duration \"%.100s\"", fs->delay);
            enum MHD_Result r = send_body(c, 500, error_body(msg), "application/json", fs);
            free(fs);
            return r;
        }
        struct timespec ts = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
        while (nanosleep(&ts, &ts) && errno == EINTR)
            ;
    }
    json_t *headers = json_object();
    for (size_t i = 0; i < fs->n; i++) {
        json_t *list = json_object_get(headers, fs->f[i].name);
        if (!list) {
            list = json_array();
            json_object_set_new(headers, fs->f[i].name, list);
        }
        json_array_append_new(list, json_string(fs->f[i].value));
    }
    json_t *o = json_object();
    json_object_set_new(o, "path", json_string(target));
    json_object_set_new(o, "host", json_string(fs->host ? fs->host : ""));
    json_object_set_new(o, "method", json_string(method));
    json_object_set_new(o, "proto", json_string(version));
    json_object_set_new(o, "headers", headers);
    json_object_set_new(o, "namespace", json_string(e->ns));
    json_object_set_new(o, "ingress", json_string(""));
    json_object_set_new(o, "service", json_string(e->service));
    json_object_set_new(o, "pod", json_string(e->pod));
    json_object_set_new(o, "sni", json_string(""));
    char *body = json_dumps(o, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(o);
    enum MHD_Result r = body ? send_body(c, 200, body, "application/json", fs) : MHD_NO;
    free(fs);
    return r;
}

static void *log_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls, (void)c;
    struct request *rq = calloc(1, sizeof(*rq));
    if (rq)
        rq->uri = strdup(uri);
    return rq;
}

static void completed(void *cls, struct MHD_Connection *c, void **req_cls,
                      enum MHD_RequestTerminationCode why)
{
    (void)cls, (void)c, (void)why;
    struct request *rq = *req_cls;
    if (rq) {
        free(rq->uri);
        free(rq);
    }
    *req_cls = NULL;
}

static int parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[64];
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || !colon[1])
        return -1;
    size_t hl = (size_t)(colon - s);
    if (s[0] == '[') {
        if (hl < 3 || s[hl - 1] != ']')
            return -1;
        s++, hl -= 2;
    }
    if (hl >= sizeof(host))
        return -1;
    memcpy(host, s, hl);
    host[hl] = 0;
    char *end;
    errno = 0;
    long port = strtol(colon + 1, &end, 10);
    if (*end || errno || port < 0 || port > 65535)
        return -1;
    memset(ss, 0, sizeof(*ss));
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *len = sizeof(*v4);
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *len = sizeof(*v6);
    } else {
        return -1;
    }
    return 0;
}

static void describe(const struct sockaddr_storage *ss, char *out, size_t len)
{
    char ip[INET6_ADDRSTRLEN] = "?";
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &v4->sin_addr, ip, sizeof(ip));
        snprintf(out, len, "%s:%u", ip, ntohs(v4->sin_port));
    } else {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &v6->sin6_addr, ip, sizeof(ip));
        snprintf(out, len, "[%s]:%u", ip, ntohs(v6->sin6_port));
    }
}

struct gg_echo *gg_echo_start(const struct gg_echo_config *cfg, char *err, size_t errlen)
{
    if (!cfg->nlisten || cfg->nlisten > MAX_LISTEN) {
        snprintf(err, errlen, "between 1 and %d listen addresses are needed", MAX_LISTEN);
        return NULL;
    }
    struct gg_echo *e = calloc(1, sizeof(*e));
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    e->pod = strdup(cfg->pod ? cfg->pod : "");
    e->ns = strdup(cfg->ns ? cfg->ns : "");
    e->service = strdup(cfg->service ? cfg->service : "");
    for (size_t i = 0; i < cfg->nlisten; i++) {
        struct sockaddr_storage ss;
        socklen_t sl;
        if (parse_addr(cfg->listen[i], &ss, &sl)) {
            snprintf(err, errlen, "listen address \"%s\": want IP:PORT or [IPv6]:PORT",
                     cfg->listen[i]);
            gg_echo_stop(e);
            return NULL;
        }
        unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
        flags |= cfg->threads ? MHD_USE_EPOLL : MHD_USE_THREAD_PER_CONNECTION;
        if (ss.ss_family == AF_INET6)
            flags |= MHD_USE_IPv6;
        uint16_t port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                       : ((struct sockaddr_in *)&ss)->sin_port);
        struct MHD_OptionItem ops[] = {
            {MHD_OPTION_SOCK_ADDR, 0, &ss},
            {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)log_uri, NULL},
            {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, NULL},
            {MHD_OPTION_CONNECTION_TIMEOUT, 120, NULL},
            {MHD_OPTION_CONNECTION_MEMORY_LIMIT, 256 * 1024, NULL},
            {MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, NULL},
            {cfg->threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, cfg->threads, NULL},
            {MHD_OPTION_END, 0, NULL},
        };
        e->d[i] = MHD_start_daemon(flags, port, NULL, NULL, answer, e, MHD_OPTION_ARRAY, ops,
                                   MHD_OPTION_END);
        if (!e->d[i]) {
            snprintf(err, errlen, "listen on %s: %s", cfg->listen[i],
                     errno ? strerror(errno) : "libmicrohttpd could not start");
            gg_echo_stop(e);
            return NULL;
        }
        e->n = i + 1;
        const union MHD_DaemonInfo *di = MHD_get_daemon_info(e->d[i], MHD_DAEMON_INFO_LISTEN_FD);
        struct sockaddr_storage got;
        socklen_t gl = sizeof(got);
        if (di && !getsockname(di->listen_fd, (struct sockaddr *)&got, &gl))
            describe(&got, e->bound[i], sizeof(e->bound[i]));
        else
            describe(&ss, e->bound[i], sizeof(e->bound[i]));
    }
    return e;
}

const char *gg_echo_bound(const struct gg_echo *e, size_t i)
{
    return i < e->n ? e->bound[i] : NULL;
}

void gg_echo_stop(struct gg_echo *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n; i++)
        MHD_stop_daemon(e->d[i]);
    free(e->pod);
    free(e->ns);
    free(e->service);
    free(e);
}
