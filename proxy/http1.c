/* SPDX-License-Identifier: Apache-2.0 */
/* The strict HTTP/1.1 parser of http1.h. One pass over the head: first find
 * its end (the first CRLFCRLF, refusing a bare CR or LF on the way), then
 * parse the lines inside, so a partial head costs one scan and nothing is
 * half-parsed. The refusals are listed in http1.h. */
#include "proxy/http1.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

int gg_http1_status(int result)
{
    switch (result) {
    case GG_HTTP1_URI_TOO_LONG:
        return 414;
    case GG_HTTP1_HEAD_TOO_LARGE:
        return 431;
    case GG_HTTP1_NOT_IMPLEMENTED:
        return 501;
    case GG_HTTP1_BAD_VERSION:
        return 505;
    default:
        return 400;
    }
}

/* --- character classes (RFC 9110 §5.6.2, RFC 3986 §2) ------------------------ */

static bool is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* RFC 3986 unreserved, sub-delims, ':', '@', '/', '?', and '%' (escapes are
 * checked where they occur). */
static bool is_target_char(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    return c && strchr("-._~!$&'()*+,;=:@/?%", c) != NULL;
}

static bool is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    return (c | 0x20) - 'a' + 10;
}

static bool str_ieq(struct gg_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && strncasecmp(s.ptr, lit, n) == 0;
}

/* --- the head ------------------------------------------------------------------ */

/* The length of the head ending in CRLFCRLF at the start of <buf>, or a
 * negative result: PARTIAL, or BAD_REQUEST for a bare CR or LF or a NUL. */
static int head_length(const char *buf, size_t len, size_t max, const char **why)
{
    size_t limit = len < max ? len : max;
    for (size_t i = 0; i < limit; i++) {
        char c = buf[i];
        if (c == '\0') {
            *why = "NUL byte in the head";
            return GG_HTTP1_BAD_REQUEST;
        }
        if (c == '\n') {
            *why = "bare LF in the head";
            return GG_HTTP1_BAD_REQUEST;
        }
        if (c != '\r')
            continue;
        if (i + 1 >= len)
            return GG_HTTP1_PARTIAL;
        if (buf[i + 1] != '\n') {
            *why = "bare CR in the head";
            return GG_HTTP1_BAD_REQUEST;
        }
        if (i + 3 < len && buf[i + 2] == '\r' && buf[i + 3] == '\n')
            return (int)(i + 4);
        if (i + 2 < len && buf[i + 2] == '\r' && i + 3 >= len)
            return GG_HTTP1_PARTIAL;
        i++; /* past the LF */
    }
    if (len >= max) {
        *why = "head too large";
        return GG_HTTP1_HEAD_TOO_LARGE;
    }
    return GG_HTTP1_PARTIAL;
}

/* Framing and connection facts gathered from the fields. */
struct fields {
    bool has_cl, has_te, te_chunked, conn_close, conn_keep_alive, expect_continue;
    int host_count;
    uint64_t cl;
    struct gg_str host;
};

static int parse_content_length(struct gg_str v, struct fields *f, const char **why)
{
    /* "5", or a list of equal values ("5, 5"): one length */
    size_t i = 0;
    while (i < v.len) {
        uint64_t n = 0;
        size_t digits = 0;
        while (i < v.len && v.ptr[i] >= '0' && v.ptr[i] <= '9') {
            if (n > (UINT64_MAX - 9) / 10) {
                *why = "Content-Length overflows";
                return GG_HTTP1_BAD_REQUEST;
            }
            n = n * 10 + (uint64_t)(v.ptr[i] - '0');
            i++;
            digits++;
        }
        if (digits == 0) {
            *why = "Content-Length is not a number";
            return GG_HTTP1_BAD_REQUEST;
        }
        if (f->has_cl && f->cl != n) {
            *why = "Content-Length given twice with different values";
            return GG_HTTP1_BAD_REQUEST;
        }
        f->has_cl = true;
        f->cl = n;
        while (i < v.len && (v.ptr[i] == ' ' || v.ptr[i] == '\t'))
            i++;
        if (i == v.len)
            break;
        if (v.ptr[i] != ',') {
            *why = "Content-Length is not a number";
            return GG_HTTP1_BAD_REQUEST;
        }
        i++;
        while (i < v.len && (v.ptr[i] == ' ' || v.ptr[i] == '\t'))
            i++;
    }
    if (!f->has_cl) {
        *why = "Content-Length is empty";
        return GG_HTTP1_BAD_REQUEST;
    }
    return 0;
}

