#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Lists the CEL rules (x-kubernetes-validations) of the Gateway API CRDs that
gateguard implements, with the gg_cel_hash of each rule's text, so that the
table in validation/cel.c can be regenerated or checked after an upgrade.

usage: tools/cel-rules.py [--crds DIR] [--distinct] [--check validation/cel.c]

  (default)   one line per rule and location: KIND/VERSION  LOCATION  HASH  MESSAGE
  --distinct  one block per distinct (message, rule text), with every location
              and the rule text, in the order the table lists them
  --check F   exit 1 unless every rule finds an entry of F's gg_cel_rules[]
              with the same message and hash, and every entry is used

DIR defaults to build/crds/<GATEWAY_API_VERSION from the Makefile> (make crds).
The hash is FNV-1a 64 over the UTF-8 bytes of the rule as YAML parsing yields
it, exactly what validation/cel.c's gg_cel_hash computes.
"""
import argparse
import os
import re
import sys

import yaml

KINDS = ["httproutes", "grpcroutes", "gateways", "gatewayclasses", "listenersets", "tlsroutes", "tcproutes", "udproutes", "backendtlspolicies"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fnv1a64(text):
    h = 0xCBF29CE484222325
    for b in text.encode("utf-8"):
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def default_crd_dir():
    with open(os.path.join(ROOT, "Makefile")) as f:
        m = re.search(r"^GATEWAY_API_VERSION\s*:=\s*(\S+)", f.read(), re.M)
    return os.path.join(ROOT, "build", "crds", m.group(1))


def walk(node, loc, out):
    """Collects (location, message, rule) through properties, items and
    additionalProperties, the places a structural schema nests schemas."""
    if not isinstance(node, dict):
        return
    for v in node.get("x-kubernetes-validations") or []:
        out.append((loc or ".", v.get("message", v["rule"]), v["rule"]))
    for name, child in (node.get("properties") or {}).items():
        walk(child, loc + "." + name if loc else name, out)
    if isinstance(node.get("items"), dict):
        walk(node["items"], loc + "[]", out)
    if isinstance(node.get("additionalProperties"), dict):
        walk(node["additionalProperties"], loc + "{}", out)


def rules(crd_dir):
    """(kind/version, location, message, rule) for every served version."""
    out = []
    for kind in KINDS:
        path = os.path.join(crd_dir, "gateway.networking.k8s.io_%s.yaml" % kind)
        with open(path) as f:
            crd = yaml.safe_load(f)
        for ver in crd["spec"]["versions"]:
            found = []
            walk(ver["schema"]["openAPIV3Schema"], "", found)
            out += [("%s/%s" % (kind, ver["name"]), loc, msg, rule) for loc, msg, rule in found]
    return out


def c_unescape(s):
    return re.sub(r'\\(["\\])', r"\1", s)


def table_entries(c_file):
    """(message, hash) of each { "message", 0x...ULL, fn, bool } entry."""
    with open(c_file) as f:
        text = f.read()
    body = text[text.index("gg_cel_rules[] = {"):]
    entry = re.compile(r'\{\s*((?:"(?:[^"\\]|\\.)*"\s*)+),\s*0x([0-9a-fA-F]+)ULL,')
    found = []
    for m in entry.finditer(body):
        parts = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))
        found.append((c_unescape("".join(parts)), int(m.group(2), 16)))
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--crds", default=None)
    ap.add_argument("--distinct", action="store_true")
    ap.add_argument("--check", metavar="CEL_C")
    args = ap.parse_args()
    all_rules = rules(args.crds or default_crd_dir())

    if args.check:
        table = set(table_entries(args.check))
        used, missing = set(), 0
        for where, loc, msg, rule in all_rules:
            key = (msg, fnv1a64(rule))
            if key in table:
                used.add(key)
            else:
                missing += 1
                print("missing: %s %s: %s\n  %s" % (where, loc, msg, rule))
        for msg, h in sorted(table - used):
            print("unused entry: 0x%016x %s" % (h, msg))
        print("%d rule locations, %d distinct rules, %d table entries, %d missing"
              % (len(all_rules), len({(m, r) for _, _, m, r in all_rules}), len(table), missing),
              file=sys.stderr)
        sys.exit(1 if missing or table - used else 0)

    if args.distinct:
        groups = {}
        for where, loc, msg, rule in all_rules:
            groups.setdefault((msg, rule), []).append("%s %s" % (where, loc))
        for (msg, rule), locs in groups.items():
            print("0x%016xULL %s" % (fnv1a64(rule), msg))
            for l in dict.fromkeys(locs):
                print("  at   %s" % l)
            print("  rule %s" % rule)
        return

    for where, loc, msg, rule in all_rules:
        print("%s\t%s\t0x%016x\t%s" % (where, loc, fnv1a64(rule), msg))


if __name__ == "__main__":
    main()
