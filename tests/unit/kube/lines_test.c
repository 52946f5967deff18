/* SPDX-License-Identifier: Apache-2.0 */
/* The watch stream's line splitter: lines cut anywhere by chunks come out
 * whole and in order, and every limit is an error that sticks. */
#include <criterion/criterion.h>
#include <string.h>

#include "kube/lines.h"

struct got {
    char text[4096]; /* the lines joined by '|' */
    int n;
    int stop_at; /* return 7 from this line on (1-based), 0: never */
};

static int collect(void *ctx, const char *line, size_t len)
{
    struct got *g = ctx;
    size_t used = strlen(g->text);
    cr_assert_lt(used + len + 1, sizeof(g->text));
    if (g->n)
        g->text[used++] = '|';
    memcpy(g->text + used, line, len);
    g->text[used + len] = '\0';
    g->n++;
    return g->stop_at && g->n >= g->stop_at ? 7 : 0;
}

/* Feeds <s> in chunks of <chunk> bytes; returns the first non-zero result,
 * or gg_lines_finish's. */
static int split(const char *s, size_t chunk, size_t max, struct got *g)
{
    struct gg_lines l;
    gg_lines_init(&l, max);
    size_t len = strlen(s);
    int rc = 0;
    for (size_t off = 0; off < len && rc == 0; off += chunk)
        rc = gg_lines_feed(&l, s + off, len - off < chunk ? len - off : chunk, collect, g);
    if (rc == 0)
        rc = gg_lines_finish(&l);
    gg_lines_clear(&l);
    return rc;
}

Test(watch_lines, gives_the_same_lines_whatever_the_chunk_size)
{
    const char *in = "{\"type\":\"ADDED\"}\n{\"type\":\"MODIFIED\"}\r\n\n  \n{\"a\":1}\n";
    for (size_t chunk = 1; chunk <= strlen(in); chunk++) {
        struct got g = {0};
        cr_assert_eq(split(in, chunk, 64, &g), 0, "chunk %zu", chunk);
        cr_expect_str_eq(g.text, "{\"type\":\"ADDED\"}|{\"type\":\"MODIFIED\"}|{\"a\":1}",
                         "chunk %zu", chunk);
        cr_expect_eq(g.n, 3);
    }
}

Test(watch_lines, accepts_a_line_of_exactly_the_limit_with_or_without_cr)
{
    struct got g = {0};
    cr_expect_eq(split("12345\n12345\r\n", 2, 5, &g), 0);
    cr_expect_eq(g.n, 2);
}

Test(watch_lines, refuses_a_line_over_the_limit_whole_or_cut)
{
    for (size_t chunk = 1; chunk <= 8; chunk++) {
        struct got g = {0};
        cr_expect_eq(split("ok\n123456\nnever\n", chunk, 5, &g), GG_LINES_TOO_LONG, "chunk %zu",
                     chunk);
        cr_expect_str_eq(g.text, "ok");
    }
    struct got g = {0};
    cr_expect_eq(split("123456\r\n", 3, 5, &g), GG_LINES_TOO_LONG);
    cr_expect_eq(split("12345\r\r\n", 3, 5, &g), GG_LINES_TOO_LONG);
}

Test(watch_lines, refuses_a_nul_byte)
{
    struct gg_lines l;
    struct got g = {0};
    gg_lines_init(&l, 64);
    cr_expect_eq(gg_lines_feed(&l, "a\nb\0c\nd\n", 8, collect, &g), GG_LINES_BAD_BYTE);
    cr_expect_str_eq(g.text, "a");
    gg_lines_clear(&l);
}

Test(watch_lines, reports_a_stream_that_ends_inside_a_line)
{
    struct got g = {0};
    cr_expect_eq(split("{\"a\":1}\n{\"b\":", 4, 64, &g), GG_LINES_TRUNCATED);
    cr_expect_eq(g.n, 1);
    struct got h = {0};
    cr_expect_eq(split("{\"a\":1}\n  \r", 4, 64, &h), 0, "trailing blanks are no line");
}

Test(watch_lines, errors_and_stops_stick_until_reset)
{
    struct gg_lines l;
    struct got g = {.stop_at = 1};
    gg_lines_init(&l, 64);
    cr_expect_eq(gg_lines_feed(&l, "a\nb\n", 4, collect, &g), 7);
    cr_expect_eq(gg_lines_feed(&l, "c\n", 2, collect, &g), 7);
    cr_expect_eq(gg_lines_finish(&l), 7);
    cr_expect_eq(g.n, 1);
    gg_lines_reset(&l);
    g.stop_at = 0;
    cr_expect_eq(gg_lines_feed(&l, "d\n", 2, collect, &g), 0);
    cr_expect_str_eq(g.text, "a|d");
    cr_expect_str_eq(gg_lines_strerror(GG_LINES_TOO_LONG),
                     "a line of the stream is over the size limit");
    gg_lines_clear(&l);
}

Test(watch_lines, keeps_memory_within_the_limit_for_an_endless_line)
{
    struct gg_lines l;
    struct got g = {0};
    char chunk[1000];
    memset(chunk, 'x', sizeof(chunk));
    gg_lines_init(&l, 10000);
    int rc = 0;
    for (int i = 0; i < 1000 && rc == 0; i++)
        rc = gg_lines_feed(&l, chunk, sizeof(chunk), collect, &g);
    cr_expect_eq(rc, GG_LINES_TOO_LONG);
    cr_expect_leq(l.part.cap, 2 * 10001 + 64, "cap %zu", l.part.cap);
    gg_lines_clear(&l);
}