/* Calls <cb> for each comma-separated, trimmed, non-empty element of <v>. */
static int each_element(struct gg_str v, int (*cb)(struct gg_str e, void *ctx), void *ctx)
{
    size_t i = 0;
    while (i <= v.len) {
        size_t j = i;
        while (j < v.len && v.ptr[j] != ',')
            j++;
        size_t a = i, b = j;
        while (a < b && (v.ptr[a] == ' ' || v.ptr[a] == '\t'))
            a++;
        while (b > a && (v.ptr[b - 1] == ' ' || v.ptr[b - 1] == '\t'))
            b--;
        if (b > a) {
            int rc = cb((struct gg_str){v.ptr + a, b - a}, ctx);
            if (rc)
                return rc;
        }
        i = j + 1;
    }
    return 0;
}

struct te_walk {
    struct fields *f;
    const char **why;
};

static int te_element(struct gg_str e, void *ctx)
{
    struct te_walk *w = ctx;
    if (w->f->te_chunked) {
        *w->why = "chunked is not the last transfer coding";
        return GG_HTTP1_BAD_REQUEST;
    }
    if (str_ieq(e, "chunked")) {
        w->f->te_chunked = true;
        return 0;
    }
    *w->why = "a transfer coding other than chunked";
    return GG_HTTP1_NOT_IMPLEMENTED;
}

static int conn_element(struct gg_str e, void *ctx)
{
    struct fields *f = ctx;
    if (str_ieq(e, "close"))
        f->conn_close = true;
    else if (str_ieq(e, "keep-alive"))
        f->conn_keep_alive = true;
    return 0;
}

/* Parses the field lines between <p> and <end> (each ending in CRLF, the
 * empty line excluded) into <h>. */
static int parse_fields(const char *p, const char *end, struct gg_http1_header *h, size_t *n,
                        struct fields *f, const char **why)
{
    *n = 0;
    while (p < end) {
        const char *eol = p;
        while (eol[0] != '\r')
            eol++;
        if (p[0] == ' ' || p[0] == '\t') {
            *why = "obsolete line folding";
            return GG_HTTP1_BAD_REQUEST;
        }
        const char *colon = p;
        while (colon < eol && is_tchar((unsigned char)*colon))
            colon++;
        if (colon == p || colon == eol || *colon != ':') {
            *why = colon < eol && (*colon == ' ' || *colon == '\t')
                       ? "whitespace between a field name and its colon"
                       : "a field name that is not a token";
            return GG_HTTP1_BAD_REQUEST;
        }
        const char *v = colon + 1, *ve = eol;
        while (v < ve && (*v == ' ' || *v == '\t'))
            v++;
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
            ve--;
        for (const char *c = v; c < ve; c++) {
            unsigned char u = (unsigned char)*c;
            if ((u < 0x20 && u != '\t') || u == 0x7f) {
                *why = "a control character in a field value";
                return GG_HTTP1_BAD_REQUEST;
            }
        }
        if (*n == GG_HTTP1_MAX_HEADERS) {
            *why = "too many header fields";
            return GG_HTTP1_HEAD_TOO_LARGE;
        }
        struct gg_http1_header *x = &h[(*n)++];
        x->name = (struct gg_str){p, (size_t)(colon - p)};
        x->value = (struct gg_str){v, (size_t)(ve - v)};
        int rc = 0;
        if (str_ieq(x->name, "content-length")) {
            rc = parse_content_length(x->value, f, why);
        } else if (str_ieq(x->name, "transfer-encoding")) {
            f->has_te = true;
            struct te_walk w = {f, why};
            rc = each_element(x->value, te_element, &w);
        } else if (str_ieq(x->name, "connection")) {
            each_element(x->value, conn_element, f);
        } else if (str_ieq(x->name, "host")) {
            f->host_count++;
            f->host = x->value;
        } else if (str_ieq(x->name, "expect")) {
            f->expect_continue = str_ieq(x->value, "100-continue");
        }
        if (rc)
            return rc;
        p = eol + 2;
    }
    if (f->has_te && f->has_cl) {
        *why = "both Transfer-Encoding and Content-Length";
        return GG_HTTP1_BAD_REQUEST;
    }
    if (f->has_te && !f->te_chunked) {
        *why = "Transfer-Encoding without chunked";
        return GG_HTTP1_BAD_REQUEST;
    }
    return 0;
}

