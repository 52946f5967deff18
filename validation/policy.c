/* SPDX-License-Identifier: Apache-2.0 */
/* Parsing and querying the ownership policy (format: docs/policy.md).
 *
 * Design notes
 *
 * A parsed policy is immutable: every string and list lives in its own
 * arena, and it is shared by an atomic reference count, so a webhook thread
 * keeps using the policy it started a request with while a reload swaps in
 * a new one. Parsing is strict: an unknown field, a malformed hostname
 * pattern or namespace, or an unknown check or level refuses the whole file
 * with file:line, and the slot keeps the old policy. */
#include "policy.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "hostname.h"
#include "linemap.h"
#include "load.h"
#include "selector.h"
#include "xalloc.h"

#define POLICY_API_VERSION "gateguard.dev/v1alpha1"
#define POLICY_KIND "OwnershipPolicy"
#define MAX_PATH_PREFIX 1024

static const struct {
    const char *name;
    enum gg_level level;
} checks[GG_CHECK_COUNT] = {
#define GG_X(e, name, level) [GG_CHECK_##e] = {name, level},
    GG_CHECK_MAP(GG_X)
#undef GG_X
};

struct owner_entry {
    const char *pattern; /* as written */
    const char *host;    /* the hostname part */
    const char *path;    /* the path prefix, or NULL for the whole host */
    const char **namespaces;
    size_t n_namespaces;
    struct gg_selector selector; /* is_set false when absent */
};

struct target {
    const char *text;                /* as written: "ns/name" or "ns/name/listener" */
    const char *ns, *name, *section; /* name "*": any Gateway; section NULL: any listener */
};

struct attach_rule {
    const char **namespaces;
    size_t n_namespaces;
    struct gg_selector selector;
    struct target *targets;
    size_t n_targets;
};

struct gg_policy {
    atomic_int refs;
    struct gg_arena arena;
    enum gg_level levels[GG_CHECK_COUNT];
    struct owner_entry *owners;
    size_t n_owners;
    struct attach_rule *attach;
    size_t n_attach;
    const char **exempt;
    size_t n_exempt;
    enum gg_disclose disclose;
    enum gg_require_hostnames require_hostnames;
    bool first_come;
};

const char *gg_check_name(enum gg_check_id id)
{
    return id < GG_CHECK_COUNT ? checks[id].name : "";
}

/* --- parsing -------------------------------------------------------------- */

struct parser {
    const char *file;
    const struct gg_linemap *lines;
    int doc_line;
    char *err;
    size_t errlen;
    bool failed;
    struct gg_policy *pol;
};

static void fail(struct parser *ps, const json_t *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(struct parser *ps, const json_t *at, const char *fmt, ...)
{
    if (ps->failed)
        return;
    ps->failed = true;
    int line = at && ps->lines ? gg_linemap_find(ps->lines, at) : 0;
    if (line <= 0)
        line = ps->doc_line;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(ps->err, ps->errlen, "%s:%d: %s", ps->file, line, msg);
}

static const char *dup_str(struct parser *ps, const json_t *s)
{
    return gg_arena_strndup(&ps->pol->arena, json_string_value(s), json_string_length(s));
}

/* Fails unless every key of <obj> is one of <known> (NULL-terminated). */
static void only_keys(struct parser *ps, const json_t *obj, const char *where,
                      const char *const *known)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        const char *const *k = known;
        while (*k && strcmp(*k, key) != 0)
            k++;
        if (!*k) {
            char list[256] = "";
            size_t len = 0;
            for (k = known; *k && len < sizeof(list); k++)
                len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
                                        k == known ? "" : ", ", *k);
            fail(ps, v, "%s: unknown field \"%s\" (known: %s)", where, key, list);
            return;
        }
    }
}

static bool is_dns_label(const char *s, size_t n)
{
    if (n < 1 || n > 63)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i && i < n - 1);
        if (!ok)
            return false;
    }
    return true;
}

