/* SPDX-License-Identifier: Apache-2.0 */
/* A test backend that answers every request with a JSON account of it, in
 * the shape of the Gateway API conformance suite's echo-basic server, so the
 * same assertions hold whether a request went to a real cluster's echo Pod
 * or to this process: tests, benchmarks, `make run` and the conformance
 * harness all route to it. */
#ifndef GG_ECHO_H
#define GG_ECHO_H

#include <stddef.h>

struct gg_echo;

struct gg_echo_config {
    const char *const *listen; /* "IP:PORT" or "[IPv6]:PORT", nlisten of them */
    size_t nlisten;
    const char *pod;     /* reported as "pod"; may be "" */
    const char *ns;      /* reported as "namespace" */
    const char *service; /* reported as "service" */
    unsigned threads;    /* 0: one thread per connection (delays never block
                          * another client); N: a pool of N event threads */
};

/* Binds every address and starts serving on libmicrohttpd's own threads.
 * The strings of cfg are copied. Returns NULL with a message naming the
 * address in err on a bad address or a bind failure. */
struct gg_echo *gg_echo_start(const struct gg_echo_config *cfg, char *err, size_t errlen);

/* Stops accepting, closes every connection and frees e; e may be NULL. */
void gg_echo_stop(struct gg_echo *e);

/* The address the i-th listener is bound to ("127.0.0.1:43121"), useful when
 * PORT was 0. */
const char *gg_echo_bound(const struct gg_echo *e, size_t i);

/* Exposed for tests: Go's canonical form of a header field name (textproto.
 * CanonicalMIMEHeaderKey), which echo-basic reports; written to out (at
 * least len+1 bytes). Names with bytes outside a token are left as they are. */
void gg_echo_canonical_name(const char *name, char *out);

/* Exposed for tests: a Go duration ("1s", "250ms", "1m30s", "1.5s") in
 * nanoseconds; -1 when malformed or negative. */
long long gg_echo_parse_duration(const char *s);

#endif
