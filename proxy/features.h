/* SPDX-License-Identifier: Apache-2.0 */
/* The Gateway API features (sigs.k8s.io/gateway-api pkg/features names) the
 * proxy implements: one list, read by the status controller for
 * GatewayClass status.supportedFeatures and by the conformance harness for
 * --supported-features, so the two cannot claim different things. Sorted
 * by name, as the CRD requires of supportedFeatures. */
#ifndef GG_FEATURES_H
#define GG_FEATURES_H

#define GG_FEATURE_MAP(X)                                                                          \
    X("Gateway")                                                                                   \
    X("GatewayPort8080")                                                                           \
    X("HTTPRoute")                                                                                 \
    X("HTTPRouteDestinationPortMatching")                                                          \
    X("HTTPRouteHostRewrite")                                                                      \
    X("HTTPRouteMethodMatching")                                                                   \
    X("HTTPRouteParentRefPort")                                                                    \
    X("HTTPRoutePathRedirect")                                                                     \
    X("HTTPRoutePathRewrite")                                                                      \
    X("HTTPRoutePortRedirect")                                                                     \
    X("HTTPRouteQueryParamMatching")                                                               \
    X("HTTPRouteResponseHeaderModification")                                                       \
    X("HTTPRouteSchemeRedirect")                                                                   \
    X("ReferenceGrant")

#endif