static const char **namespace_list(struct parser *ps, const json_t *arr, const char *where,
                                   size_t *n_out)
{
    *n_out = 0;
    if (!json_is_array(arr)) {
        fail(ps, arr, "%s: must be a list of namespace names", where);
        return NULL;
    }
    size_t n = json_array_size(arr);
    const char **out = gg_arena_alloc(&ps->pol->arena, (n ? n : 1) * sizeof(*out));
    for (size_t i = 0; i < n; i++) {
        const json_t *s = json_array_get(arr, i);
        if (!json_is_string(s) || !is_dns_label(json_string_value(s), json_string_length(s))) {
            fail(ps, s, "%s[%zu]: not a namespace name (RFC 1123 label)", where, i);
            return NULL;
        }
        out[i] = dup_str(ps, s);
    }
    *n_out = n;
    return out;
}

static void selector(struct parser *ps, const json_t *j, const char *where, struct gg_selector *s)
{
    static const char *const known[] = {"matchLabels", "matchExpressions", NULL};
    if (!json_is_object(j)) {
        fail(ps, j, "%s: must be a label selector", where);
        return;
    }
    only_keys(ps, j, where, known);
    s->is_set = true;
    const json_t *ml = json_object_get(j, "matchLabels");
    if (ml) {
        if (!json_is_object(ml)) {
            fail(ps, ml, "%s.matchLabels: must be a map of label values", where);
            return;
        }
        size_t n = json_object_size(ml), i = 0;
        struct gg_label *l = gg_arena_alloc(&ps->pol->arena, (n ? n : 1) * sizeof(*l));
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)ml, key, v)
        {
            if (!json_is_string(v)) {
                fail(ps, v, "%s.matchLabels[%s]: must be a string", where, key);
                return;
            }
            l[i].key = gg_arena_strndup(&ps->pol->arena, key, strlen(key));
            l[i].value = dup_str(ps, v);
            i++;
        }
        s->match_labels = l;
        s->n_match_labels = (uint16_t)n;
    }
    const json_t *me = json_object_get(j, "matchExpressions");
    if (!me)
        return;
    if (!json_is_array(me)) {
        fail(ps, me, "%s.matchExpressions: must be a list", where);
        return;
    }
    size_t n = json_array_size(me);
    struct gg_selector_req *r = gg_arena_alloc(&ps->pol->arena, (n ? n : 1) * sizeof(*r));
    for (size_t i = 0; i < n && !ps->failed; i++) {
        static const char *const eknown[] = {"key", "operator", "values", NULL};
        const json_t *e = json_array_get(me, i);
        char w[384];
        snprintf(w, sizeof(w), "%.300s.matchExpressions[%zu]", where, i);
        if (!json_is_object(e)) {
            fail(ps, e, "%s: must be a map", w);
            return;
        }
        only_keys(ps, e, w, eknown);
        const json_t *key = json_object_get(e, "key");
        const char *op = json_string_value(json_object_get(e, "operator"));
        const json_t *vals = json_object_get(e, "values");
        if (!json_is_string(key)) {
            fail(ps, e, "%s.key: required", w);
            return;
        }
        r[i].key = dup_str(ps, key);
        static const char *const ops[] = {"In", "NotIn", "Exists", "DoesNotExist"};
        r[i].op = GG_SELECTOR_INVALID;
        for (uint8_t k = 0; k < 4; k++)
            if (op && strcmp(op, ops[k]) == 0)
                r[i].op = k;
        if (r[i].op == GG_SELECTOR_INVALID) {
            fail(ps, json_object_get(e, "operator") ? json_object_get(e, "operator") : e,
                 "%s.operator: must be In, NotIn, Exists or DoesNotExist", w);
            return;
        }
        bool want_values = r[i].op == GG_SELECTOR_IN || r[i].op == GG_SELECTOR_NOT_IN;
        size_t nv = json_is_array(vals) ? json_array_size(vals) : 0;
        if (want_values != (nv > 0) || (vals && !json_is_array(vals))) {
            fail(ps, vals ? vals : e, "%s.values: %s", w,
                 want_values ? "In and NotIn need a non-empty list"
                             : "Exists and DoesNotExist take no values");
            return;
        }
        const char **v = gg_arena_alloc(&ps->pol->arena, (nv ? nv : 1) * sizeof(*v));
        for (size_t k = 0; k < nv; k++) {
            const json_t *s1 = json_array_get(vals, k);
            if (!json_is_string(s1)) {
                fail(ps, s1, "%s.values[%zu]: must be a string", w, k);
                return;
            }
            v[k] = dup_str(ps, s1);
        }
        r[i].values = v;
        r[i].n_values = (uint16_t)nv;
    }
    s->exprs = r;
    s->n_exprs = (uint16_t)n;
}

