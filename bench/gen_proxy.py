#!/usr/bin/env python3
"""Writes one set of routes three ways for make bench-proxy: Gateway API
manifests for gateguard, an nginx.conf and a haproxy.cfg. Route i answers
Host app-i.example.com, path prefix /svc-i, to the echo Service; the last
host, split.example.com, splits 3:1 between two echo backends. Every proxy
adds X-Forwarded-For/-Proto, passes Host and keeps upstream connections
alive. haproxy picks the backend by Host alone through a map (the generated
hosts are unique, so it is the same choice; a thousand ACLs evaluated in
order would measure the config style, not the proxy).
usage: gen_proxy.py OUTDIR ROUTES NGINX_PORT HAPROXY_PORT ECHO1 ECHO2 THREADS"""
import os
import sys

out = sys.argv[1]
n, port, hport, e1, e2, threads = (int(a) for a in sys.argv[2:8])
os.makedirs(f"{out}/manifests", exist_ok=True)
os.makedirs(f"{out}/nginx/logs", exist_ok=True)


def svc(name, p):
    return f"""apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: apps}}
spec: {{ports: [{{name: http, port: 80}}]}}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {{name: {name}-1, namespace: apps, labels: {{kubernetes.io/service-name: {name}}}}}
addressType: IPv4
ports: [{{name: http, port: {p}}}]
endpoints: [{{addresses: [127.0.0.1]}}]
---
"""


with open(f"{out}/manifests/infra.yaml", "w") as f:
    f.write(f"""apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {{name: bench}}
spec: {{controllerName: gateguard.dev/gateway-controller}}
---
apiVersion: v1
kind: Namespace
metadata: {{name: apps}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {{name: gw, namespace: apps}}
spec:
  gatewayClassName: bench
  listeners:
  - {{name: http, port: 80, protocol: HTTP}}
---
""" + svc("echo", e1) + svc("echo-b", e2))

with open(f"{out}/manifests/routes.yaml", "w") as f:
    for i in range(n):
        f.write(f"""apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {{name: r{i}, namespace: apps}}
spec:
  parentRefs: [{{name: gw}}]
  hostnames: [app-{i}.example.com]
  rules:
  - matches: [{{path: {{type: PathPrefix, value: /svc-{i}}}}}]
    backendRefs: [{{name: echo, port: 80}}]
---
""")
    f.write("""apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: split, namespace: apps}
spec:
  parentRefs: [{name: gw}]
  hostnames: [split.example.com]
  rules:
  - backendRefs: [{name: echo, port: 80, weight: 3}, {name: echo-b, port: 80, weight: 1}]
""")

proxy_common = """            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
"""
with open(f"{out}/nginx/nginx.conf", "w") as f:
    f.write(f"""worker_processes {threads};
user root;
pid {out}/nginx/nginx.pid;
error_log {out}/nginx/logs/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    keepalive_requests 1000000;
    server_names_hash_max_size 65536;
    server_names_hash_bucket_size 128;
    upstream echo {{ server 127.0.0.1:{e1}; keepalive 128; }}
    upstream split {{ server 127.0.0.1:{e1} weight=3; server 127.0.0.1:{e2} weight=1; keepalive 128; }}
    server {{ listen 127.0.0.1:{port} default_server; return 404; }}
""")
    for i in range(n):
        f.write(f"""    server {{
        listen 127.0.0.1:{port};
        server_name app-{i}.example.com;
        location /svc-{i} {{
            proxy_pass http://echo;
{proxy_common}        }}
    }}
""")
    f.write(f"""    server {{
        listen 127.0.0.1:{port};
        server_name split.example.com;
        location / {{
            proxy_pass http://split;
{proxy_common}        }}
    }}
}}
""")

with open(f"{out}/hosts.map", "w") as f:
    for i in range(n):
        f.write(f"app-{i}.example.com be_echo\n")
    f.write("split.example.com be_split\n")
with open(f"{out}/haproxy.cfg", "w") as f:
    f.write(f"""global
    nbthread {threads}
    maxconn 4000
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    option http-keep-alive
    option forwardfor
    http-reuse always
frontend fe
    bind 127.0.0.1:{hport}
    http-request set-header X-Forwarded-Proto http
    use_backend %[req.hdr(host),lower,map_str({out}/hosts.map,be_none)]
backend be_none
    http-request return status 404
backend be_echo
    server e1 127.0.0.1:{e1} pool-max-conn 128
backend be_split
    balance roundrobin
    server e1 127.0.0.1:{e1} weight 3 pool-max-conn 128
    server e2 127.0.0.1:{e2} weight 1 pool-max-conn 128
""")
