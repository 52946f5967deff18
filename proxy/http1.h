/* SPDX-License-Identifier: Apache-2.0 */
/* A strict HTTP/1.1 message parser (RFC 9110, RFC 9112) for the proxy:
 * request heads from clients, response heads from upstreams, and chunked
 * bodies from either. It reads views into the caller's buffer and copies
 * nothing, in the manner of picohttpparser: a call returns the bytes the head
 * took, GG_HTTP1_PARTIAL while more input is needed, or a negative error that
 * names the status the proxy answers with. It does no I/O and keeps no state
 * between calls except in the chunked decoder.
 *
 * Strictness is the request-smuggling defence, so what is refused is listed
 * here and nowhere else:
 *  - Transfer-Encoding together with Content-Length; a Transfer-Encoding
 *    whose last coding is not chunked (501 for a coding we do not know, 400
 *    when chunked is not last); chunked twice;
 *  - Content-Length that is not 1*DIGIT, overflows, or appears twice with
 *    different values (the same value twice, or "5, 5", is one length);
 *  - obs-fold (a header line starting with SP or HTAB), whitespace between a
 *    field name and its colon, a field name that is not a token, a field
 *    value with CTLs other than HTAB, a bare CR or a bare LF anywhere in the
 *    head (lines end in CRLF only);
 *  - a request line that is not `method SP request-target SP HTTP/1.x`, a
 *    method that is not a token, a target that is not origin-form (or `*`
 *    for OPTIONS; absolute-form is accepted and split into host and path),
 *    bytes in the target outside RFC 3986's set;
 *  - HTTP/1.1 without exactly one Host, or a Host that is not a valid
 *    authority;
 *  - more than GG_HTTP1_MAX_HEADERS fields (431), a request line over
 *    GG_HTTP1_MAX_REQUEST_LINE bytes (414), a head over GG_HTTP1_MAX_HEAD
 *    bytes (431);
 *  - in chunked bodies: a chunk size that is not 1*HEXDIG or over 16 digits,
 *    chunk extensions that are not `;token[=token|quoted-string]`, missing
 *    CRLF after chunk data, trailers over GG_HTTP1_MAX_HEAD. */
#ifndef GG_HTTP1_H
#define GG_HTTP1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A view into someone else's bytes; not NUL-terminated. */
struct gg_str {
    const char *ptr;
    size_t len;
};

#define GG_HTTP1_MAX_HEADERS 100
#define GG_HTTP1_MAX_REQUEST_LINE 8192
#define GG_HTTP1_MAX_HEAD 65536

/* Results below zero. Each error has the status the proxy answers with. */
enum gg_http1_result {
    GG_HTTP1_PARTIAL = -1,         /* the head is not complete yet */
    GG_HTTP1_BAD_REQUEST = -2,     /* 400 */
    GG_HTTP1_URI_TOO_LONG = -3,    /* 414 */
    GG_HTTP1_HEAD_TOO_LARGE = -4,  /* 431 */
    GG_HTTP1_NOT_IMPLEMENTED = -5, /* 501: a transfer coding other than chunked */
    GG_HTTP1_BAD_VERSION = -6,     /* 505 */
};

/* The status code for a negative result other than PARTIAL (400, 414, ...). */
int gg_http1_status(int result);

struct gg_http1_header {
    struct gg_str name, value; /* value without leading and trailing whitespace */
};

enum gg_http1_body {
    GG_HTTP1_BODY_NONE,    /* no body */
    GG_HTTP1_BODY_LENGTH,  /* content_length bytes follow */
    GG_HTTP1_BODY_CHUNKED, /* a chunked body follows (gg_http1_chunked_decode) */
    GG_HTTP1_BODY_CLOSE,   /* responses only: the body runs until the connection closes */
};

struct gg_http1_request {
    struct gg_str method;
    struct gg_str target; /* as sent */
    struct gg_str path;   /* the target's path, before any '?'; "*" for OPTIONS * */
    struct gg_str query;  /* after the '?', without it; ptr NULL when there is none */
    struct gg_str host;   /* Host (or the absolute-form authority) without its port */
    int port;             /* the Host's port, or -1 when it names none */
    int minor_version;    /* 0 or 1 */
    struct gg_http1_header headers[GG_HTTP1_MAX_HEADERS];
    size_t n_headers;
    uint8_t body;            /* enum gg_http1_body, never CLOSE */
    uint64_t content_length; /* when body is LENGTH */
    bool keep_alive;         /* HTTP/1.1 without `Connection: close`, or 1.0 with keep-alive */
    bool expect_continue;    /* `Expect: 100-continue` */
    const char *error;       /* when a call fails: why, a static string for logs and the 4xx body */
};

/* Parses a request head at the start of <buf> (<len> bytes) into <req>.
 * Returns the length of the head including its final CRLF, or a negative
 * gg_http1_result with <req>->error set. The views in <req> point into <buf>. */
int gg_http1_parse_request(const char *buf, size_t len, struct gg_http1_request *req);

struct gg_http1_response {
    int status;
    int minor_version;
    struct gg_str reason;
    struct gg_http1_header headers[GG_HTTP1_MAX_HEADERS];
    size_t n_headers;
    uint8_t body; /* enum gg_http1_body */
    uint64_t content_length;
    bool keep_alive;
    const char *error;
};

/* Parses a response head. <is_head_request> and 1xx/204/304 statuses mean
 * no body whatever the headers say. Returns as gg_http1_parse_request; an
 * upstream's malformed head is answered 502 by the caller. */
int gg_http1_parse_response(const char *buf, size_t len, bool is_head_request,
                            struct gg_http1_response *resp);

/* The first header named <name> (compared without case), or NULL. */
const struct gg_http1_header *gg_http1_find(const struct gg_http1_header *h, size_t n,
                                            const char *name);

/* Whether <name> is hop-by-hop (Connection, Keep-Alive, Proxy-Connection,
 * TE, Trailer, Transfer-Encoding, Upgrade), or listed in a Connection header
 * of <h>: such fields are not forwarded. */
bool gg_http1_is_hop_by_hop(const struct gg_http1_header *h, size_t n, struct gg_str name);

/* --- chunked bodies ------------------------------------------------------- */

struct gg_http1_chunked {
    uint64_t remaining; /* bytes left in the current chunk */
    size_t trailer_bytes;
    uint8_t state;
    uint8_t hex_digits;
};

void gg_http1_chunked_init(struct gg_http1_chunked *c);

/* Decodes the chunked body bytes in <buf> (*<len> bytes) in place, as
 * picohttpparser's phr_decode_chunked does: the chunk data is moved to the
 * front of <buf> and *<len> becomes its length. Returns the number of bytes
 * after the end of the body (the last chunk, trailers and final CRLF) left
 * undecoded at the end of the input (>= 0) once the body is complete,
 * GG_HTTP1_PARTIAL when it is not yet (call again with more bytes), or
 * GG_HTTP1_BAD_REQUEST. May be fed any split of the input. */
ssize_t gg_http1_chunked_decode(struct gg_http1_chunked *c, char *buf, size_t *len);

#endif