/* "HTTP/1.x" at <p> (8 bytes); the minor version, or -1. */
static int parse_version(const char *p, size_t n)
{
    if (n != 8 || memcmp(p, "HTTP/", 5) != 0 || p[6] != '.' || p[5] < '0' || p[5] > '9' ||
        p[7] < '0' || p[7] > '9')
        return -2; /* not a version at all */
    if (p[5] != '1' || (p[7] != '0' && p[7] != '1'))
        return -1; /* a version we do not speak */
    return p[7] - '0';
}

/* Splits an authority "host[:port]" into <host> and <port>; false when it
 * is not a valid reg-name, IPv4 or bracketed IPv6 authority. */
static bool split_authority(struct gg_str a, struct gg_str *host, int *port)
{
    if (a.len == 0)
        return false;
    size_t hend;
    if (a.ptr[0] == '[') {
        const char *rb = memchr(a.ptr, ']', a.len);
        if (!rb)
            return false;
        for (const char *c = a.ptr + 1; c < rb; c++)
            if (!is_hex((unsigned char)*c) && *c != ':' && *c != '.')
                return false;
        hend = (size_t)(rb - a.ptr) + 1;
    } else {
        hend = 0;
        while (hend < a.len && a.ptr[hend] != ':') {
            unsigned char c = (unsigned char)a.ptr[hend];
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  c == '-' || c == '.' || c == '_' || c == '~'))
                return false;
            hend++;
        }
        if (hend == 0)
            return false;
    }
    *host = (struct gg_str){a.ptr, hend};
    *port = -1;
    if (hend == a.len)
        return true;
    if (a.ptr[hend] != ':' || hend + 1 == a.len || a.len - hend - 1 > 5)
        return false;
    int v = 0;
    for (size_t i = hend + 1; i < a.len; i++) {
        if (a.ptr[i] < '0' || a.ptr[i] > '9')
            return false;
        v = v * 10 + (a.ptr[i] - '0');
    }
    if (v > 65535)
        return false;
    *port = v;
    return true;
}

static int fail(const char **slot, const char *why, int rc)
{
    *slot = why;
    return rc;
}

static bool valid_escapes(struct gg_str s)
{
    for (size_t i = 0; i < s.len; i++)
        if (s.ptr[i] == '%' && (i + 2 >= s.len || !is_hex((unsigned char)s.ptr[i + 1]) ||
                                !is_hex((unsigned char)s.ptr[i + 2])))
            return false;
    return true;
}

