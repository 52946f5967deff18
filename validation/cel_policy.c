/* SPDX-License-Identifier: Apache-2.0 */
/* The CEL rules of the BackendTLSPolicy CRD (Gateway API v1.6.3, standard channel), each
 * transcribed literally from its CEL text. Which Services and ConfigMaps the references reach is
 * the cross-object checks' business, not these. */
#include <string.h>

#include "cel_internal.h"

/* --- spec.targetRefs -------------------------------------------------------------------------- */

/* `(!has(p.f) || p.f == '')` */
static bool is_unset(const json_t *p, const char *key)
{
    const json_t *v = cel_get(p, key);

    return !v || (json_is_string(v) && json_string_length(v) == 0);
}

/* `p1.group == p2.group && p1.kind == p2.kind && p1.name == p2.name`: the target references are
 * local, so unlike parentRefs there is no namespace. */
static struct cel_bool same_target(const json_t *p1, const json_t *p2)
{
    struct cel_bool v = cel_field_eq(p1, p2, "group");

    v = cel_and(v, cel_field_eq(p1, p2, "kind"));
    return cel_and(v, cel_field_eq(p1, p2, "name"));
}

/* spec.targetRefs (BackendTLSPolicy):
 * self.all(p1, self.all(p2, p1.group == p2.group && p1.kind == p2.kind && p1.name == p2.name ?
 * ((!has(p1.sectionName) || p1.sectionName == '') == (!has(p2.sectionName) || p2.sectionName ==
 * '')) : true))
 * "sectionName must be specified when targetRefs includes 2 or more references to the same
 * target" */
GG_CEL_PREDICATE(gg_cel_backendtlspolicy_target_refs_section_name_specified)
{
    struct cel_bool all = cel_of(true);
    size_t n = json_array_size(self);

    (void)old;
    if (!json_is_array(self))
        return cel_result(cel_no_overload(), err, errlen);
    for (size_t i = 0; i < n; i++) {
        const json_t *p1 = json_array_get(self, i);
        struct cel_bool inner = cel_of(true);

        for (size_t j = 0; j < n; j++) {
            const json_t *p2 = json_array_get(self, j);
            bool same_presence = is_unset(p1, "sectionName") == is_unset(p2, "sectionName");

            if (!cel_all_step(&inner,
                              cel_cond(same_target(p1, p2), cel_of(same_presence), cel_of(true))))
                break;
        }
        if (!cel_all_step(&all, inner))
            break;
    }
    return cel_result(all, err, errlen);
}

/* spec.targetRefs (BackendTLSPolicy):
 * self.all(p1, self.exists_one(p2, <same target> && (((!has(p1.sectionName) || p1.sectionName ==
 * '') && (!has(p2.sectionName) || p2.sectionName == '')) || (has(p1.sectionName) &&
 * has(p2.sectionName) && p1.sectionName == p2.sectionName))))
 * "sectionName must be unique when targetRefs includes 2 or more references to the same target" */
GG_CEL_PREDICATE(gg_cel_backendtlspolicy_target_refs_section_name_unique)
{
    struct cel_bool all = cel_of(true);
    size_t n = json_array_size(self);

    (void)old;
    if (!json_is_array(self))
        return cel_result(cel_no_overload(), err, errlen);
    for (size_t i = 0; i < n; i++) {
        const json_t *p1 = json_array_get(self, i);
        struct cel_count one = CEL_COUNT_INIT;

        for (size_t j = 0; j < n; j++) {
            const json_t *p2 = json_array_get(self, j);
            const json_t *s1 = cel_get(p1, "sectionName"), *s2 = cel_get(p2, "sectionName");
            bool same_section = (is_unset(p1, "sectionName") && is_unset(p2, "sectionName")) ||
                                (s1 && s2 && cel_json_eq(s1, s2));

            cel_count_step(&one, cel_and(same_target(p1, p2), cel_of(same_section)));
        }
        if (!cel_all_step(&all, cel_count_is_one(one)))
            break;
    }
    return cel_result(all, err, errlen);
}

/* --- spec.validation -------------------------------------------------------------------------- */

