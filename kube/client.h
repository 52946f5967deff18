/* SPDX-License-Identifier: Apache-2.0 */
/* Requests to the Kubernetes API on libcurl: TLS and credentials from a
 * gg_kube_config, bounded bodies and timeouts, a Status message for every
 * failure, and watch bodies split into events. A request runs blocking
 * (gg_kube_req_perform) or inside the caller's curl multi handle; which
 * requests to make, and when, is watch.c's business. */
#ifndef GG_KUBE_CLIENT_H
#define GG_KUBE_CLIENT_H

#include <curl/curl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "kube/config.h"
#include "kube/lines.h"
#include "validation/xalloc.h"

/* Bytes of one list page at most (500 objects of up to 1.5 MiB would be
 * more, but a page that size is already a hostile one). */
#define GG_KUBE_MAX_LIST_BODY (256u << 20)
/* Bytes of one watch event (one line) at most. */
#define GG_KUBE_MAX_EVENT (16u << 20)
/* Bytes kept of an error body (a Status). */
#define GG_KUBE_MAX_ERROR_BODY (64u << 10)
#define GG_KUBE_CONNECT_TIMEOUT_MS 10000L

/* Failures, as negative codes with a message beside them. */
#define GG_KUBE_ERR_MAP(X)                                                                         \
    X(NET, -1, "the API server could not be reached or the connection dropped")                    \
    X(HTTP, -2, "the API server answered with an error status")                                    \
    X(BODY, -3, "the answer was too large or not what was asked for")                              \
    X(STOP, -4, "the caller stopped the stream")                                                   \
    X(CONFIG, -5, "the credentials could not be read")

enum {
#define GG_X(name, code, text) GG_KUBE_E##name = code,
    GG_KUBE_ERR_MAP(GG_X)
#undef GG_X
};

const char *gg_kube_strerror(int code);

struct gg_kube_client;

/* A client for the server of <cfg> (copied). Returns NULL with a message in
 * <err> when <cfg> has no server. Free with gg_kube_client_free. Requests
 * may be made from several threads. */
struct gg_kube_client *gg_kube_client_new(const struct gg_kube_config *cfg, char *err,
                                          size_t errlen);
void gg_kube_client_free(struct gg_kube_client *c);

/* One GET. Public so a caller can drive <easy> with curl_multi; the fields
 * are read-only outside client.c except where noted. */
struct gg_kube_req {
    CURL *easy; /* owned */
    struct curl_slist *headers;
    char *path;         /* owned: the path and query asked for, for messages */
    char method[8];     /* "GET" unless gg_kube_req_body set another */
    long status;        /* HTTP status once the headers are in, else 0 */
    struct gg_buf body; /* a buffered body, or the error body of a stream */
    size_t max_body;
    bool is_too_big;
    bool is_stream;
    struct gg_lines lines; /* a stream's 2xx body, line by line */
    gg_lines_cb on_line;
    void *on_line_ctx;
    int stream_rc; /* the splitter's error or the callback's stop, 0 if none */
    char curl_err[CURL_ERROR_SIZE];
};

/* Prepares GET <path> (with its query, already escaped) asking for
 * <accept> (NULL: application/json), giving up after <timeout_s> seconds
 * in all (0: never); the body is buffered up to GG_KUBE_MAX_LIST_BODY.
 * Returns 0, or GG_KUBE_ECONFIG with a message (<r> then needs no clear). */
int gg_kube_req_init(struct gg_kube_req *r, struct gg_kube_client *c, const char *path,
                     const char *accept, long timeout_s, char *err, size_t errlen);
/* Makes <r> a <method> request ("PATCH", "PUT", "POST") sending <len>
 * bytes of <body> (copied) as <content_type>. Call after init. */
void gg_kube_req_body(struct gg_kube_req *r, const char *method, const char *content_type,
                      const char *body, size_t len);
/* Makes <r> a stream: a 2xx body goes to <cb> one line at a time (lines up
 * to <max_line> bytes); any other body is kept for its Status. */
void gg_kube_req_stream(struct gg_kube_req *r, size_t max_line, gg_lines_cb cb, void *ctx);
/* Frees what <r> holds, not <r> itself. The caller removes <easy> from its
 * multi handle first. */
void gg_kube_req_clear(struct gg_kube_req *r);

/* Runs <r> to the end in this thread, then gg_kube_req_finish. */
int gg_kube_req_perform(struct gg_kube_req *r, char *err, size_t errlen);

/* Judges a finished transfer (<code> from curl): 0 for a complete 2xx
 * answer (a stream that ended on a line boundary); GG_KUBE_EHTTP with the
 * status in <r> and the Status's message; GG_KUBE_ENET, GG_KUBE_EBODY or
 * GG_KUBE_ESTOP otherwise. <err> reads "GET PATH: what". */
int gg_kube_req_finish(struct gg_kube_req *r, CURLcode code, char *err, size_t errlen);

/* The buffered body as JSON (owned by the caller), or NULL with a message. */
json_t *gg_kube_req_json(const struct gg_kube_req *r, char *err, size_t errlen);

/* GET <path> as JSON, blocking: 0 with *<out> set (owned), or a negative
 * code with *<status> the HTTP status (0 if none) and a message. */
int gg_kube_get_json(struct gg_kube_client *c, const char *path, const char *accept, long timeout_s,
                     json_t **out, long *status, char *err, size_t errlen);

/* <method> <path> with <body> as <content_type>, blocking: 0 with *<out>
 * the answer (owned; pass NULL to drop it), or a negative code with
 * *<status> the HTTP status (0 if none) and a message "METHOD PATH: what". */
int gg_kube_send_json(struct gg_kube_client *c, const char *method, const char *path,
                      const char *content_type, const json_t *body, long timeout_s, json_t **out,
                      long *status, char *err, size_t errlen);

/* --- watch events -------------------------------------------------------- */

enum gg_kube_event_type {
    GG_KUBE_ADDED,
    GG_KUBE_MODIFIED,
    GG_KUBE_DELETED,
    GG_KUBE_BOOKMARK,
    GG_KUBE_ERROR, /* <object> is a metav1.Status */
};

struct gg_kube_event {
    enum gg_kube_event_type type;
    json_t *object; /* owned: free with json_decref */
};

/* Decodes one line of a watch stream, {"type": ..., "object": {...}}.
 * Returns 0, or -1 with a message when it is not a watch event. */
int gg_kube_event_decode(const char *line, size_t len, struct gg_kube_event *ev, char *err,
                         size_t errlen);

/* The code of a metav1.Status (an ERROR event's object), or 0. */
long gg_kube_status_code(const json_t *status);

#endif
