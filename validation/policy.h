/* SPDX-License-Identifier: Apache-2.0 */
/* The ownership policy: what the platform team states about who may do what,
 * beyond what Gateway API objects can say. Read from YAML (`--policy FILE`;
 * in a cluster a ConfigMap the chart renders); the format is documented in
 * docs/policy.md with examples/policy.yaml. A policy is immutable once
 * parsed and shared by reference; reloading swaps in a new one only if it
 * parses, so a bad edit never leaves the webhook without rules.
 *
 * Every function taking a `const struct gg_policy *` accepts NULL and then
 * answers as the default policy does (every check at its default level, no
 * owners, no attachment rules, first-come hostname holding on). */
#ifndef GG_POLICY_H
#define GG_POLICY_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "model.h"

struct gg_buf;

enum gg_level { GG_LEVEL_OFF, GG_LEVEL_WARN, GG_LEVEL_DENY };

/* The cross-object checks: {enum, name in the policy and in findings, default
 * level}. The names are the `check` of every finding they produce. */
#define GG_CHECK_MAP(X)                                                                            \
    X(PARENT_ATTACHMENT, "parent-attachment", GG_LEVEL_DENY)                                       \
    X(HOSTNAME_INTERSECTION, "hostname-intersection", GG_LEVEL_DENY)                               \
    X(REFERENCE_GRANT, "reference-grant", GG_LEVEL_DENY)                                           \
    X(REFERENT_EXISTS, "referent-exists", GG_LEVEL_WARN)                                           \
    X(HOSTNAME_OWNERSHIP, "hostname-ownership", GG_LEVEL_DENY)                                     \
    X(RULE_CONFLICT, "rule-conflict", GG_LEVEL_DENY)                                               \
    X(ROUTE_KIND_CONFLICT, "route-kind-conflict", GG_LEVEL_WARN)                                   \
    X(LISTENER_CONFLICT, "listener-conflict", GG_LEVEL_DENY)                                       \
    X(LISTENER_TLS, "listener-tls", GG_LEVEL_WARN)                                                 \
    X(LISTENERSET_ATTACHMENT, "listenerset-attachment", GG_LEVEL_DENY)                             \
    X(ATTACHMENT_POLICY, "attachment-policy", GG_LEVEL_DENY)                                       \
    X(REQUIRE_HOSTNAMES, "require-hostnames", GG_LEVEL_DENY)                                       \
    X(CHANGE_IMPACT, "change-impact", GG_LEVEL_WARN)

enum gg_check_id {
#define GG_X(e, name, level) GG_CHECK_##e,
    GG_CHECK_MAP(GG_X)
#undef GG_X
        GG_CHECK_COUNT
};

/* The check's name ("rule-conflict"); static storage. */
const char *gg_check_name(enum gg_check_id id);

/* How much a denial may say about objects in other namespaces. */
enum gg_disclose {
    GG_DISCLOSE_NONE,       /* "claimed by another namespace" (the default) */
    GG_DISCLOSE_NAMESPACES, /* "claimed by namespace \"shop\"" */
    GG_DISCLOSE_OBJECTS,    /* "claimed by HTTPRoute \"shop/web\"" */
};

/* When a route must list spec.hostnames. */
enum gg_require_hostnames {
    GG_REQUIRE_HOSTNAMES_NEVER,  /* the default */
    GG_REQUIRE_HOSTNAMES_SHARED, /* on a Gateway in another namespace */
    GG_REQUIRE_HOSTNAMES_ALWAYS,
};

struct gg_policy;

/* Parses the policy in <path>. Returns a new policy with one reference, or
 * NULL with "<file>:<line>: <what>" in <err> (<errlen> bytes). */
struct gg_policy *gg_policy_load(const char *path, char *err, size_t errlen);

/* The same for a buffer; <name> stands for the file in errors. */
struct gg_policy *gg_policy_parse(const char *name, const char *buf, size_t len, char *err,
                                  size_t errlen);

/* References are atomic, so readers on several threads may share a policy. */
struct gg_policy *gg_policy_ref(struct gg_policy *p);
/* Drops a reference; the last one frees the policy. NULL is a no-op. */
void gg_policy_unref(struct gg_policy *p);