/* The owners of a hostnames[] entry or the subjects of an attachments[]
 * entry: `namespaces`, `namespaceSelector`, or both. */
static void owners(struct parser *ps, const json_t *e, const char *where, const char ***ns,
                   size_t *n_ns, struct gg_selector *sel)
{
    const json_t *list = json_object_get(e, "namespaces");
    const json_t *s = json_object_get(e, "namespaceSelector");
    char w[192];
    if (!list && !s) {
        fail(ps, e, "%s: needs namespaces or namespaceSelector", where);
        return;
    }
    if (list) {
        snprintf(w, sizeof(w), "%.160s.namespaces", where);
        *ns = namespace_list(ps, list, w, n_ns);
    }
    if (s && !ps->failed) {
        snprintf(w, sizeof(w), "%.160s.namespaceSelector", where);
        selector(ps, s, w, sel);
    }
}

static void hostnames(struct parser *ps, const json_t *arr)
{
    static const char *const known[] = {"pattern", "namespaces", "namespaceSelector", NULL};
    if (!json_is_array(arr)) {
        fail(ps, arr, "hostnames: must be a list");
        return;
    }
    size_t n = json_array_size(arr);
    struct owner_entry *out = gg_arena_alloc(&ps->pol->arena, (n ? n : 1) * sizeof(*out));
    for (size_t i = 0; i < n && !ps->failed; i++) {
        const json_t *e = json_array_get(arr, i);
        char w[64];
        snprintf(w, sizeof(w), "hostnames[%zu]", i);
        if (!json_is_object(e)) {
            fail(ps, e, "%s: must be a map with pattern and namespaces", w);
            return;
        }
        only_keys(ps, e, w, known);
        const json_t *pat = json_object_get(e, "pattern");
        if (!json_is_string(pat)) {
            fail(ps, pat ? pat : e, "%s.pattern: required: a hostname, optionally with a path", w);
            return;
        }
        const char *text = json_string_value(pat);
        size_t len = json_string_length(pat);
        const char *slash = memchr(text, '/', len);
        size_t hlen = slash ? (size_t)(slash - text) : len;
        if (!gg_hostname_is_valid(text, hlen)) {
            fail(ps, pat,
                 "%s.pattern: \"%.*s\" is not a valid hostname (lowercase RFC 1123 labels, "
                 "optionally starting with \"*.\")",
                 w, (int)hlen, text);
            return;
        }
        if (slash) {
            size_t plen = len - hlen;
            bool ok = plen <= MAX_PATH_PREFIX;
            for (size_t k = 0; ok && k < plen; k++)
                ok = slash[k] > ' ' && slash[k] < 0x7f && slash[k] != '?' && slash[k] != '#';
            if (!ok || strstr(slash, "//")) {
                fail(ps, pat, "%s.pattern: \"%s\" has an invalid path prefix", w, text);
                return;
            }
        }
        struct owner_entry *o = &out[i];
        o->pattern = dup_str(ps, pat);
        o->host = gg_arena_strndup(&ps->pol->arena, text, hlen);
        o->path = slash ? gg_arena_strndup(&ps->pol->arena, slash, len - hlen) : NULL;
        owners(ps, e, w, &o->namespaces, &o->n_namespaces, &o->selector);
    }
    ps->pol->owners = out;
    ps->pol->n_owners = n;
}

