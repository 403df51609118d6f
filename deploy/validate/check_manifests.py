#!/usr/bin/env python3
"""Checks deploy/manifests and the Helm chart without a cluster; prints one PASS/FAIL/SKIP line
per check (scripts/validate-deploy.sh counts them).

Usage: check_manifests.py DEPLOY_DIR [--rendered FILE]
  --rendered FILE  the chart rendered with its defaults into kube-system (by helm or
                   helm_render.py); compared object by object with the plain manifests.
  --rendered-all FILE  the chart rendered with values-all-on.yaml: its flags must exist too.
Env: SWIFTLB_BIN_DIR  directory holding built `swiftlb` (and `swiftlb-kube`): flags in the
                      manifests are checked against their --help.
"""
import argparse
import copy
import glob
import os
import re
import subprocess
import sys

import yaml

# The least privilege swiftlb-kube needs: (apiGroup, resource) -> verbs. Nothing more, nothing less.
EXPECTED_RBAC = {
    ("", "services"): {"get", "list", "watch"},
    ("", "services/status"): {"patch"},
    ("discovery.k8s.io", "endpointslices"): {"get", "list", "watch"},
    ("", "nodes"): {"get", "list", "watch"},
    ("", "events"): {"create"},
}
# swiftlb-kube's command line (docs/kubernetes.md); checked here until its --help lists them.
KUBE_FLAGS = {
    "--swiftlbURL", "--loxiURL", "--swiftlb-token-file", "--kubeconfig", "--cidrPools", "--cidr6Pools",
    "--externalCIDR", "--externalCIDR6", "--setUniqueIP", "--setLBMode", "--usePodNetwork", "--monitor",
    "--setBGP", "--extBGPPeers", "--loadBalancerClass", "--listenBGPPort",
    "--eBGPMultiHop", "--serve-classless", "--resync-seconds", "--log-level",
}
# Every kind the deployment uses, with its API version (a typo here would otherwise surface only
# on a real cluster).
KNOWN_KINDS = {
    ("v1", "ServiceAccount"), ("v1", "Secret"), ("apps/v1", "DaemonSet"), ("apps/v1", "Deployment"),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"), ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
}
# The daemon's capabilities, each explained in swiftlb-daemonset.yaml.
DAEMON_CAPS = {"NET_ADMIN", "NET_RAW", "BPF", "PERFMON", "SYS_ADMIN", "SYS_RESOURCE", "NET_BIND_SERVICE"}

results = []


def check(name, ok, why=""):
    results.append(ok)
    print(f"PASS {name}" if ok else f"FAIL {name}: {why}")


def skip(name, why):
    print(f"SKIP {name}: {why}")


