/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the watch stream: the line splitter (kube/lines.c) and the
 * event decoder (kube/client.c) on arbitrary bytes. The first two bytes pick
 * the line limit and how the rest is cut into chunks; the lines must come out
 * the same whatever the cuts, and the same as a naive reference split. Builds
 * with libFuzzer (clang -fsanitize=fuzzer) or with gcc and standalone.c. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kube/client.h"
#include "kube/lines.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
    struct gg_buf text; /* every line, each followed by a '\n' */
    size_t n;
};

static int take(void *ctx, const char *line, size_t len)
{
    struct seen *s = ctx;
    assert(len > 0 && !memchr(line, '\n', len) && !memchr(line, '\0', len));
    gg_buf_add(&s->text, line, len);
    gg_buf_addc(&s->text, '\n');
    s->n++;
    struct gg_kube_event ev;
    char err[128];
    if (gg_kube_event_decode(line, len, &ev, err, sizeof(err)) == 0) {
        assert(json_is_object(ev.object));
        (void)gg_kube_status_code(ev.object);
        json_decref(ev.object);
    }
    return 0;
}

/* Splits <p> in chunks whose sizes come from <seed>; returns the result. */
static int run(const char *p, size_t len, size_t max, unsigned seed, struct seen *s)
{
    struct gg_lines l;
    gg_lines_init(&l, max);
    int rc = 0;
    size_t off = 0;
    while (off < len && rc == 0) {
        size_t chunk = seed ? 1 + (seed = seed * 1103515245u + 12345u) % 17 : len;
        if (chunk > len - off)
            chunk = len - off;
        rc = gg_lines_feed(&l, p + off, chunk, take, s);
        off += chunk;
    }
    if (rc == 0)
        rc = gg_lines_finish(&l);
    gg_lines_clear(&l);
    return rc;
}

static int is_blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
            return 0;
    return 1;
}

/* The same rules written the obvious way over the whole input. */
static int reference(const char *p, size_t len, size_t max, struct seen *s)
{
    size_t start = 0;
    while (start < len) {
        const char *nl = memchr(p + start, '\n', len - start);
        size_t n = nl ? (size_t)(nl - (p + start)) : len - start;
        const char *line = p + start;
        if (memchr(line, '\0', n))
            return GG_LINES_BAD_BYTE;
        /* an unterminated tail is bounded like a line, blank or not: the
         * splitter cannot know it is blank without keeping it */
        if (!nl)
            return n > max + 1 ? GG_LINES_TOO_LONG : is_blank(line, n) ? 0 : GG_LINES_TRUNCATED;
        size_t t = n && line[n - 1] == '\r' ? n - 1 : n;
        if (t > max)
            return GG_LINES_TOO_LONG;
        if (!is_blank(line, t)) {
            gg_buf_add(&s->text, line, t);
            gg_buf_addc(&s->text, '\n');
            s->n++;
        }
        start += n + 1;
    }
    return 0;
}

static int same_text(const struct seen *a, const struct seen *b)
{
    return a->n == b->n && a->text.len == b->text.len &&
           (a->text.len == 0 || memcmp(a->text.data, b->text.data, a->text.len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    /* small limits reach the length checks; 0 means a roomy one */
    size_t max = data[0] ? data[0] % 64 + 1 : 4096;
    unsigned seed = data[1] + 1u;
    const char *p = (const char *)data + 2;
    size_t len = size - 2;

    struct seen whole = {0}, cut = {0}, ref = {0};
    int rc_whole = run(p, len, max, 0, &whole);
    int rc_cut = run(p, len, max, seed, &cut);
    int rc_ref = reference(p, len, max, &ref);

    /* The same lines before any error; success or failure agree. Which error
     * a line that is both too long and holds a NUL gives depends on where
     * the cut falls, so those two may trade places. */
    assert(same_text(&whole, &cut) && same_text(&whole, &ref));
    assert((rc_whole == 0) == (rc_cut == 0) && (rc_whole == 0) == (rc_ref == 0));
    if (rc_whole == GG_LINES_TRUNCATED || rc_cut == GG_LINES_TRUNCATED)
        assert(rc_whole == rc_cut && rc_cut == rc_ref);
    gg_buf_clear(&whole.text);
    gg_buf_clear(&cut.text);
    gg_buf_clear(&ref.text);
    return 0;
}
