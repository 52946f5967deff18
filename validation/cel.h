/* SPDX-License-Identifier: Apache-2.0 */
/* The CRDs' CEL rules (x-kubernetes-validations), each implemented as a C
 * predicate over the JSON node that carries it. The schema compiler looks
 * every rule of the embedded CRDs up here by its message and a hash of its
 * exact text, so a rule upstream adds or rewrites shows up as unimplemented
 * (see gg_schema_missing_rules) instead of being silently skipped. */
#ifndef GG_CEL_H
#define GG_CEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum gg_cel_result {
    GG_CEL_PASS,
    GG_CEL_FAIL,
    /* CEL stopped with a runtime error ("no such key: certificateRefs"); the
     * API server reports it together with the rule's message and denies. */
    GG_CEL_ERROR,
};

/* <self> is the node carrying the rule, after the CRD's defaults were applied.
 * <old> is the same node in the old object on UPDATE, or NULL (transition
 * rules are only evaluated when it is set). On GG_CEL_ERROR the predicate
 * writes CEL's error text into <err> (<errlen> bytes). Pure functions. */
typedef enum gg_cel_result (*gg_cel_fn)(const json_t *self, const json_t *old, char *err,
                                        size_t errlen);

struct gg_cel_rule {
    const char *message; /* the rule's message, verbatim */
    uint64_t rule_hash;  /* gg_cel_hash of the rule's text, verbatim */
    gg_cel_fn fn;
    bool is_transition; /* the rule reads oldSelf */
};

/* FNV-1a, 64 bits, over the bytes of <rule_text>. */
uint64_t gg_cel_hash(const char *rule_text);

/* Bracket the evaluation of one object's rules (on one thread): in between,
 * predicates may cache field lookups, so the object must not change. */
void gg_cel_begin(void);
void gg_cel_end(void);

/* The implementation of the rule with this message and text, or NULL. */
const struct gg_cel_rule *gg_cel_find(const char *message, const char *rule_text);

/* Every implemented rule, for listings (`gateguard rules`). */
extern const struct gg_cel_rule gg_cel_rules[];
extern const size_t gg_cel_rules_n;

#endif
