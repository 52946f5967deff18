/* SPDX-License-Identifier: Apache-2.0 */
/* The Gateway API's condition reason words (apis/v1 gateway_types.go,
 * gatewayclass_types.go, httproute_types.go, shared_types.go and
 * listenerset_types.go at v1.6.3), spelled once: the cross checks start
 * their findings with them, and status conditions carry them. */
#ifndef GG_REASON_H
#define GG_REASON_H

/* X(enum suffix, word) */
#define GG_REASON_MAP(X)                                                                           \
    X(ACCEPTED, "Accepted")                                                                        \
    X(PROGRAMMED, "Programmed")                                                                    \
    X(RESOLVED_REFS, "ResolvedRefs")                                                               \
    X(INVALID, "Invalid")                                                                          \
    X(PENDING, "Pending")                                                                          \
    X(INVALID_PARAMETERS, "InvalidParameters")                                                     \
    X(UNSUPPORTED_VERSION, "UnsupportedVersion")                                                   \
    X(ADDRESS_NOT_ASSIGNED, "AddressNotAssigned")                                                  \
    X(ADDRESS_NOT_USABLE, "AddressNotUsable")                                                      \
    X(UNSUPPORTED_ADDRESS, "UnsupportedAddress")                                                   \
    X(LISTENERS_NOT_VALID, "ListenersNotValid")                                                    \
    X(NO_RESOURCES, "NoResources")                                                                 \
    X(NOT_ALLOWED_BY_LISTENERS, "NotAllowedByListeners")                                           \
    X(NO_MATCHING_LISTENER_HOSTNAME, "NoMatchingListenerHostname")                                 \
    X(NO_MATCHING_PARENT, "NoMatchingParent")                                                      \
    X(UNSUPPORTED_VALUE, "UnsupportedValue")                                                       \
    X(REF_NOT_PERMITTED, "RefNotPermitted")                                                        \
    X(BACKEND_NOT_FOUND, "BackendNotFound")                                                        \
    X(INVALID_KIND, "InvalidKind")                                                                 \
    X(UNSUPPORTED_PROTOCOL, "UnsupportedProtocol")                                                 \
    X(INVALID_CERTIFICATE_REF, "InvalidCertificateRef")                                            \
    X(INVALID_ROUTE_KINDS, "InvalidRouteKinds")                                                    \
    X(PORT_UNAVAILABLE, "PortUnavailable")                                                         \
    X(HOSTNAME_CONFLICT, "HostnameConflict")                                                       \
    X(PROTOCOL_CONFLICT, "ProtocolConflict")                                                       \
    X(LISTENER_CONFLICT, "ListenerConflict")                                                       \
    X(NOT_ALLOWED, "NotAllowed")                                                                   \
    X(PARENT_NOT_ACCEPTED, "ParentNotAccepted")

enum gg_reason {
#define GG_REASON_ENUM(e, s) GG_REASON_##e,
    GG_REASON_MAP(GG_REASON_ENUM)
#undef GG_REASON_ENUM
        GG_REASON_COUNT
};

/* The word, e.g. "NotAllowedByListeners"; a static string. "" for a value
 * outside the enum. */
const char *gg_reason_name(enum gg_reason r);

#endif
