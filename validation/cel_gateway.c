/* SPDX-License-Identifier: Apache-2.0 */
/* The CEL rules of the Gateway, ListenerSet and GatewayClass CRDs (Gateway API v1.6.3, standard
 * channel), each transcribed literally from its CEL text. ListenerSet shares the Gateway's
 * listener rules word for word except the port/protocol/hostname one. cel.c maps the CRDs'
 * rules onto these functions. */
#include <string.h>

#include "cel_internal.h"

/* --- regular expressions, matched by hand ----------------------------------------------------- */

static bool is_lower_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(unsigned char c)
{
    return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)* : one or more RFC 1123 labels
 * joined by dots, with no length limits. */
static bool is_dns_labels(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    for (;;) {
        size_t start = i;

        while (i < n && (is_lower_alnum(s[i]) || s[i] == '-'))
            i++;
        if (i == start || s[start] == '-' || s[i - 1] == '-')
            return false;
        if (i == n)
            return true;
        if (s[i] != '.')
            return false;
        i++;
    }
}

/* ^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ : labels cannot hold
 * '*', so a leading "*." can only be the optional group. */
static bool is_hostname(const char *s, size_t n)
{
    if (n >= 2 && s[0] == '*' && s[1] == '.') {
        s += 2;
        n -= 2;
    }
    return is_dns_labels(s, n);
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9] : 1 to 63 characters, alphanumeric at both
 * ends. */