static void target(struct parser *ps, const json_t *s, const char *where, struct target *t)
{
    if (!json_is_string(s)) {
        fail(ps, s, "%s: must be \"namespace/gateway\" or \"namespace/gateway/listener\"", where);
        return;
    }
    const char *text = json_string_value(s);
    t->text = dup_str(ps, s);
    char *copy = gg_arena_strndup(&ps->pol->arena, text, strlen(text));
    char *a = copy, *b = strchr(a, '/'), *c = b ? strchr(b + 1, '/') : NULL;
    if (!b || (c && strchr(c + 1, '/'))) {
        fail(ps, s, "%s: \"%s\" must be \"namespace/gateway\" or \"namespace/gateway/listener\"",
             where, text);
        return;
    }
    *b++ = '\0';
    if (c)
        *c++ = '\0';
    if (!is_dns_label(a, strlen(a)) || !*b || (c && !*c)) {
        fail(ps, s, "%s: \"%s\" must be \"namespace/gateway\" or \"namespace/gateway/listener\"",
             where, text);
        return;
    }
    t->ns = a;
    t->name = b;
    t->section = c;
}

static void attachments(struct parser *ps, const json_t *arr)
{
    static const char *const known[] = {"namespaces", "namespaceSelector", "gateways", NULL};
    if (!json_is_array(arr)) {
        fail(ps, arr, "attachments: must be a list");
        return;
    }
    size_t n = json_array_size(arr);
    struct attach_rule *out = gg_arena_alloc(&ps->pol->arena, (n ? n : 1) * sizeof(*out));
    for (size_t i = 0; i < n && !ps->failed; i++) {
        const json_t *e = json_array_get(arr, i);
        char w[64];
        snprintf(w, sizeof(w), "attachments[%zu]", i);
        if (!json_is_object(e)) {
            fail(ps, e, "%s: must be a map with namespaces and gateways", w);
            return;
        }
        only_keys(ps, e, w, known);
        struct attach_rule *r = &out[i];
        owners(ps, e, w, &r->namespaces, &r->n_namespaces, &r->selector);
        const json_t *gws = json_object_get(e, "gateways");
        if (!json_is_array(gws)) {
            fail(ps, gws ? gws : e, "%s.gateways: required: a list of \"namespace/gateway\"", w);
            return;
        }
        r->n_targets = json_array_size(gws);
        size_t nt = r->n_targets ? r->n_targets : 1;
        r->targets = gg_arena_alloc(&ps->pol->arena, nt * sizeof(*r->targets));
        for (size_t k = 0; k < r->n_targets && !ps->failed; k++) {
            char tw[128];
            snprintf(tw, sizeof(tw), "%.60s.gateways[%zu]", w, k);
            target(ps, json_array_get(gws, k), tw, &r->targets[k]);
        }
    }
    ps->pol->attach = out;
    ps->pol->n_attach = n;
}

static void check_levels(struct parser *ps, const json_t *obj)
{
    if (!json_is_object(obj)) {
        fail(ps, obj, "checks: must be a map of check names to deny, warn or off");
        return;
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        int id = -1;
        for (int k = 0; k < GG_CHECK_COUNT; k++)
            if (strcmp(checks[k].name, key) == 0)
                id = k;
        if (id < 0) {
            fail(ps, v, "checks: unknown check \"%s\"", key);
            return;
        }
        const char *level = json_string_value(v);
        /* YAML 1.1, which Kubernetes tooling speaks, reads a bare off as false */
        if (json_is_false(v))
            ps->pol->levels[id] = GG_LEVEL_OFF;
        else if (level && strcmp(level, "deny") == 0)
            ps->pol->levels[id] = GG_LEVEL_DENY;
        else if (level && strcmp(level, "warn") == 0)
            ps->pol->levels[id] = GG_LEVEL_WARN;
        else if (level && strcmp(level, "off") == 0)
            ps->pol->levels[id] = GG_LEVEL_OFF;
        else {
            fail(ps, v, "checks.%s: must be deny, warn or off", key);
            return;
        }
    }
}