def load(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def pod_spec(obj):
    return obj.get("spec", {}).get("template", {}).get("spec") if obj.get("kind") in ("DaemonSet", "Deployment") else None


def flags_of(args):
    return [a.split("=", 1)[0] for a in args if a.startswith("--")]


def help_flags(binary, *sub):
    """Flags named in `binary [sub] --help`, or None when the binary is absent or fails."""
    if not os.access(binary, os.X_OK):
        return None
    try:
        out = subprocess.run([binary, *sub, "--help"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = out.stdout + out.stderr
    found = set(re.findall(r"--[A-Za-z0-9][A-Za-z0-9-]*", text))
    return found or None


def check_objects(path, docs):
    base = os.path.basename(path)
    for i, d in enumerate(docs):
        if not isinstance(d, dict):
            check(f"{base}#{i} is a mapping", False, f"got {type(d).__name__}")
            continue
        missing = [k for k in ("apiVersion", "kind") if not d.get(k)]
        if not (d.get("metadata") or {}).get("name"):
            missing.append("metadata.name")
        label = f"{base}#{i} {d.get('kind')}/{(d.get('metadata') or {}).get('name')}"
        check(f"{label} has apiVersion, kind, metadata.name", not missing, f"missing {missing}")
        check(f"{label} is a known apiVersion/kind", (d.get("apiVersion"), d.get("kind")) in KNOWN_KINDS,
              f"{d.get('apiVersion')} {d.get('kind')} is none of {sorted(KNOWN_KINDS)}")
        spec = pod_spec(d)
        if spec is None:
            continue
        for c in spec.get("containers", []):
            img, args = c.get("image", ""), c.get("args")
            ok = bool(c.get("name")) and ":" in img.rsplit("/", 1)[-1] and isinstance(args, list) and args
            check(f"{label} container {c.get('name')} names an image:tag and args", ok, f"image={img!r} args={args!r}")


def check_rbac(objs):
    roles = [o for o in objs if o["kind"] == "ClusterRole" and o["metadata"]["name"] == "swiftlb-kube"]
    if not roles:
        return check("ClusterRole swiftlb-kube exists", False, "not found")
    got = {}
    for rule in roles[0].get("rules", []):
        for g in rule.get("apiGroups", []):
            for r in rule.get("resources", []):
                got.setdefault((g, r), set()).update(rule.get("verbs", []))
    extra = {k: sorted(v - EXPECTED_RBAC.get(k, set())) for k, v in got.items() if v - EXPECTED_RBAC.get(k, set())}
    lacking = {k: sorted(v - got.get(k, set())) for k, v in EXPECTED_RBAC.items() if v - got.get(k, set())}
    check("ClusterRole swiftlb-kube grants exactly the least-privilege verbs", not extra and not lacking,
          f"extra {extra}, missing {lacking}")
    others = [f"{o['kind']}/{o['metadata']['name']}" for o in objs
              if o["kind"] in ("Role", "ClusterRole") and o["metadata"]["name"] != "swiftlb-kube"]
    check("no role besides swiftlb-kube's (the daemon needs none)", not others, f"found {others}")
    bindings = [o for o in objs if o["kind"] == "ClusterRoleBinding" and o["roleRef"]["name"] == "swiftlb-kube"]
    sas = {(o["metadata"].get("namespace"), o["metadata"]["name"]) for o in objs if o["kind"] == "ServiceAccount"}
    ok = bool(bindings) and all((s.get("namespace"), s["name"]) in sas for b in bindings for s in b["subjects"])
    check("ClusterRoleBinding binds swiftlb-kube to an existing ServiceAccount", ok, f"bindings {bindings}")
    for o in objs:
        spec = pod_spec(o)
        if spec:
            sa = (o["metadata"].get("namespace"), spec.get("serviceAccountName"))
            check(f"{o['kind']}/{o['metadata']['name']} uses an existing ServiceAccount", sa in sas, f"{sa}")


def container(objs, kind, name):
    for o in objs:
        if o["kind"] == kind and o["metadata"]["name"] == name:
            return pod_spec(o), pod_spec(o)["containers"][0]
    return None, None


def check_security(objs):
    spec, c = container(objs, "DaemonSet", "swiftlb")
    if c:
        sc = c.get("securityContext", {})
        caps = set(sc.get("capabilities", {}).get("add", []))
        check("swiftlb is not privileged and adds only its documented capabilities",
              not sc.get("privileged") and caps == DAEMON_CAPS and sc["capabilities"].get("drop") == ["ALL"],
              f"privileged={sc.get('privileged')} caps={sorted(caps)}")
        check("swiftlb runs with hostNetwork and ClusterFirstWithHostNet",
              spec.get("hostNetwork") is True and spec.get("dnsPolicy") == "ClusterFirstWithHostNet", "")
        mounts = {m["mountPath"] for m in c.get("volumeMounts", [])}
        check("swiftlb mounts /sys/fs/bpf, /var/lib/swiftlb and its token",
              {"/sys/fs/bpf", "/var/lib/swiftlb", "/etc/swiftlb"} <= mounts, f"{sorted(mounts)}")
        check("swiftlb has liveness and readiness probes", bool(c.get("livenessProbe") and c.get("readinessProbe")), "")
    spec, c = container(objs, "Deployment", "swiftlb-kube")
    if c:
        sc, psc = c.get("securityContext", {}), spec.get("securityContext", {})
        ok = (psc.get("runAsNonRoot") and sc.get("readOnlyRootFilesystem") and not sc.get("capabilities", {}).get("add")
              and sc.get("capabilities", {}).get("drop") == ["ALL"] and sc.get("allowPrivilegeEscalation") is False)
        check("swiftlb-kube is non-root, read-only, without capabilities", bool(ok), f"{psc} {sc}")


def check_flags(objs, kube_text, what=""):
    bin_dir = os.environ.get("SWIFTLB_BIN_DIR")
    _, c = container(objs, "DaemonSet", "swiftlb")
    known = help_flags(os.path.join(bin_dir, "swiftlb"), "run") if bin_dir else None
    if c and known:
        bad = [f for f in flags_of(c["args"]) if f not in known]
        check(f"every swiftlb flag{what} exists in `swiftlb run --help`", not bad, f"unknown {bad}")
    elif c and not what:
        skip("swiftlb flags", "set SWIFTLB_BIN_DIR to a directory with a built swiftlb to check them")
    _, c = container(objs, "Deployment", "swiftlb-kube")
    if c:
        # The optional flags shown commented out count too.
        used = flags_of(c["args"]) + re.findall(r"^\s*#\s*-\s*(--[A-Za-z0-9-]+)", kube_text, re.M)
        bad = [f for f in used if f not in KUBE_FLAGS]
        check(f"every swiftlb-kube flag{what} is one of its documented flags", not bad, f"unknown {bad}")
        known = help_flags(os.path.join(bin_dir, "swiftlb-kube")) if bin_dir else None
        if known and "--swiftlbURL" in known:
            bad = [f for f in used if f not in known]
            check(f"every swiftlb-kube flag{what} exists in `swiftlb-kube --help`", not bad, f"unknown {bad}")
        elif not what:
            skip("swiftlb-kube --help", "no built swiftlb-kube listing its flags in SWIFTLB_BIN_DIR")


def check_secret(objs):
    secrets = {o["metadata"]["name"]: o for o in objs if o["kind"] == "Secret"}
    for o in objs:
        spec = pod_spec(o)
        for v in (spec or {}).get("volumes", []):
            ref = v.get("secret")
            if not ref:
                continue
            s = secrets.get(ref["secretName"], {})
            keys = set(s.get("stringData", {})) | set(s.get("data", {}))
            want = {i["key"] for i in ref.get("items", [])}
            check(f"{o['kind']}/{o['metadata']['name']} mounts keys of an example Secret",
                  bool(s) and want <= keys, f"secret {ref['secretName']} keys {sorted(keys)} want {sorted(want)}")
    for name, s in secrets.items():
        data = s.get("stringData", {})
        token = data.get("token", "")
        admins = [l.split() for l in data.get("api-tokens", "").splitlines() if l.strip() and not l.lstrip().startswith("#")]
        ok = len(token) >= 16 and all(len(f) == 3 for f in admins) and [token, "admin"] in [[f[2], f[1]] for f in admins]
        check(f"Secret {name}: `token` is an admin secret of `api-tokens`", ok, "token and api-tokens disagree")


def strip_labels(o):
    o = copy.deepcopy(o)
    o.get("metadata", {}).pop("labels", None)
    tmpl = o.get("spec", {}).get("template")
    if tmpl:
        tmpl.get("metadata", {}).pop("labels", None)
    return o


def compare_chart(objs, rendered_path):
    rendered = load(rendered_path)
    key = lambda o: (o["kind"], o["metadata"]["name"])
    plain = {key(o): strip_labels(o) for o in objs if o["kind"] != "Secret"}
    chart = {key(o): strip_labels(o) for o in rendered}
    check("chart renders the same objects (kind/name) as deploy/manifests", set(plain) == set(chart),
          f"only in manifests {sorted(set(plain) - set(chart))}, only in chart {sorted(set(chart) - set(plain))}")
    for k in sorted(set(plain) & set(chart)):
        diff = [f for f in sorted(set(plain[k]) | set(chart[k])) if plain[k].get(f) != chart[k].get(f)]
        check(f"chart {k[0]}/{k[1]} equals the manifest (labels aside)", not diff, f"differs in {diff}")
    for o in rendered:
        sel = (o.get("spec", {}).get("selector") or {}).get("matchLabels")
        if sel:
            labels = o["spec"]["template"]["metadata"].get("labels", {})
            check(f"chart {o['kind']}/{o['metadata']['name']} selector matches its pod labels",
                  all(labels.get(k) == v for k, v in sel.items()), f"{sel} vs {labels}")


def check_chart_meta(deploy_dir):
    path = os.path.join(deploy_dir, "helm", "swiftlb", "Chart.yaml")
    meta = load(path)[0]
    ok = (meta.get("apiVersion") == "v2" and meta.get("name") == "swiftlb"
          and re.fullmatch(r"\d+\.\d+\.\d+", str(meta.get("version", ""))) is not None)
    check("Chart.yaml: apiVersion v2, name swiftlb, semantic version", ok, f"{meta}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("deploy_dir")
    ap.add_argument("--rendered")
    ap.add_argument("--rendered-all")
    a = ap.parse_args()
    objs, kube_text = [], ""
    for path in sorted(glob.glob(os.path.join(a.deploy_dir, "manifests", "*.y*ml"))):
        try:
            docs = load(path)
        except yaml.YAMLError as e:
            check(f"{os.path.basename(path)} parses", False, str(e).replace("\n", " "))
            continue
        check(f"{os.path.basename(path)} parses ({len(docs)} objects)", True)
        check_objects(path, docs)
        objs += [d for d in docs if isinstance(d, dict) and d.get("kind") and (d.get("metadata") or {}).get("name")]
        if os.path.basename(path) == "swiftlb-kube.yaml":
            kube_text = open(path).read()
    check_rbac(objs)
    check_security(objs)
    check_flags(objs, kube_text)
    check_secret(objs)
    check_chart_meta(a.deploy_dir)
    if a.rendered:
        compare_chart(objs, a.rendered)
    if a.rendered_all:
        check_flags(load(a.rendered_all), "", " of the chart with every option on")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