int gg_http1_parse_request(const char *buf, size_t len, struct gg_http1_request *req)
{
    memset(req, 0, offsetof(struct gg_http1_request, headers));
    req->n_headers = 0;
    req->body = GG_HTTP1_BODY_NONE;
    req->content_length = 0;
    req->keep_alive = false;
    req->expect_continue = false;
    req->error = NULL;
    req->port = -1;

    /* the request line alone may not exceed its own limit */
    size_t first = len < GG_HTTP1_MAX_REQUEST_LINE ? len : GG_HTTP1_MAX_REQUEST_LINE;
    if (len >= GG_HTTP1_MAX_REQUEST_LINE && !memchr(buf, '\r', first) && !memchr(buf, '\n', first))
        return fail(&req->error, "request line too long", GG_HTTP1_URI_TOO_LONG);
    int head = head_length(buf, len, GG_HTTP1_MAX_HEAD, &req->error);
    if (head < 0)
        return head;
    const char *end = buf + head;
    const char *line_end = memchr(buf, '\r', (size_t)head);

    /* method SP request-target SP HTTP-version */
    const char *p = buf;
    while (p < line_end && is_tchar((unsigned char)*p))
        p++;
    if (p == buf || p == line_end || *p != ' ')
        return fail(&req->error, "a method that is not a token", GG_HTTP1_BAD_REQUEST);
    req->method = (struct gg_str){buf, (size_t)(p - buf)};
    const char *t = ++p;
    while (p < line_end && *p != ' ') {
        if (!is_target_char((unsigned char)*p))
            return fail(&req->error, "a byte not allowed in the request target",
                        GG_HTTP1_BAD_REQUEST);
        p++;
    }
    if (p == t || p == line_end)
        return fail(&req->error, "malformed request line", GG_HTTP1_BAD_REQUEST);
    req->target = (struct gg_str){t, (size_t)(p - t)};
    p++;
    int minor = parse_version(p, (size_t)(line_end - p));
    if (minor == -2)
        return fail(&req->error, "malformed HTTP version", GG_HTTP1_BAD_REQUEST);
    if (minor < 0)
        return fail(&req->error, "HTTP version not supported", GG_HTTP1_BAD_VERSION);
    req->minor_version = minor;
    if (!valid_escapes(req->target))
        return fail(&req->error, "a bad percent-escape in the request target",
                    GG_HTTP1_BAD_REQUEST);

    struct fields f = {0};
    int rc = parse_fields(line_end + 2, end - 2, req->headers, &req->n_headers, &f, &req->error);
    if (rc)
        return rc;

    /* the target: origin-form, absolute-form, or "*" for OPTIONS */
    struct gg_str tg = req->target, authority = {0};
    bool absolute = false;
    if (tg.ptr[0] == '/') {
        /* origin-form */
    } else if (tg.len == 1 && tg.ptr[0] == '*') {
        if (!(req->method.len == 7 && memcmp(req->method.ptr, "OPTIONS", 7) == 0))
            return fail(&req->error, "\"*\" is only for OPTIONS", GG_HTTP1_BAD_REQUEST);
        req->path = tg;
    } else if ((tg.len > 7 && strncasecmp(tg.ptr, "http://", 7) == 0) ||
               (tg.len > 8 && strncasecmp(tg.ptr, "https://", 8) == 0)) {
        size_t skip = tg.ptr[4] == ':' ? 7 : 8;
        const char *a = tg.ptr + skip, *stop = tg.ptr + tg.len, *q = a;
        while (q < stop && *q != '/' && *q != '?')
            q++;
        authority = (struct gg_str){a, (size_t)(q - a)};
        if (memchr(authority.ptr, '@', authority.len))
            return fail(&req->error, "userinfo in the request target", GG_HTTP1_BAD_REQUEST);
        tg = q < stop && *q == '/' ? (struct gg_str){q, (size_t)(stop - q)}
                                   : (struct gg_str){"/", 1};
        if (q < stop && *q == '?') {
            req->path = (struct gg_str){"/", 1};
            req->query = (struct gg_str){q + 1, (size_t)(stop - q - 1)};
        }
        absolute = true;
    } else {
        return fail(&req->error, "a request target that is not origin-form", GG_HTTP1_BAD_REQUEST);
    }
    if (!req->path.ptr) {
        const char *q = memchr(tg.ptr, '?', tg.len);
        req->path = (struct gg_str){tg.ptr, q ? (size_t)(q - tg.ptr) : tg.len};
        if (q)
            req->query = (struct gg_str){q + 1, (size_t)(tg.ptr + tg.len - q - 1)};
    }

    /* Host: exactly one in HTTP/1.1; the absolute-form authority wins */
    if (minor == 1 && f.host_count != 1)
        return fail(&req->error, f.host_count ? "more than one Host" : "no Host",
                    GG_HTTP1_BAD_REQUEST);
    if (f.host_count > 1)
        return fail(&req->error, "more than one Host", GG_HTTP1_BAD_REQUEST);
    struct gg_str auth = absolute ? authority : f.host;
    if (absolute || f.host_count) {
        if (!split_authority(auth, &req->host, &req->port))
            return fail(&req->error, "a Host that is not a valid authority", GG_HTTP1_BAD_REQUEST);
    }

    if (f.te_chunked)
        req->body = GG_HTTP1_BODY_CHUNKED;
    else if (f.has_cl && f.cl > 0)
        req->body = GG_HTTP1_BODY_LENGTH;
    req->content_length = f.has_cl ? f.cl : 0;
    req->keep_alive = minor == 1 ? !f.conn_close : (f.conn_keep_alive && !f.conn_close);
    req->expect_continue = f.expect_continue && minor == 1;
    return head;
}