static int enum_value(struct parser *ps, const json_t *v, const char *where,
                      const char *const *names)
{
    const char *s = json_string_value(v);
    for (int i = 0; s && names[i]; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    char list[128] = "";
    size_t len = 0;
    for (int i = 0; names[i]; i++)
        len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "", names[i]);
    fail(ps, v, "%s: must be one of %s", where, list);
    return 0;
}

static void parse_doc(struct parser *ps, const json_t *doc)
{
    static const char *const known[] = {"apiVersion",       "kind",
                                        "hostnames",        "attachments",
                                        "checks",           "exemptNamespaces",
                                        "requireHostnames", "firstComeOwnership",
                                        "disclose",         NULL};
    static const char *const disclose[] = {"none", "namespaces", "objects", NULL};
    static const char *const require[] = {"never", "sharedGateways", "always", NULL};
    only_keys(ps, doc, "policy", known);
    const json_t *v;
    if ((v = json_object_get(doc, "apiVersion")) &&
        (!json_is_string(v) || strcmp(json_string_value(v), POLICY_API_VERSION) != 0))
        fail(ps, v, "apiVersion: must be %s", POLICY_API_VERSION);
    if ((v = json_object_get(doc, "kind")) &&
        (!json_is_string(v) || strcmp(json_string_value(v), POLICY_KIND) != 0))
        fail(ps, v, "kind: must be %s", POLICY_KIND);
    if (!ps->failed && (v = json_object_get(doc, "hostnames")))
        hostnames(ps, v);
    if (!ps->failed && (v = json_object_get(doc, "attachments")))
        attachments(ps, v);
    if (!ps->failed && (v = json_object_get(doc, "checks")))
        check_levels(ps, v);
    if (!ps->failed && (v = json_object_get(doc, "exemptNamespaces")))
        ps->pol->exempt = namespace_list(ps, v, "exemptNamespaces", &ps->pol->n_exempt);
    if (!ps->failed && (v = json_object_get(doc, "disclose")))
        ps->pol->disclose = (enum gg_disclose)enum_value(ps, v, "disclose", disclose);
    if (!ps->failed && (v = json_object_get(doc, "requireHostnames")))
        ps->pol->require_hostnames =
            (enum gg_require_hostnames)enum_value(ps, v, "requireHostnames", require);
    if (!ps->failed && (v = json_object_get(doc, "firstComeOwnership"))) {
        if (!json_is_boolean(v))
            fail(ps, v, "firstComeOwnership: must be true or false");
        else
            ps->pol->first_come = json_is_true(v);
    }
}

static struct gg_policy *policy_new(void)
{
    struct gg_policy *p = gg_xcalloc(1, sizeof(*p));
    atomic_init(&p->refs, 1);
    gg_arena_init(&p->arena, NULL, 0);
    for (int i = 0; i < GG_CHECK_COUNT; i++)
        p->levels[i] = checks[i].level;
    p->first_come = true;
    return p;
}

static struct gg_policy *from_docs(struct gg_docs *docs, const char *name, char *err, size_t errlen)
{
    struct gg_policy *p = policy_new();
    if (docs->n == 0)
        return p; /* an empty file is the default policy */
    struct parser ps = {docs->items[0].file ? docs->items[0].file : name,
                        docs->lines,
                        docs->items[0].line,
                        err,
                        errlen,
                        false,
                        p};
    if (docs->n > 1) {
        ps.doc_line = docs->items[1].line;
        fail(&ps, NULL, "a policy is one YAML document; found %zu", docs->n);
    } else if (!json_is_object(docs->items[0].obj)) {
        fail(&ps, docs->items[0].obj, "a policy must be a map");
    } else {
        parse_doc(&ps, docs->items[0].obj);
    }
    if (ps.failed) {
        gg_policy_unref(p);
        return NULL;
    }
    return p;
}

