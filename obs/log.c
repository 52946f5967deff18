/* SPDX-License-Identifier: Apache-2.0 */
/* The JSON line logger declared in log.h. */
#include "obs/log.h"

#include "validation/xalloc.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static _Atomic int min_level = GG_LOG_INFO;

static const char *const names[] = {"debug", "info", "warn", "error"};

void gg_log_set_level(enum gg_log_level min)
{
    atomic_store(&min_level, (int)min);
}

int gg_log_parse_level(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

void gg_log(enum gg_log_level level, const char *event, const char *fmt, ...)
{
    if ((int)level < atomic_load(&min_level))
        return;
    json_t *obj = NULL;
    json_error_t jerr;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        obj = json_vpack_ex(&jerr, 0, fmt, ap);
        va_end(ap);
    }
    if (!json_is_object(obj)) {
        json_decref(obj);
        obj = json_object();
        /* a bad format is the program's mistake; keep the event, say so */
        if (fmt)
            json_object_set_new(obj, "log_error", json_string(jerr.text));
    }

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[40];
    size_t n = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when + n, sizeof(when) - n, ".%03ldZ", ts.tv_nsec / 1000000);

    /* fixed fields first, for people reading the raw stream */
    json_t *line =
        json_pack("{s:s, s:s, s:s}", "time", when, "level", names[level], "event", event);
    json_object_update_missing(line, obj);
    json_decref(obj);
    char *text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9));
    json_decref(line);
    if (!text)
        return;
    size_t len = strlen(text);
    text[len] = '\n'; /* json_dumps leaves room: its NUL becomes the newline */
    const char *p = text;
    size_t left = len + 1;
    while (left > 0) {
        ssize_t w = write(STDERR_FILENO, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        p += w;
        left -= (size_t)w;
    }
    gg_json_free(text);
}