int gg_http1_parse_response(const char *buf, size_t len, bool is_head_request,
                            struct gg_http1_response *resp)
{
    resp->status = 0;
    resp->minor_version = 0;
    resp->reason = (struct gg_str){NULL, 0};
    resp->n_headers = 0;
    resp->body = GG_HTTP1_BODY_NONE;
    resp->content_length = 0;
    resp->keep_alive = false;
    resp->error = NULL;
    int head = head_length(buf, len, GG_HTTP1_MAX_HEAD, &resp->error);
    if (head < 0)
        return head;
    const char *end = buf + head;
    const char *line_end = memchr(buf, '\r', (size_t)head);
    /* HTTP/1.x SP 3DIGIT SP reason */
    size_t n = (size_t)(line_end - buf);
    if (n < 12 || buf[8] != ' ' || (n > 12 && buf[12] != ' '))
        return fail(&resp->error, "malformed status line", GG_HTTP1_BAD_REQUEST);
    int minor = parse_version(buf, 8);
    if (minor < 0)
        return fail(&resp->error, "malformed HTTP version", GG_HTTP1_BAD_REQUEST);
    int status = 0;
    for (int i = 9; i < 12; i++) {
        if (buf[i] < '0' || buf[i] > '9')
            return fail(&resp->error, "malformed status code", GG_HTTP1_BAD_REQUEST);
        status = status * 10 + (buf[i] - '0');
    }
    if (status < 100)
        return fail(&resp->error, "malformed status code", GG_HTTP1_BAD_REQUEST);
    for (const char *c = buf + 13; c < line_end; c++)
        if ((unsigned char)*c < 0x20 && *c != '\t')
            return fail(&resp->error, "a control character in the reason", GG_HTTP1_BAD_REQUEST);
    resp->status = status;
    resp->minor_version = minor;
    resp->reason = n > 13 ? (struct gg_str){buf + 13, n - 13} : (struct gg_str){"", 0};
    struct fields f = {0};
    int rc = parse_fields(line_end + 2, end - 2, resp->headers, &resp->n_headers, &f, &resp->error);
    if (rc)
        return rc == GG_HTTP1_NOT_IMPLEMENTED ? GG_HTTP1_BAD_REQUEST : rc;
    resp->keep_alive = minor == 1 ? !f.conn_close : (f.conn_keep_alive && !f.conn_close);
    if (is_head_request || status < 200 || status == 204 || status == 304) {
        resp->body = GG_HTTP1_BODY_NONE;
        resp->content_length = f.has_cl ? f.cl : 0;
    } else if (f.te_chunked) {
        resp->body = GG_HTTP1_BODY_CHUNKED;
    } else if (f.has_cl) {
        resp->body = f.cl ? GG_HTTP1_BODY_LENGTH : GG_HTTP1_BODY_NONE;
        resp->content_length = f.cl;
    } else {
        resp->body = GG_HTTP1_BODY_CLOSE;
        resp->keep_alive = false;
    }
    return head;
}

const struct gg_http1_header *gg_http1_find(const struct gg_http1_header *h, size_t n,
                                            const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (str_ieq(h[i].name, name))
            return &h[i];
    return NULL;
}

struct listed {
    struct gg_str name;
    bool found;
};

static int listed_element(struct gg_str e, void *ctx)
{
    struct listed *l = ctx;
    if (e.len == l->name.len && strncasecmp(e.ptr, l->name.ptr, e.len) == 0) {
        l->found = true;
        return 1;
    }
    return 0;
}

bool gg_http1_is_hop_by_hop(const struct gg_http1_header *h, size_t n, struct gg_str name)
{
    static const char *const fixed[] = {"connection", "keep-alive",        "proxy-connection", "te",
                                        "trailer",    "transfer-encoding", "upgrade"};
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        if (str_ieq(name, fixed[i]))
            return true;
    struct listed l = {name, false};
    for (size_t i = 0; i < n && !l.found; i++)
        if (str_ieq(h[i].name, "connection"))
            each_element(h[i].value, listed_element, &l);
    return l.found;
}

/* --- chunked bodies ------------------------------------------------------------- */

