// SPDX-License-Identifier: Apache-2.0
// The upstream suite's own entry point: every option comes from its flags
// (--gateway-class, --supported-features, ...), so the binary is the suite
// exactly as published, nothing of gateguard's compiled in.
package suite_test

import (
	"testing"

	"sigs.k8s.io/gateway-api/conformance"
)

func TestConformance(t *testing.T) {
	conformance.RunConformance(t)
}
