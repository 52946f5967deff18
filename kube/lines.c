/* SPDX-License-Identifier: Apache-2.0 */
/* The newline splitter of lines.h. Complete lines inside a chunk are handed
 * out in place; only a line cut by a chunk boundary is copied, and never past
 * the limit, so a hostile stream costs at most <max> bytes. */
#include "kube/lines.h"

#include <string.h>

void gg_lines_init(struct gg_lines *l, size_t max)
{
    gg_buf_init(&l->part);
    l->max = max;
    l->failed = 0;
}

void gg_lines_clear(struct gg_lines *l)
{
    gg_buf_clear(&l->part);
    l->failed = 0;
}

void gg_lines_reset(struct gg_lines *l)
{
    l->part.len = 0;
    if (l->part.data)
        l->part.data[0] = '\0';
    l->failed = 0;
}

static bool is_blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
            return false;
    return true;
}

static int fail(struct gg_lines *l, int code)
{
    l->failed = code;
    return code;
}

/* Hands out one complete line, "\r" trimmed, blank lines dropped. */
static int emit(struct gg_lines *l, const char *p, size_t n, gg_lines_cb cb, void *ctx)
{
    if (n && p[n - 1] == '\r')
        n--;
    if (n > l->max)
        return fail(l, GG_LINES_TOO_LONG);
    if (is_blank(p, n))
        return 0;
    int rc = cb(ctx, p, n);
    return rc ? fail(l, rc) : 0;
}

int gg_lines_feed(struct gg_lines *l, const char *data, size_t len, gg_lines_cb cb, void *ctx)
{
    if (l->failed)
        return l->failed;
    /* The limit counts a line's "\r" too, so allow one byte for it. */
    size_t cap = l->max + 1;
    while (len) {
        const char *nl = memchr(data, '\n', len);
        size_t n = nl ? (size_t)(nl - data) : len;
        if (memchr(data, '\0', n))
            return fail(l, GG_LINES_BAD_BYTE);
        if (l->part.len + n > cap)
            return fail(l, GG_LINES_TOO_LONG);
        if (!nl) {
            gg_buf_add(&l->part, data, n);
            return 0;
        }
        int rc;
        if (l->part.len) {
            gg_buf_add(&l->part, data, n);
            rc = emit(l, l->part.data, l->part.len, cb, ctx);
            l->part.len = 0;
        } else {
            rc = emit(l, data, n, cb, ctx);
        }
        if (rc)
            return rc;
        data += n + 1;
        len -= n + 1;
    }
    return 0;
}

int gg_lines_finish(struct gg_lines *l)
{
    if (l->failed)
        return l->failed;
    if (!is_blank(l->part.data, l->part.len))
        return fail(l, GG_LINES_TRUNCATED);
    l->part.len = 0;
    return 0;
}

const char *gg_lines_strerror(int code)
{
    switch (code) {
    case GG_LINES_TOO_LONG:
        return "a line of the stream is over the size limit";
    case GG_LINES_BAD_BYTE:
        return "the stream holds a NUL byte";
    case GG_LINES_TRUNCATED:
        return "the stream ended inside a line";
    default:
        return "the stream was stopped";
    }
}