static bool is_name_segment(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;

    if (n == 0 || n > 63 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
        return false;
    for (size_t i = 1; i + 1 < n; i++)
        if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return false;
    return true;
}

/* ^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9][-A-Za-z0-9_.]
 * {0,61})?[A-Za-z0-9]$ : neither part may contain '/', so the first '/' is the only place the
 * key can split. */
static bool is_qualified_key(const char *s, size_t n)
{
    const char *slash = memchr(s, '/', n);

    if (slash) {
        size_t prefix = (size_t)(slash - s);

        if (!is_dns_labels(s, prefix))
            return false;
        s += prefix + 1;
        n -= prefix + 1;
    }
    return is_name_segment(s, n);
}

/* CEL's size() of a string counts code points; jansson holds valid UTF-8, so count the bytes
 * that do not continue a sequence. */
static size_t utf8_length(const char *s, size_t n)
{
    size_t len = 0;

    for (size_t i = 0; i < n; i++)
        len += ((unsigned char)s[i] & 0xc0) != 0x80;
    return len;
}

/* --- list comprehensions over listeners, addresses and ports ---------------------------------- */

/* self.all(x, <p>(x)) */
static struct cel_bool all_of(const json_t *list, struct cel_bool (*p)(const json_t *))
{
    struct cel_bool all = cel_of(true);

    if (!json_is_array(list))
        return cel_no_overload();
    for (size_t i = 0; i < json_array_size(list); i++)
        if (!cel_all_step(&all, p(json_array_get(list, i))))
            break;
    return all;
}

/* self.all(x1, self.exists_one(x2, <same>(x1, x2))) */
static struct cel_bool all_unique(const json_t *list,
                                  struct cel_bool (*same)(const json_t *, const json_t *))
{
    struct cel_bool all = cel_of(true);

    if (!json_is_array(list))
        return cel_no_overload();
    for (size_t i = 0; i < json_array_size(list); i++) {
        struct cel_count one = CEL_COUNT_INIT;

        for (size_t j = 0; j < json_array_size(list); j++)
            cel_count_step(&one, same(json_array_get(list, i), json_array_get(list, j)));
        if (!cel_all_step(&all, cel_count_is_one(one)))
            break;
    }
    return all;
}

/* --- spec.addresses (Gateway) ----------------------------------------------------------------- */

/* self.all(a1, a1.type == '<type>' && has(a1.value) ? self.exists_one(a2, a2.type == a1.type &&
 * has(a2.value) && a2.value == a1.value) : true ) */
static enum gg_cel_result addresses_unique(const json_t *self, const char *type, char *err,
                                           size_t errlen)
{
    struct cel_bool all = cel_of(true);

    if (!json_is_array(self))
        return cel_result(cel_no_overload(), err, errlen);
    for (size_t i = 0; i < json_array_size(self); i++) {
        const json_t *a1 = json_array_get(self, i);
        struct cel_bool applies =
            cel_and(cel_str_eq(a1, "type", type), cel_of(cel_has(a1, "value")));
        struct cel_count one = CEL_COUNT_INIT;

        if (applies.kind == CEL_TRUE) {
            for (size_t j = 0; j < json_array_size(self); j++) {
                const json_t *a2 = json_array_get(self, j);
                struct cel_bool same = cel_field_eq(a2, a1, "type");

                same = cel_and(same, cel_of(cel_has(a2, "value")));
                cel_count_step(&one, cel_and(same, cel_field_eq(a2, a1, "value")));
            }
        }
        if (!cel_all_step(&all, cel_cond(applies, cel_count_is_one(one), cel_of(true))))
            break;
    }
    return cel_result(all, err, errlen);
}

/* spec.addresses (Gateway):
 * self.all(a1, a1.type == 'IPAddress' && has(a1.value) ? self.exists_one(a2, a2.type == a1.type &&
 * has(a2.value) && a2.value == a1.value) : true )
 * "IPAddress values must be unique" */
GG_CEL_PREDICATE(gg_cel_gateway_addresses_ip_unique)
{
    (void)old;
    return addresses_unique(self, "IPAddress", err, errlen);
}

/* spec.addresses (Gateway): the same for 'Hostname'.
 * "Hostname values must be unique" */
GG_CEL_PREDICATE(gg_cel_gateway_addresses_hostname_unique)
{
    (void)old;
    return addresses_unique(self, "Hostname", err, errlen);
}

/* self.value.matches(<hostname regex>) of a present value */
static struct cel_bool value_is_hostname(const json_t *value)
{
    if (!json_is_string(value))
        return cel_no_overload();
    return cel_of(is_hostname(json_string_value(value), json_string_length(value)));
}

/* spec.addresses[] (Gateway):
 * self.type == 'Hostname' ? (!has(self.value) || self.value.matches(r"""^(\*\.)?[a-z0-9]([-a-z0-9]*
 * [a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$""")): true
 * "Hostname value must be empty or contain only valid characters (matching ^(\*\.)?[a-z0-9]
 * ([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$)" */
GG_CEL_PREDICATE(gg_cel_gateway_address_hostname)
{
    const json_t *value = cel_get(self, "value");

    (void)old;
    return cel_result(cel_cond(cel_str_eq(self, "type", "Hostname"),
                               value ? value_is_hostname(value) : cel_of(true), cel_of(true)),
                      err, errlen);
}

/* status.addresses[] (Gateway):
 * self.type == 'Hostname' ? self.value.matches(r"""^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]
 * ([-a-z0-9]*[a-z0-9])?)*$"""): true
 * "Hostname value must only contain valid characters (matching ^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9]
 * )?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$)". value is required here. */
GG_CEL_PREDICATE(gg_cel_gateway_status_address_hostname)
{
    const json_t *value = cel_get(self, "value");

    (void)old;
    return cel_result(cel_cond(cel_str_eq(self, "type", "Hostname"),
                               value ? value_is_hostname(value) : cel_no_such_key("value"),
                               cel_of(true)),
                      err, errlen);
}

/* --- spec.infrastructure.labels / .annotations (Gateway) -------------------------------------- */

/* spec.infrastructure.labels and spec.infrastructure.annotations (Gateway):
 * self.all(key, key.matches(<the regex above is_qualified_key, with its "/" unescaped>))
 * "Label keys must be in the form of an optional DNS subdomain prefix followed by a required name
 * segment of up to 63 characters." and the same for "Annotation keys". */
GG_CEL_PREDICATE(gg_cel_gateway_infrastructure_key_form)
{
    /* jansson's iterator API takes a non-const object; it is only read here */
    json_t *map = (json_t *)self;
    const char *key;
    void *it;

    (void)old;
    if (!json_is_object(map))
        return cel_result(cel_no_overload(), err, errlen);
    for (it = json_object_iter(map); it; it = json_object_iter_next(map, it)) {
        key = json_object_iter_key(it);
        if (!is_qualified_key(key, strlen(key)))
            return GG_CEL_FAIL;
    }
    return GG_CEL_PASS;
}

/* spec.infrastructure.labels and spec.infrastructure.annotations (Gateway):
 * self.all(key, key.split("/")[0].size() < 253)
 * "If specified, the label key's prefix must be a DNS subdomain not longer than 253 characters in
 * total." and the same for "the annotation key's prefix". Without a '/', the whole key counts. */
GG_CEL_PREDICATE(gg_cel_gateway_infrastructure_key_prefix_length)
{
    json_t *map = (json_t *)self; /* read only, as above */
    const char *key, *slash;
    void *it;

    (void)old;
    if (!json_is_object(map))
        return cel_result(cel_no_overload(), err, errlen);
    for (it = json_object_iter(map); it; it = json_object_iter_next(map, it)) {
        key = json_object_iter_key(it);
        slash = strchr(key, '/');
        if (utf8_length(key, slash ? (size_t)(slash - key) : strlen(key)) >= 253)
            return GG_CEL_FAIL;
    }
    return GG_CEL_PASS;
}

/* --- spec.listeners (Gateway, ListenerSet) ---------------------------------------------------- */

/* l.protocol in ['HTTP', 'TCP', 'UDP'] ? !has(l.tls) : true */
static struct cel_bool tls_forbidden(const json_t *l)
{
    struct cel_bool plain =
        cel_or(cel_str_eq(l, "protocol", "HTTP"),
               cel_or(cel_str_eq(l, "protocol", "TCP"), cel_str_eq(l, "protocol", "UDP")));

    return cel_cond(plain, cel_of(!cel_has(l, "tls")), cel_of(true));
}

/* spec.listeners (Gateway, ListenerSet):
 * self.all(l, l.protocol in ['HTTP', 'TCP', 'UDP'] ? !has(l.tls) : true)
 * "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']" */
GG_CEL_PREDICATE(gg_cel_listeners_tls_forbidden)
{
    (void)old;
    return cel_result(all_of(self, tls_forbidden), err, errlen);
}

/* (l.protocol == 'HTTPS' && has(l.tls)) ? (l.tls.mode == '' || l.tls.mode == 'Terminate') : true */
static struct cel_bool https_terminates(const json_t *l)
{
    const json_t *tls = cel_get(l, "tls");
    struct cel_bool https = cel_and(cel_str_eq(l, "protocol", "HTTPS"), cel_of(tls != NULL));

    return cel_cond(https,
                    cel_or(cel_str_eq(tls, "mode", ""), cel_str_eq(tls, "mode", "Terminate")),
                    cel_of(true));
}

/* spec.listeners (Gateway, ListenerSet):
 * self.all(l, (l.protocol == 'HTTPS' && has(l.tls)) ? (l.tls.mode == '' || l.tls.mode ==
 * 'Terminate') : true)
 * "tls mode must be Terminate for protocol HTTPS". An HTTPS listener without tls passes. */
GG_CEL_PREDICATE(gg_cel_listeners_https_terminate)
{
    (void)old;
    return cel_result(all_of(self, https_terminates), err, errlen);
}

/* (l.protocol == 'TLS' ? has(l.tls) && has(l.tls.mode) && l.tls.mode != '' : true) */
static struct cel_bool tls_has_mode(const json_t *l)
{
    const json_t *tls = cel_get(l, "tls");
    struct cel_bool set = cel_and(cel_of(tls != NULL), cel_of(cel_has(tls, "mode")));

    set = cel_and(set, cel_not(cel_str_eq(tls, "mode", "")));
    return cel_cond(cel_str_eq(l, "protocol", "TLS"), set, cel_of(true));
}

/* spec.listeners (Gateway, ListenerSet):
 * self.all(l, (l.protocol == 'TLS' ? has(l.tls) && has(l.tls.mode) && l.tls.mode != '' : true))
 * "tls mode must be set for protocol TLS". mode is defaulted, so this asks for tls. */
GG_CEL_PREDICATE(gg_cel_listeners_tls_mode_set)
{
    (void)old;
    return cel_result(all_of(self, tls_has_mode), err, errlen);
}

/* l.protocol in ['TCP', 'UDP'] ? (!has(l.hostname) || l.hostname == '') : true */
static struct cel_bool hostname_forbidden(const json_t *l)
{
    const json_t *hostname = cel_get(l, "hostname");
    struct cel_bool layer4 =
        cel_or(cel_str_eq(l, "protocol", "TCP"), cel_str_eq(l, "protocol", "UDP"));
    bool unset = !hostname || (json_is_string(hostname) && json_string_length(hostname) == 0);

    return cel_cond(layer4, cel_of(unset), cel_of(true));
}

/* spec.listeners (Gateway, ListenerSet):
 * self.all(l, l.protocol in ['TCP', 'UDP']  ? (!has(l.hostname) || l.hostname == '') : true)
 * "hostname must not be specified for protocols ['TCP', 'UDP']" */
GG_CEL_PREDICATE(gg_cel_listeners_hostname_forbidden)
{
    (void)old;
    return cel_result(all_of(self, hostname_forbidden), err, errlen);
}

/* l1.name == l2.name */
static struct cel_bool same_name(const json_t *l1, const json_t *l2)
{
    return cel_field_eq(l1, l2, "name");
}

/* spec.listeners (Gateway, ListenerSet):
 * self.all(l1, self.exists_one(l2, l1.name == l2.name))
 * "Listener name must be unique within the Gateway" (the ListenerSet CRD says "Gateway" too) */
GG_CEL_PREDICATE(gg_cel_listeners_name_unique)
{
    (void)old;
    return cel_result(all_unique(self, same_name), err, errlen);
}

/* l1.port == l2.port && l1.protocol == l2.protocol && (has(l1.hostname) && has(l2.hostname) ?
 * l1.hostname == l2.hostname : !has(l1.hostname) && !has(l2.hostname)) : an absent hostname
 * differs from every present one, the empty string included. */
static struct cel_bool same_port_protocol_hostname(const json_t *l1, const json_t *l2)
{
    bool h1 = cel_has(l1, "hostname"), h2 = cel_has(l2, "hostname");
    struct cel_bool v = cel_and(cel_field_eq(l1, l2, "port"), cel_field_eq(l1, l2, "protocol"));

    return cel_and(v, h1 && h2 ? cel_field_eq(l1, l2, "hostname") : cel_of(!h1 && !h2));
}

/* spec.listeners (Gateway):
 * self.all(l1, self.exists_one(l2, l1.port == l2.port && l1.protocol == l2.protocol &&
 * (has(l1.hostname) && has(l2.hostname) ? l1.hostname == l2.hostname : !has(l1.hostname) &&
 * !has(l2.hostname))))
 * "Combination of port, protocol and hostname must be unique for each listener" */
GG_CEL_PREDICATE(gg_cel_gateway_listeners_port_protocol_hostname_unique)
{
    (void)old;
    return cel_result(all_unique(self, same_port_protocol_hostname), err, errlen);
}

/* spec.listeners (ListenerSet):
 * self.all(l1, !has(l1.port) || self.exists_one(l2, has(l2.port) && l1.port == l2.port &&
 * l1.protocol == l2.protocol && (<hostnames as for Gateway>)))
 * "Combination of port, protocol and hostname must be unique for each listener" */
GG_CEL_PREDICATE(gg_cel_listenerset_listeners_port_protocol_hostname_unique)
{
    struct cel_bool all = cel_of(true);

    (void)old;
    if (!json_is_array(self))
        return cel_result(cel_no_overload(), err, errlen);
    for (size_t i = 0; i < json_array_size(self); i++) {
        const json_t *l1 = json_array_get(self, i);
        struct cel_count one = CEL_COUNT_INIT;

        if (!cel_has(l1, "port"))
            continue;
        for (size_t j = 0; j < json_array_size(self); j++) {
            const json_t *l2 = json_array_get(self, j);

            cel_count_step(
                &one, cel_and(cel_of(cel_has(l2, "port")), same_port_protocol_hostname(l1, l2)));
        }
        if (!cel_all_step(&all, cel_count_is_one(one)))
            break;
    }
    return cel_result(all, err, errlen);
}

/* size(self.<key>) > 0 */
static struct cel_bool non_empty(const json_t *obj, const char *key)
{
    const json_t *v = cel_get(obj, key);

    if (!v)
        return cel_no_such_key(key);
    if (json_is_array(v))
        return cel_of(json_array_size(v) > 0);
    if (json_is_object(v))
        return cel_of(json_object_size(v) > 0);
    return cel_no_overload();
}

/* spec.listeners[].tls (Gateway, ListenerSet):
 * self.mode == 'Terminate' ? size(self.certificateRefs) > 0 || size(self.options) > 0 : true
 * "certificateRefs or options must be specified when mode is Terminate". The mode is defaulted,
 * so `tls: {}` is checked too. A missing certificateRefs is a "no such key" error unless options
 * is non-empty (`error || true` is true). */
GG_CEL_PREDICATE(gg_cel_listener_tls_certificates)
{
    (void)old;
    return cel_result(
        cel_cond(cel_str_eq(self, "mode", "Terminate"),
                 cel_or(non_empty(self, "certificateRefs"), non_empty(self, "options")),
                 cel_of(true)),
        err, errlen);
}

/* t1.port == t2.port */
static struct cel_bool same_port(const json_t *t1, const json_t *t2)
{
    return cel_field_eq(t1, t2, "port");
}

/* spec.tls.frontend.perPort (Gateway):
 * self.all(t1, self.exists_one(t2, t1.port == t2.port))
 * "Port for TLS configuration must be unique within the Gateway" */
GG_CEL_PREDICATE(gg_cel_gateway_tls_per_port_unique)
{
    (void)old;
    return cel_result(all_unique(self, same_port), err, errlen);
}

/* --- GatewayClass ----------------------------------------------------------------------------- */

/* spec.controllerName (GatewayClass), a transition rule:
 * self == oldSelf
 * "Value is immutable". Only evaluated on UPDATE, when <old> is set. */
GG_CEL_PREDICATE(gg_cel_gatewayclass_controller_name_immutable)
{
    (void)err;
    (void)errlen;
    if (!old)
        return GG_CEL_PASS;
    return self && cel_json_eq(self, old) ? GG_CEL_PASS : GG_CEL_FAIL;
}