enum gg_level gg_policy_level(const struct gg_policy *p, enum gg_check_id id);
enum gg_disclose gg_policy_disclose(const struct gg_policy *p);
enum gg_require_hostnames gg_policy_require_hostnames(const struct gg_policy *p);
/* Whether, where no pattern names an owner, the first namespace to serve a
 * hostname on a Gateway holds it (check hostname-ownership). Default true. */
bool gg_policy_first_come(const struct gg_policy *p);
/* Whether routes in namespace <ns> are exempt from the policy's own rules
 * (ownership, attachment rules, required hostnames). */
bool gg_policy_is_exempt(const struct gg_policy *p, const char *ns);

/* The Namespace a rule is evaluated for: its name and, when the store has
 * the Namespace object, its labels (else NULL/0). */
struct gg_policy_ns {
    const char *name;
    const struct gg_label *labels;
    size_t n_labels;
};

enum gg_owner_verdict {
    GG_OWNER_UNGOVERNED, /* no pattern names an owner for it */
    GG_OWNER_ALLOWED,    /* the namespace is an owner */
    GG_OWNER_DENIED,     /* another namespace owns it */
};

struct gg_owner_result {
    enum gg_owner_verdict verdict;
    const char *pattern; /* the deciding pattern as written; borrowed from the policy */
    bool has_path;       /* the pattern has a path prefix */
};

/* Who may serve <hostname> (exact or wildcard) with a request path under
 * <path> ("/" for the whole host). The deciding pattern is the most specific
 * one that covers both: longest path prefix, then the narrowest hostname
 * (exact before `*.a.b` before `*.b`). */
struct gg_owner_result gg_policy_owner(const struct gg_policy *p, const char *hostname,
                                       const char *path, const struct gg_policy_ns *ns);

/* For a wildcard <hostname> that no pattern covers: the first pattern under
 * it (narrower hostname) that <ns> does not own, or NULL. A route on `*.a.b`
 * would otherwise catch traffic for names given to others. */
const char *gg_policy_owned_below(const struct gg_policy *p, const char *hostname,
                                  const struct gg_policy_ns *ns);

/* Whether any pattern's hostname intersects <hostname>; if so the policy
 * governs it and first-come holding does not apply. */
bool gg_policy_names_hostname(const struct gg_policy *p, const char *hostname);

enum gg_attach_verdict {
    GG_ATTACH_FREE,    /* no attachment rule names the namespace */
    GG_ATTACH_ALLOWED, /* a rule for the namespace lists the Gateway (and listener) */
    GG_ATTACH_DENIED,
};

/* Whether routes of <ns> may attach to Gateway <gw_ns>/<gw_name> through
 * listener <section> (NULL: every listener, so a rule that lists only some
 * listeners denies it). On GG_ATTACH_DENIED, the targets the namespace may
 * use are appended to <allowed> ("\"infra/public\", \"infra/internal/https\"")
 * when it is not NULL. */
enum gg_attach_verdict gg_policy_attach(const struct gg_policy *p, const struct gg_policy_ns *ns,
                                        const char *gw_ns, const char *gw_name, const char *section,
                                        struct gg_buf *allowed);

/* A policy in force that may be reloaded while readers use it. */
struct gg_policy_slot {
    pthread_mutex_t mu;
    struct gg_policy *cur; /* may be NULL: the default policy */
};

/* Starts a slot holding <initial> (taken; may be NULL). */
void gg_policy_slot_init(struct gg_policy_slot *slot, struct gg_policy *initial);
/* Drops the slot's reference; not the struct itself. */
void gg_policy_slot_clear(struct gg_policy_slot *slot);
/* The policy in force, with a reference the caller drops (may be NULL). */
struct gg_policy *gg_policy_slot_get(struct gg_policy_slot *slot);
/* Parses <path> and puts it in force. Returns 0, or -1 with the reason in
 * <err> while the old policy stays in force. */
int gg_policy_slot_reload(struct gg_policy_slot *slot, const char *path, char *err, size_t errlen);

#endif