struct gg_policy *gg_policy_load(const char *path, char *err, size_t errlen)
{
    struct gg_docs docs;
    gg_docs_init(&docs);
    struct gg_policy *p = NULL;
    if (gg_load_path(&docs, path, err, errlen) == 0)
        p = from_docs(&docs, path, err, errlen);
    gg_docs_clear(&docs);
    return p;
}

struct gg_policy *gg_policy_parse(const char *name, const char *buf, size_t len, char *err,
                                  size_t errlen)
{
    struct gg_docs docs;
    gg_docs_init(&docs);
    struct gg_policy *p = NULL;
    if (gg_load_buffer(&docs, name, buf, len, err, errlen) == 0)
        p = from_docs(&docs, name, err, errlen);
    gg_docs_clear(&docs);
    return p;
}

struct gg_policy *gg_policy_ref(struct gg_policy *p)
{
    if (p)
        atomic_fetch_add(&p->refs, 1);
    return p;
}

void gg_policy_unref(struct gg_policy *p)
{
    if (!p || atomic_fetch_sub(&p->refs, 1) != 1)
        return;
    gg_arena_clear(&p->arena);
    free(p);
}

/* --- queries -------------------------------------------------------------- */

enum gg_level gg_policy_level(const struct gg_policy *p, enum gg_check_id id)
{
    if (id >= GG_CHECK_COUNT)
        return GG_LEVEL_OFF;
    return p ? p->levels[id] : checks[id].level;
}

enum gg_disclose gg_policy_disclose(const struct gg_policy *p)
{
    return p ? p->disclose : GG_DISCLOSE_NONE;
}

enum gg_require_hostnames gg_policy_require_hostnames(const struct gg_policy *p)
{
    return p ? p->require_hostnames : GG_REQUIRE_HOSTNAMES_NEVER;
}

bool gg_policy_first_come(const struct gg_policy *p)
{
    return p ? p->first_come : true;
}

static bool in_list(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

bool gg_policy_is_exempt(const struct gg_policy *p, const char *ns)
{
    return p && ns && in_list(p->exempt, p->n_exempt, ns);
}

static bool names_ns(const char *const *list, size_t n, const struct gg_selector *sel,
                     const struct gg_policy_ns *ns)
{
    return in_list(list, n, ns->name) ||
           (sel->is_set && gg_selector_matches(sel, ns->name, ns->labels, ns->n_labels));
}

/* "/orders" covers "/orders" and "/orders/x", not "/ordersx". */
static bool path_under(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(path, prefix, n) != 0)
        return false;
    return prefix[n - 1] == '/' || path[n] == '\0' || path[n] == '/';
}

/* Higher is more specific: path length first, then exact hostnames over
 * wildcards, then longer (narrower) wildcards. */
static long specificity(const struct owner_entry *e)
{
    long path = e->path ? (long)strlen(e->path) : 0;
    long host = gg_hostname_is_wildcard(e->host) ? (long)strlen(e->host) : 1000;
    return path * 2000 + host;
}

struct gg_owner_result gg_policy_owner(const struct gg_policy *p, const char *hostname,
                                       const char *path, const struct gg_policy_ns *ns)
{
    struct gg_owner_result r = {GG_OWNER_UNGOVERNED, NULL, false};
    if (!p || !hostname)
        return r;
    long best = -1;
    for (size_t i = 0; i < p->n_owners; i++) {
        const struct owner_entry *e = &p->owners[i];
        if (!gg_hostname_covers(e->host, hostname) || (e->path && !path_under(path, e->path)))
            continue;
        long s = specificity(e);
        if (s > best)
            best = s;
    }
    if (best < 0)
        return r;
    /* entries equally specific for this name (the same pattern listed twice)
     * share it: any of them may make the namespace an owner */
    r.verdict = GG_OWNER_DENIED;
    for (size_t i = 0; i < p->n_owners; i++) {
        const struct owner_entry *e = &p->owners[i];
        if (!gg_hostname_covers(e->host, hostname) || (e->path && !path_under(path, e->path)) ||
            specificity(e) != best)
            continue;
        if (!r.pattern) {
            r.pattern = e->pattern;
            r.has_path = e->path != NULL;
        }
        if (names_ns(e->namespaces, e->n_namespaces, &e->selector, ns)) {
            r.verdict = GG_OWNER_ALLOWED;
            r.pattern = e->pattern;
            r.has_path = e->path != NULL;
            break;
        }
    }
    return r;
}