/* `has(self.caCertificateRefs) && size(self.caCertificateRefs) > 0` */
static struct cel_bool has_ca_refs(const json_t *v)
{
    const json_t *refs = cel_get(v, "caCertificateRefs");

    if (!refs)
        return cel_of(false);
    if (!json_is_array(refs))
        return cel_no_overload();
    return cel_of(json_array_size(refs) > 0);
}

/* `has(self.wellKnownCACertificates) && self.wellKnownCACertificates != ""` */
static struct cel_bool has_well_known(const json_t *v)
{
    const json_t *wk = cel_get(v, "wellKnownCACertificates");

    if (!wk)
        return cel_of(false);
    return cel_of(!json_is_string(wk) || json_string_length(wk) > 0);
}

/* spec.validation (BackendTLSPolicy):
 * !(has(self.caCertificateRefs) && size(self.caCertificateRefs) > 0 &&
 * has(self.wellKnownCACertificates) && self.wellKnownCACertificates != "")
 * "must not contain both CACertificateRefs and WellKnownCACertificates" */
GG_CEL_PREDICATE(gg_cel_backendtlspolicy_validation_ca_exclusive)
{
    (void)old;
    return cel_result(cel_not(cel_and(has_ca_refs(self), has_well_known(self))), err, errlen);
}

/* spec.validation (BackendTLSPolicy):
 * (has(self.caCertificateRefs) && size(self.caCertificateRefs) > 0 ||
 * has(self.wellKnownCACertificates) && self.wellKnownCACertificates != "")
 * "must specify either CACertificateRefs or WellKnownCACertificates" */
GG_CEL_PREDICATE(gg_cel_backendtlspolicy_validation_ca_required)
{
    (void)old;
    return cel_result(cel_or(has_ca_refs(self), has_well_known(self)), err, errlen);
}

/* --- spec.validation.subjectAltNames[] -------------------------------------------------------- */

/* `!(self.type == "<type>" && (!has(self.<key>) || self.<key> == ""))` */
static struct cel_bool san_requires(const json_t *san, const char *type, const char *key)
{
    return cel_not(cel_and(cel_str_eq(san, "type", type), cel_of(is_unset(san, key))));
}

/* `!(self.type != "<type>" && has(self.<key>) && self.<key> != "")` */
static struct cel_bool san_forbids(const json_t *san, const char *type, const char *key)
{
    return cel_not(cel_and(cel_not(cel_str_eq(san, "type", type)), cel_of(!is_unset(san, key))));
}

/* spec.validation.subjectAltNames[] (BackendTLSPolicy):
 * !(self.type == "Hostname" && (!has(self.hostname) || self.hostname == ""))
 * "SubjectAltName element must contain Hostname, if Type is set to Hostname" */
GG_CEL_PREDICATE(gg_cel_backendtlspolicy_san_hostname_required)
{
    (void)old;
    return cel_result(san_requires(self, "Hostname", "hostname"), err, errlen);
}

/* spec.validation.subjectAltNames[] (BackendTLSPolicy):
 * !(self.type != "Hostname" && has(self.hostname) && self.hostname != "")
 * "SubjectAltName element must not contain Hostname, if Type is not set to Hostname" */
GG_CEL_PREDICATE(gg_cel_backendtlspolicy_san_hostname_forbidden)
{
    (void)old;
    return cel_result(san_forbids(self, "Hostname", "hostname"), err, errlen);
}

/* spec.validation.subjectAltNames[] (BackendTLSPolicy):
 * !(self.type == "URI" && (!has(self.uri) || self.uri == ""))
 * "SubjectAltName element must contain URI, if Type is set to URI" */
GG_CEL_PREDICATE(gg_cel_backendtlspolicy_san_uri_required)
{
    (void)old;
    return cel_result(san_requires(self, "URI", "uri"), err, errlen);
}

/* spec.validation.subjectAltNames[] (BackendTLSPolicy):
 * !(self.type != "URI" && has(self.uri) && self.uri != "")
 * "SubjectAltName element must not contain URI, if Type is not set to URI" */
GG_CEL_PREDICATE(gg_cel_backendtlspolicy_san_uri_forbidden)
{
    (void)old;
    return cel_result(san_forbids(self, "URI", "uri"), err, errlen);
}
