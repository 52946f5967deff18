#!/usr/bin/env python3
"""Writes a synthetic cluster for the webhook benchmark: N HTTPRoutes spread
over namespaces, attached to shared Gateways, as a folder of YAML files.
usage: gen_store.py OUTDIR [ROUTES]"""
import os
import sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
namespaces = max(1, n // 20)
gateways = 10
os.makedirs(out, exist_ok=True)

with open(os.path.join(out, "platform.yaml"), "w") as f:
    f.write("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: platform\n")
    for g in range(gateways):
        f.write(f"""---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw-{g}
  namespace: platform
spec:
  gatewayClassName: bench
  listeners:
  - name: https
    protocol: HTTPS
    port: 443
    hostname: "*.example{g}.com"
    tls:
      certificateRefs: [{{name: wildcard-{g}}}]
    allowedRoutes:
      namespaces:
        from: Selector
        selector:
          matchLabels: {{gateway-access: shared}}
""")

with open(os.path.join(out, "routes.yaml"), "w") as f:
    for ns in range(namespaces):
        f.write(f"---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-{ns}\n"
                f"  labels: {{gateway-access: shared}}\n")
    for i in range(n):
        ns = i % namespaces
        g = ns % gateways
        host = f"app-{i}.example{g}.com" if i % 2 else f"*.app-{i}.example{g}.com"
        f.write(f"""---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: route-{i}
  namespace: team-{ns}
spec:
  parentRefs:
  - {{name: gw-{g}, namespace: platform, sectionName: https}}
  hostnames: ["{host}"]
  rules:
  - matches:
    - path: {{type: PathPrefix, value: /api}}
    backendRefs:
    - {{name: svc-{i}, port: 8080}}
  - matches:
    - path: {{type: Exact, value: /health}}
      method: GET
    backendRefs:
    - {{name: svc-{i}, port: 8080}}
""")