const char *gg_policy_owned_below(const struct gg_policy *p, const char *hostname,
                                  const struct gg_policy_ns *ns)
{
    if (!p || !hostname || !gg_hostname_is_wildcard(hostname))
        return NULL;
    for (size_t i = 0; i < p->n_owners; i++) {
        const struct owner_entry *e = &p->owners[i];
        if (strcmp(e->host, hostname) != 0 && gg_hostname_covers(hostname, e->host) &&
            !names_ns(e->namespaces, e->n_namespaces, &e->selector, ns))
            return e->pattern;
    }
    return NULL;
}

bool gg_policy_names_hostname(const struct gg_policy *p, const char *hostname)
{
    if (!p || !hostname)
        return false;
    for (size_t i = 0; i < p->n_owners; i++)
        if (gg_hostname_intersects(p->owners[i].host, hostname))
            return true;
    return false;
}

enum gg_attach_verdict gg_policy_attach(const struct gg_policy *p, const struct gg_policy_ns *ns,
                                        const char *gw_ns, const char *gw_name, const char *section,
                                        struct gg_buf *allowed)
{
    if (!p)
        return GG_ATTACH_FREE;
    bool applies = false;
    for (size_t i = 0; i < p->n_attach; i++) {
        const struct attach_rule *r = &p->attach[i];
        if (!names_ns(r->namespaces, r->n_namespaces, &r->selector, ns))
            continue;
        applies = true;
        for (size_t k = 0; k < r->n_targets; k++) {
            const struct target *t = &r->targets[k];
            if (strcmp(t->ns, gw_ns) != 0 ||
                (strcmp(t->name, "*") != 0 && strcmp(t->name, gw_name) != 0))
                continue;
            if (!t->section || (section && strcmp(t->section, section) == 0))
                return GG_ATTACH_ALLOWED;
        }
    }
    if (!applies)
        return GG_ATTACH_FREE;
    if (allowed) {
        bool first = true;
        for (size_t i = 0; i < p->n_attach; i++) {
            const struct attach_rule *r = &p->attach[i];
            if (!names_ns(r->namespaces, r->n_namespaces, &r->selector, ns))
                continue;
            for (size_t k = 0; k < r->n_targets; k++) {
                gg_buf_addf(allowed, "%s\"%s\"", first ? "" : ", ", r->targets[k].text);
                first = false;
            }
        }
    }
    return GG_ATTACH_DENIED;
}

/* --- the slot --------------------------------------------------------------- */

void gg_policy_slot_init(struct gg_policy_slot *slot, struct gg_policy *initial)
{
    pthread_mutex_init(&slot->mu, NULL);
    slot->cur = initial;
}

void gg_policy_slot_clear(struct gg_policy_slot *slot)
{
    gg_policy_unref(slot->cur);
    slot->cur = NULL;
    pthread_mutex_destroy(&slot->mu);
}

struct gg_policy *gg_policy_slot_get(struct gg_policy_slot *slot)
{
    pthread_mutex_lock(&slot->mu);
    struct gg_policy *p = gg_policy_ref(slot->cur);
    pthread_mutex_unlock(&slot->mu);
    return p;
}

int gg_policy_slot_reload(struct gg_policy_slot *slot, const char *path, char *err, size_t errlen)
{
    struct gg_policy *p = gg_policy_load(path, err, errlen);
    if (!p)
        return -1;
    pthread_mutex_lock(&slot->mu);
    struct gg_policy *old = slot->cur;
    slot->cur = p;
    pthread_mutex_unlock(&slot->mu);
    gg_policy_unref(old);
    return 0;
}
