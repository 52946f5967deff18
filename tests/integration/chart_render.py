#!/usr/bin/env python3
"""Assertions on `helm template` output of charts/gateguard, one value set at
a time, for tests/integration/chart.sh.

usage: chart_render.py SET NAMESPACE FULLNAME < rendered.yaml

Prints one "ok   <set>: <what>" or "FAIL <set>: <what>" line per assertion
(chart.sh counts them) and exits 0; a document that is not YAML is a FAIL.
SET: defaults, cert-manager, cert-manager-issuer, url, ignore, servicemonitor,
no-secrets, proxy, values-coverage (reads values.yaml and values.schema.json instead).
"""
import base64
import json
import sys

import yaml

GROUP = "gateway.networking.k8s.io"
READ = {"get", "list", "watch"}


def main():
    which, ns, full = sys.argv[1], sys.argv[2], sys.argv[3]
    if which == "values-coverage":
        values_coverage(sys.argv[4], sys.argv[5])
        return
    try:
        docs = [d for d in yaml.safe_load_all(sys.stdin) if d]
    except yaml.YAMLError as e:
        out(which, "the output is YAML", False, str(e))
        return
    Checks(which, ns, full, docs).run()


def out(which, what, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + which + ": " + what)
    if not cond and detail:
        for line in str(detail).splitlines()[:20]:
            print("     " + line)