enum chunk_state {
    CH_SIZE,       /* hex digits of the chunk size */
    CH_EXT,        /* after the size: extensions up to CR */
    CH_SIZE_LF,    /* the LF after the size line */
    CH_DATA,       /* chunk data */
    CH_DATA_CR,    /* CR after the data */
    CH_DATA_LF,    /* LF after the data */
    CH_TRAILER,    /* start of a trailer line, or the final CRLF */
    CH_TRAILER_LN, /* inside a trailer line */
    CH_TRAILER_LF, /* LF ending a trailer line */
    CH_END_LF,     /* LF of the final CRLF */
    CH_DONE,
};

void gg_http1_chunked_init(struct gg_http1_chunked *c)
{
    memset(c, 0, sizeof(*c));
    c->state = CH_SIZE;
}

/* Chunk extensions: `;` token [ `=` ( token / quoted-string ) ], with
 * optional whitespace around `;` and `=` (RFC 9112 §7.1.1). The decoder
 * sees them a byte at a time, so only the bytes' classes are checked here:
 * token characters, `;`, `=`, `"`, whitespace, and quoted-string contents. */
static bool ext_byte_ok(unsigned char c)
{
    return is_tchar(c) || c == ';' || c == '=' || c == '"' || c == ' ' || c == '\t' || c == '\\' ||
           (c >= 0x20 && c != 0x7f) || c >= 0x80;
}

ssize_t gg_http1_chunked_decode(struct gg_http1_chunked *c, char *buf, size_t *len)
{
    size_t in = 0, out = 0, n = *len;
    while (in < n) {
        unsigned char b = (unsigned char)buf[in];
        switch (c->state) {
        case CH_SIZE:
            if (is_hex(b)) {
                if (c->hex_digits == 16)
                    goto bad;
                c->remaining = c->remaining * 16 + (uint64_t)hexval(b);
                c->hex_digits++;
                in++;
                break;
            }
            if (c->hex_digits == 0)
                goto bad;
            c->state = CH_EXT;
            break;
        case CH_EXT:
            if (b == '\r') {
                c->state = CH_SIZE_LF;
            } else if (b == '\n' || !ext_byte_ok(b)) {
                goto bad;
            } else if (c->trailer_bytes++ > 4096) {
                goto bad; /* extensions are bounded like a field line */
            }
            in++;
            break;
        case CH_SIZE_LF:
            if (b != '\n')
                goto bad;
            in++;
            c->trailer_bytes = 0;
            c->state = c->remaining ? CH_DATA : CH_TRAILER;
            break;
        case CH_DATA: {
            size_t take = n - in;
            if (take > c->remaining)
                take = (size_t)c->remaining;
            memmove(buf + out, buf + in, take);
            out += take;
            in += take;
            c->remaining -= take;
            if (c->remaining == 0)
                c->state = CH_DATA_CR;
            break;
        }
        case CH_DATA_CR:
            if (b != '\r')
                goto bad;
            in++;
            c->state = CH_DATA_LF;
            break;
        case CH_DATA_LF:
            if (b != '\n')
                goto bad;
            in++;
            c->hex_digits = 0;
            c->state = CH_SIZE;
            break;
        case CH_TRAILER:
            if (b == '\r') {
                c->state = CH_END_LF;
            } else if (b == '\n' || b == ' ' || b == '\t') {
                goto bad;
            } else {
                c->state = CH_TRAILER_LN;
                break;
            }
            in++;
            break;
        case CH_TRAILER_LN:
            if (++c->trailer_bytes > GG_HTTP1_MAX_HEAD)
                goto bad;
            if (b == '\r')
                c->state = CH_TRAILER_LF;
            else if (b == '\n' || b == 0 || (b < 0x20 && b != '\t') || b == 0x7f)
                goto bad;
            in++;
            break;
        case CH_TRAILER_LF:
            if (b != '\n')
                goto bad;
            in++;
            c->state = CH_TRAILER;
            break;
        case CH_END_LF:
            if (b != '\n')
                goto bad;
            in++;
            c->state = CH_DONE;
            goto done;
        case CH_DONE:
            goto done;
        }
    }
    *len = out;
    return c->state == CH_DONE ? 0 : GG_HTTP1_PARTIAL;
done:
    /* what follows the body (a pipelined request) stays, after the data */
    memmove(buf + out, buf + in, n - in);
    *len = out;
    return (ssize_t)(n - in);
bad:
    *len = out;
    return GG_HTTP1_BAD_REQUEST;
}
