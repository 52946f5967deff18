/* SPDX-License-Identifier: Apache-2.0 */
/* Aborting allocators and the growable buffer declared in xalloc.h. */
#include "xalloc.h"

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "gateguard: out of memory allocating %zu bytes\n", n);
    abort();
}

void *gg_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *gg_xcalloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
    if (!p)
        oom(nmemb * size);
    return p;
}

void *gg_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

char *gg_xstrdup(const char *s)
{
    return gg_xstrndup(s, strlen(s));
}

char *gg_xstrndup(const char *s, size_t n)
{
    char *p = gg_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *gg_xvasprintf(const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        n = 0;
    char *p = gg_xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *gg_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = gg_xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

void gg_json_free(void *p)
{
    json_free_t free_fn;
    json_get_alloc_funcs(NULL, &free_fn);
    free_fn(p);
}

void gg_seterr(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

void gg_buf_init(struct gg_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void gg_buf_clear(struct gg_buf *b)
{
    free(b->data);
    gg_buf_init(b);
}

static void reserve(struct gg_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = gg_xrealloc(b->data, cap);
    b->cap = cap;
}

void gg_buf_add(struct gg_buf *b, const void *p, size_t n)
{
    reserve(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void gg_buf_adds(struct gg_buf *b, const char *s)
{
    gg_buf_add(b, s, strlen(s));
}

void gg_buf_addc(struct gg_buf *b, char c)
{
    gg_buf_add(b, &c, 1);
}

void gg_buf_addf(struct gg_buf *b, const char *fmt, ...)
{
    va_list ap, cp;
    va_start(ap, fmt);
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n > 0) {
        reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        b->len += (size_t)n;
    }
    va_end(ap);
}

/* Decodes one UTF-8 sequence; returns its length, or 0 when it is invalid
 * (Go's %q then prints the byte as \xNN). */
static size_t utf8_len(const unsigned char *s, size_t n, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len;
    unsigned c;
    if ((s[0] & 0xe0) == 0xc0) {
        len = 2;
        c = s[0] & 0x1f;
    } else if ((s[0] & 0xf0) == 0xe0) {
        len = 3;
        c = s[0] & 0x0f;
    } else if ((s[0] & 0xf8) == 0xf0) {
        len = 4;
        c = s[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
        c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

void gg_buf_add_goquoted(struct gg_buf *b, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    gg_buf_addc(b, '"');
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t l = utf8_len(s + i, n - i, &cp);
        if (l == 0) {
            gg_buf_addf(b, "\\x%02x", s[i]);
            i++;
            continue;
        }
        if (l == 1) {
            switch (cp) {
            case '"':
                gg_buf_adds(b, "\\\"");
                break;
            case '\\':
                gg_buf_adds(b, "\\\\");
                break;
            case '\n':
                gg_buf_adds(b, "\\n");
                break;
            case '\t':
                gg_buf_adds(b, "\\t");
                break;
            case '\r':
                gg_buf_adds(b, "\\r");
                break;
            default:
                if (cp < 0x20 || cp == 0x7f)
                    gg_buf_addf(b, "\\x%02x", cp);
                else
                    gg_buf_addc(b, (char)cp);
            }
        } else {
            gg_buf_add(b, s + i, l);
        }
        i += l;
    }
    gg_buf_addc(b, '"');
}

char *gg_buf_take(struct gg_buf *b)
{
    char *p = b->data ? b->data : gg_xstrdup("");
    gg_buf_init(b);
    return p;
}
