/* SPDX-License-Identifier: Apache-2.0 */
/* Structured logs: one JSON object per line on standard error, one line per
 * event, so a log pipeline can index the fields (a review's uid, its kind,
 * the verdict) without parsing prose. */
#ifndef GG_LOG_H
#define GG_LOG_H

#include <jansson.h> /* the field formats are json_pack()'s; "I" takes a json_int_t */

enum gg_log_level { GG_LOG_DEBUG, GG_LOG_INFO, GG_LOG_WARN, GG_LOG_ERROR };

/* Lines below <min> are dropped; the default is GG_LOG_INFO. */
void gg_log_set_level(enum gg_log_level min);

/* Parses "debug", "info", "warn" or "error"; returns -1 for anything else. */
int gg_log_parse_level(const char *s);

/* Writes {"time":"<RFC 3339 UTC>","level":"...","event":<event>, ...} where
 * the remaining fields come from <fmt>, a jansson json_pack() format that
 * builds an object ("{s:s, s:i}", "s?" for a string that may be NULL), or
 * NULL for none. Each line is one write(2), so lines from several threads do
 * not interleave. Thread-safe. */
void gg_log(enum gg_log_level level, const char *event, const char *fmt, ...);

#endif