class Checks:
    def __init__(self, which, ns, full, docs):
        self.which, self.ns, self.full, self.docs = which, ns, full, docs

    def t(self, what, cond, detail=""):
        out(self.which, what, bool(cond), detail)

    def of(self, kind, name=None):
        return [d for d in self.docs if d.get("kind") == kind
                and (name is None or d["metadata"]["name"] == name)]

    def one(self, kind, name=None):
        found = self.of(kind, name)
        self.t(f"renders one {kind}" + (f" {name}" if name else ""), len(found) == 1,
               f"found {len(found)}")
        return found[0] if found else {}

    def kinds(self):
        return sorted(f'{d["kind"]}/{d["metadata"]["name"]}' for d in self.docs)

    def run(self):
        self.common()
        getattr(self, self.which.replace("-", "_"))()

    # -- every set ---------------------------------------------------------
    def common(self):
        for d in self.docs:
            md = d.get("metadata", {})
            ok = md.get("labels", {}).get("app.kubernetes.io/instance") is not None
            if not ok:
                self.t(f'{d["kind"]}/{md.get("name")} carries the release labels', False)
                return
        self.t("every object carries the release labels", True)
        namespaced = [d for d in self.docs if d["kind"] not in
                      ("ClusterRole", "ClusterRoleBinding", "ValidatingWebhookConfiguration")]
        wrong = [f'{d["kind"]}/{d["metadata"]["name"]}' for d in namespaced
                 if d["metadata"].get("namespace") not in (self.ns, "default")]
        self.t("namespaced objects name their namespace", not wrong, wrong)
        self.webhook_config_common()
        self.cluster_role()
        cm = self.one("ConfigMap", f"{self.full}-policy")
        pol = yaml.safe_load(cm.get("data", {}).get("policy.yaml", "")) or {}
        proxy = [f'{d["kind"]}/{d["metadata"]["name"]}' for d in self.docs
                 if d["metadata"].get("labels", {}).get("app.kubernetes.io/component") == "proxy"]
        self.t("proxy objects only with proxy.enabled", bool(proxy) == (self.which == "proxy"), proxy)
        self.t("the policy ConfigMap holds an OwnershipPolicy",
               pol.get("apiVersion") == "gateguard.dev/v1alpha1" and pol.get("kind") == "OwnershipPolicy",
               pol)

    def webhook_config_common(self):
        vwc = self.one("ValidatingWebhookConfiguration", self.full)
        hooks = vwc.get("webhooks", [])
        self.t("two webhooks: validate.gateguard.dev, and Namespace updates",
               [h.get("name") for h in hooks] == ["validate.gateguard.dev",
                                                  "namespaces.validate.gateguard.dev"], hooks)
        ns_hook = hooks[1] if len(hooks) > 1 else {}
        self.t("the Namespace webhook never blocks (failurePolicy Ignore, UPDATE only)",
               ns_hook.get("failurePolicy") == "Ignore" and
               ns_hook.get("rules", [{}])[0].get("operations") == ["UPDATE"], ns_hook)
        if not hooks:
            return
        h = self.hook = hooks[0]
        self.t("admissionReviewVersions [v1]", h.get("admissionReviewVersions") == ["v1"])
        self.t("sideEffects None", h.get("sideEffects") == "None")
        self.t("matchPolicy Equivalent", h.get("matchPolicy") == "Equivalent")
        rules = h.get("rules", [])
        cu = [r for r in rules if sorted(r["operations"]) == ["CREATE", "UPDATE"]]
        dl = [r for r in rules if r["operations"] == ["DELETE"]]
        self.t("CREATE/UPDATE of Gateway, HTTPRoute, GRPCRoute, ListenerSet, ReferenceGrant",
               len(cu) == 1 and cu[0]["apiGroups"] == [GROUP] and sorted(cu[0]["resources"]) ==
               ["gateways", "grpcroutes", "httproutes", "listenersets", "referencegrants"], rules)
        self.t("DELETE of Gateway and ReferenceGrant",
               len(dl) == 1 and dl[0]["apiGroups"] == [GROUP] and
               sorted(dl[0]["resources"]) == ["gateways", "referencegrants"], rules)
        self.t("no other rules", len(rules) == 2, rules)
        sel = h.get("namespaceSelector", {}).get("matchExpressions", [])
        self.t("namespaceSelector leaves out kube-system and the release namespace",
               sel == [{"key": "kubernetes.io/metadata.name", "operator": "NotIn",
                        "values": ["kube-system", self.ns]}], sel)

    def cluster_role(self):
        role = self.one("ClusterRole", self.full)
        verbs = {v for r in role.get("rules", []) for v in r["verbs"]}
        self.t("the webhook's ClusterRole only reads (get, list, watch)", verbs == READ, verbs)
        res = {(g, x) for r in role.get("rules", []) for g in r["apiGroups"] for x in r["resources"]}
        want = {("", "namespaces"), ("", "services")} | {
            (GROUP, x) for x in ("gatewayclasses", "gateways", "httproutes", "grpcroutes",
                                 "referencegrants", "listenersets")}
        if self.which != "no-secrets":
            want.add(("", "secrets"))
        self.t("the ClusterRole covers exactly the watched kinds", res == want,
               f"extra {res - want}, missing {want - res}")
        crb = self.one("ClusterRoleBinding", self.full)
        sa = [s for s in crb.get("subjects", []) if s["kind"] == "ServiceAccount"]
        self.t("the binding names the webhook's ServiceAccount",
               sa == [{"kind": "ServiceAccount", "name": self.full, "namespace": self.ns}], sa)
        self.one("ServiceAccount", self.full)

    # -- in-cluster workload --------------------------------------------------
    def workload(self, tls_secret=None):
        dep = self.one("Deployment", self.full)
        spec = dep.get("spec", {})
        pod = spec.get("template", {}).get("spec", {})
        self.t("Deployment: 2 replicas", spec.get("replicas") == 2)
        anti = pod.get("affinity", {}).get("podAntiAffinity", {})
        self.t("Deployment: pod anti-affinity by hostname",
               anti.get("preferredDuringSchedulingIgnoredDuringExecution", [{}])[0]
               .get("podAffinityTerm", {}).get("topologyKey") == "kubernetes.io/hostname", anti)
        c = (pod.get("containers") or [{}])[0]
        self.t("Deployment: image gateguard/gateguard:<appVersion>",
               c.get("image", "").startswith("gateguard/gateguard:") and "ghcr.io" not in c.get("image", ""),
               c.get("image"))
        args = c.get("args", [])
        self.t("Deployment: args webhook --tls-cert /tls/tls.crt --tls-key /tls/tls.key --source kube --policy /policy/policy.yaml",
               args[:9] == ["webhook", "--tls-cert", "/tls/tls.crt", "--tls-key", "/tls/tls.key",
                            "--source", "kube", "--policy", "/policy/policy.yaml"], args)
        self.t("Deployment: listens on :8443, admin on :8081",
               "--listen" in args and args[args.index("--listen") + 1] == ":8443" and
               "--admin-listen" in args and args[args.index("--admin-listen") + 1] == ":8081", args)
        ports = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
        self.t("Deployment: ports https 8443, admin 8081", ports == {"https": 8443, "admin": 8081}, ports)
        rp, lp = c.get("readinessProbe", {}).get("httpGet", {}), c.get("livenessProbe", {}).get("httpGet", {})
        self.t("Deployment: readiness /readyz on the admin port", rp == {"path": "/readyz", "port": "admin"}, rp)
        self.t("Deployment: liveness /healthz on the admin port", lp == {"path": "/healthz", "port": "admin"}, lp)
        res = c.get("resources", {})
        self.t("Deployment: resources requested and memory limited",
               res.get("requests", {}).get("cpu") and res.get("requests", {}).get("memory") and
               res.get("limits", {}).get("memory"), res)
        psc, sc = pod.get("securityContext", {}), c.get("securityContext", {})
        self.t("Deployment: runAsNonRoot, user 65532", psc.get("runAsNonRoot") is True and psc.get("runAsUser") == 65532, psc)
        self.t("Deployment: seccomp RuntimeDefault", psc.get("seccompProfile") == {"type": "RuntimeDefault"}, psc)
        self.t("Deployment: read-only root filesystem, no privilege escalation",
               sc.get("readOnlyRootFilesystem") is True and sc.get("allowPrivilegeEscalation") is False, sc)
        self.t("Deployment: every capability dropped", sc.get("capabilities") == {"drop": ["ALL"]}, sc)
        vols = {v["name"]: v for v in pod.get("volumes", [])}
        mounts = {m["name"]: m for m in c.get("volumeMounts", [])}
        self.t("Deployment: TLS and policy mounted as directories (no subPath)",
               all(m.get("subPath") is None for m in mounts.values()) and
               mounts.get("tls", {}).get("mountPath") == "/tls" and
               mounts.get("policy", {}).get("mountPath") == "/policy", mounts)
        secret = vols.get("tls", {}).get("secret", {})
        self.t("Deployment: only tls.crt and tls.key of the Secret are mounted",
               sorted(i["key"] for i in secret.get("items", [])) == ["tls.crt", "tls.key"], secret)
        if tls_secret:
            self.t(f"Deployment: mounts Secret {tls_secret}", secret.get("secretName") == tls_secret, secret)
        self.t("Deployment: runs as the webhook's ServiceAccount", pod.get("serviceAccountName") == self.full)

        pdb = self.one("PodDisruptionBudget", self.full)
        sel = spec.get("selector", {}).get("matchLabels")
        self.t("PodDisruptionBudget: minAvailable 1 over the Deployment's pods",
               pdb.get("spec", {}).get("minAvailable") == 1 and
               pdb.get("spec", {}).get("selector", {}).get("matchLabels") == sel, pdb.get("spec"))
        tmpl_labels = spec.get("template", {}).get("metadata", {}).get("labels", {})
        self.t("Deployment: its selector matches its pods",
               sel and all(tmpl_labels.get(k) == v for k, v in sel.items()), (sel, tmpl_labels))

        svc = self.one("Service", self.full)
        sp = svc.get("spec", {}).get("ports", [])
        self.t("Service: 443 to the https port (8443)",
               [(p["port"], p["targetPort"]) for p in sp] == [(443, "https")], sp)
        self.t("Service: selects the webhook pods", svc.get("spec", {}).get("selector") == sel)
        msvc = self.one("Service", f"{self.full}-metrics")
        mp = msvc.get("spec", {}).get("ports", [])
        self.t("metrics Service: 8081 to the admin port",
               [(p["name"], p["port"], p["targetPort"]) for p in mp] == [("metrics", 8081, "admin")], mp)

        h = getattr(self, "hook", {})
        cc = h.get("clientConfig", {})
        self.t("webhook: clientConfig is the Service, path /validate, port 443",
               cc.get("service") == {"name": self.full, "namespace": self.ns, "port": 443,
                                     "path": "/validate"} and "url" not in cc, cc)

    def self_managed(self):
        jobs = {j["metadata"]["name"]: j for j in self.of("Job")}
        self.t("two certificate Jobs, issue and inject",
               sorted(jobs) == [f"{self.full}-certs-inject", f"{self.full}-certs-issue"], sorted(jobs))
        issue = jobs.get(f"{self.full}-certs-issue", {})
        inject = jobs.get(f"{self.full}-certs-inject", {})
        ann = lambda j: j.get("metadata", {}).get("annotations", {}).get("helm.sh/hook")
        self.t("issue runs pre-install,pre-upgrade; inject post-install,post-upgrade",
               ann(issue) == "pre-install,pre-upgrade" and ann(inject) == "post-install,post-upgrade",
               (ann(issue), ann(inject)))
        c = (issue.get("spec", {}).get("template", {}).get("spec", {}).get("containers") or [{}])[0]
        env = {e["name"]: e.get("value") for e in c.get("env", [])}
        script = (c.get("args") or [""])[0]
        self.t("the issue Job runs gateguard certs --out ... --dns ...",
               'gateguard certs --out "$out/new" --dns "$DNS_NAMES"' in script, script[:200])
        svc_dns = f"{self.full}.{self.ns}.svc"
        self.t(f"its names include {svc_dns}", svc_dns in env.get("DNS_NAMES", "").split(","), env)
        self.t("it writes the Deployment's Secret and this release's webhook configuration",
               env.get("SECRET") == f"{self.full}-tls" and env.get("WEBHOOK_CONFIG") == self.full, env)
        pod = issue.get("spec", {}).get("template", {}).get("spec", {})
        self.t("the Jobs run as their own ServiceAccount, non-root, read-only root",
               pod.get("serviceAccountName") == f"{self.full}-certs" and
               pod.get("securityContext", {}).get("runAsNonRoot") is True and
               c.get("securityContext", {}).get("readOnlyRootFilesystem") is True, pod.get("securityContext"))
        role = self.one("Role", f"{self.full}-certs")
        rules = role.get("rules", [])
        self.t("the Jobs' Role: create Secrets; get and update only the TLS Secret",
               sorted((tuple(r["verbs"]), tuple(r.get("resourceNames", []))) for r in rules) ==
               [(("create",), ()), (("get", "update"), (f"{self.full}-tls",))] and
               all(r["resources"] == ["secrets"] for r in rules), rules)
        crole = self.one("ClusterRole", f"{self.full}-certs")
        self.t("the Jobs' ClusterRole: get and patch only this webhook configuration",
               crole.get("rules") == [{"apiGroups": ["admissionregistration.k8s.io"],
                                       "resources": ["validatingwebhookconfigurations"],
                                       "resourceNames": [self.full], "verbs": ["get", "patch"]}],
               crole.get("rules"))
        hooks = [f'{d["kind"]}/{d["metadata"]["name"]}' for d in self.docs
                 if d["metadata"]["name"] == f"{self.full}-certs"]
        self.t("the Jobs' ServiceAccount and RBAC are hooks, removed after success",
               len(hooks) == 5 and all(
                   d["metadata"].get("annotations", {}).get("helm.sh/hook-delete-policy") ==
                   "before-hook-creation,hook-succeeded"
                   for d in self.docs if d["metadata"]["name"] == f"{self.full}-certs"), hooks)
        self.t("no cert-manager objects", not self.of("Certificate") and not self.of("Issuer"))

    def chart_test(self):
        pods = self.of("Pod")
        self.t("a helm test Pod", len(pods) == 1 and pods[0]["metadata"]["annotations"].get("helm.sh/hook") == "test",
               [p["metadata"]["name"] for p in pods])

    # -- the value sets ----------------------------------------------------
    def defaults(self):
        h = self.hook
        self.t("failurePolicy Fail by default", h.get("failurePolicy") == "Fail")
        self.t("timeoutSeconds 5 by default", h.get("timeoutSeconds") == 5)
        self.workload(tls_secret=f"{self.full}-tls")
        self.self_managed()
        self.chart_test()
        self.t("no ServiceMonitor by default", not self.of("ServiceMonitor"))
        self.t("no caBundle and no cert-manager annotation in the configuration",
               "caBundle" not in h.get("clientConfig", {}) and
               not self.one("ValidatingWebhookConfiguration")["metadata"].get("annotations"))

    def cert_manager(self, issuer=True):
        cert = self.one("Certificate", f"{self.full}-serving")
        cs = cert.get("spec", {})
        self.t("Certificate: writes the Deployment's Secret", cs.get("secretName") == f"{self.full}-tls", cs)
        self.t("Certificate: names the Service's DNS names",
               f"{self.full}.{self.ns}.svc" in cs.get("dnsNames", []), cs.get("dnsNames"))
        vwc = self.one("ValidatingWebhookConfiguration")
        self.t("webhook configuration: cert-manager.io/inject-ca-from names the Certificate",
               vwc["metadata"].get("annotations", {}).get("cert-manager.io/inject-ca-from") ==
               f"{self.ns}/{self.full}-serving", vwc["metadata"].get("annotations"))
        self.t("no certificate Jobs with cert-manager", not self.of("Job"), self.kinds())
        if issuer:
            iss = self.one("Issuer", f"{self.full}-selfsigned")
            self.t("a self-signed Issuer, referenced by the Certificate",
                   iss.get("spec") == {"selfSigned": {}} and
                   cs.get("issuerRef") == {"name": f"{self.full}-selfsigned", "kind": "Issuer",
                                           "group": "cert-manager.io"}, cs.get("issuerRef"))
        self.workload(tls_secret=f"{self.full}-tls")

    def cert_manager_issuer(self):
        self.t("no Issuer when issuerRef names one", not self.of("Issuer"))
        cert = self.one("Certificate", f"{self.full}-serving")
        self.t("the Certificate uses the given ClusterIssuer",
               cert.get("spec", {}).get("issuerRef") ==
               {"name": "corp-ca", "kind": "ClusterIssuer", "group": "cert-manager.io"},
               cert.get("spec", {}).get("issuerRef"))

    def url(self):
        cc = self.hook.get("clientConfig", {})
        self.t("webhook: clientConfig.url and caBundle, no service",
               cc.get("url") == "https://127.0.0.1:9443/validate" and "service" not in cc, cc)
        try:
            pem = base64.b64decode(cc.get("caBundle", ""), validate=True).decode()
        except Exception as e:  # noqa: BLE001 - any decoding error fails the check
            pem = str(e)
        self.t("webhook: caBundle is the given PEM", pem.startswith("-----BEGIN CERTIFICATE-----"), pem[:80])
        left = [k for k in ("Deployment", "Service", "PodDisruptionBudget", "Job", "Certificate",
                            "Issuer", "ServiceMonitor", "Pod") if self.of(k)]
        self.t("no in-cluster workload, certificates or test with a URL", not left, left)
        self.t("ServiceAccount and read-only ClusterRole kept for an outside webhook",
               self.of("ServiceAccount", self.full) and self.of("ClusterRole", self.full))

    def ignore(self):
        self.t("failurePolicy Ignore from values", self.hook.get("failurePolicy") == "Ignore")
        self.t("timeoutSeconds 10 from values", self.hook.get("timeoutSeconds") == 10)
        self.workload()

    def servicemonitor(self):
        sm = self.one("ServiceMonitor", self.full)
        msvc = (self.of("Service", f"{self.full}-metrics") or [{}])[0]
        sel = sm.get("spec", {}).get("selector", {}).get("matchLabels", {})
        labels = msvc.get("metadata", {}).get("labels", {})
        self.t("ServiceMonitor selects the metrics Service (and not the webhook Service)",
               sel and all(labels.get(k) == v for k, v in sel.items()) and
               not all(self.one("Service", self.full).get("metadata", {}).get("labels", {}).get(k) == v
                       for k, v in sel.items()), (sel, labels))
        ep = sm.get("spec", {}).get("endpoints", [])
        self.t("ServiceMonitor scrapes /metrics on the metrics port every 15s",
               ep == [{"port": "metrics", "path": "/metrics", "scheme": "http", "interval": "15s",
                       "scrapeTimeout": "10s"}], ep)
        self.t("ServiceMonitor carries the extra labels", sm["metadata"]["labels"].get("release") == "prom")

    def no_secrets(self):
        pass  # cluster_role() already asserted the set without secrets

    def proxy(self):
        name = self.full + "-proxy"
        role = self.one("ClusterRole", name)
        rules = {(g, x, v) for r in role.get("rules", []) for g in r["apiGroups"]
                 for x in r["resources"] for v in r["verbs"]}
        kinds = ("gatewayclasses", "gateways", "httproutes", "grpcroutes", "referencegrants",
                 "listenersets")
        want = {(g, x, v) for g, x in [("", "namespaces"), ("", "services"), ("", "secrets")] +
                [(GROUP, k) for k in kinds] for v in READ}
        want |= {("discovery.k8s.io", "endpointslices", v) for v in ("list", "watch")}
        want |= {(GROUP, k + "/status", v) for k in ("gatewayclasses", "gateways", "listenersets",
                                                      "httproutes", "grpcroutes") for v in ("update", "patch")}
        self.t("the proxy's ClusterRole: reads, and update/patch of exactly the */status it writes",
               rules == want, f"extra {rules - want}, missing {want - rules}")
        writes = {x for g, x, v in rules if v not in READ}
        self.t("the proxy writes no spec: every write verb is on a /status subresource",
               all(x.endswith("/status") for x in writes), writes)
        r = self.one("Role", name)
        lr = {(g, x, v) for ru in r.get("rules", []) for g in ru["apiGroups"]
              for x in ru["resources"] for v in ru["verbs"]}
        self.t("the proxy's Role: get, create, update of Leases in the release namespace",
               lr == {("coordination.k8s.io", "leases", v) for v in ("get", "create", "update")}
               and r["metadata"]["namespace"] == self.ns, lr)
        for kind in ("ClusterRoleBinding", "RoleBinding"):
            b = self.one(kind, name)
            self.t(f"the {kind} names the proxy's ServiceAccount",
                   b.get("subjects") == [{"kind": "ServiceAccount", "name": name, "namespace": self.ns}],
                   b.get("subjects"))
        self.one("ServiceAccount", name)
        dep = self.one("Deployment", name)
        c = (dep.get("spec", {}).get("template", {}).get("spec", {}).get("containers") or [{}])[0]
        args = c.get("args", [])
        self.t("the proxy runs `gateguard proxy --source kube` with leader election in its namespace",
               args[:3] == ["proxy", "--source", "kube"] and "--leader-elect=true" in args and
               args[args.index("--lease-namespace") + 1] == self.ns, args)
        env = {e["name"]: e.get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") for e in c.get("env", [])}
        self.t("POD_NAME and POD_NAMESPACE from the downward API",
               env == {"POD_NAME": "metadata.name", "POD_NAMESPACE": "metadata.namespace"}, env)
        sel = dep.get("spec", {}).get("selector", {}).get("matchLabels", {})
        self.t("the proxy's pods are not the webhook's", sel.get("app.kubernetes.io/component") == "proxy", sel)
        svc = self.one("Service", name)
        ports = [(p["name"], p["port"]) for p in svc.get("spec", {}).get("ports", [])]
        self.t("the proxy's Service: the listener port and the admin port",
               ports == [("http", 80), ("admin", 9901)], ports)


def values_coverage(values_path, schema_path):
    values = yaml.safe_load(open(values_path))
    schema = json.load(open(schema_path))
    missing = []

    def walk(v, s, path):
        props = s.get("properties")
        if not isinstance(v, dict) or props is None:
            return
        for k, sub in v.items():
            if k not in props:
                missing.append(path + k)
            else:
                walk(sub, props[k], path + k + ".")

    walk(values, schema, "")
    out("values", "values.schema.json describes every value in values.yaml", not missing, missing)
    # A key is documented by a comment right above it or above an ancestor
    # (resources: and the security contexts are documented as a whole).
    undocumented = []
    lines = open(values_path).read().splitlines()
    stack = []  # (indent, documented)
    for i, line in enumerate(lines):
        s = line.strip()
        if not s or s.startswith("#") or s.startswith("- ") or ":" not in s:
            continue
        indent = len(line) - len(line.lstrip())
        while stack and stack[-1][0] >= indent:
            stack.pop()
        documented = (i > 0 and lines[i - 1].strip().startswith("#")) or any(d for _, d in stack)
        is_parent = s.endswith(":") and i + 1 < len(lines) and (
            len(lines[i + 1]) - len(lines[i + 1].lstrip()) > indent or lines[i + 1].strip().startswith("- "))
        if is_parent:
            stack.append((indent, documented))
        elif not documented:
            undocumented.append(s)
    out("values", "every leaf value in values.yaml has a comment", not undocumented, undocumented)


if __name__ == "__main__":
    main()
