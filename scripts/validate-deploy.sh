#!/usr/bin/env bash
# Validates deploy/ without a cluster: the manifests parse and hold what they must (names,
# images, args, least-privilege RBAC, capabilities, flags that exist), and the Helm chart
# rendered with its defaults gives the same objects. Debian has no helm package: without `helm`
# on PATH the chart is rendered by deploy/validate/helm_render.py (the template subset the
# chart uses). With kubectl and KUBE_FAKE_KUBECONFIG pointing at a running API server (e.g.
# e2e/tools/kube_apiserver.py), each manifest also goes through `kubectl apply --dry-run=client`.
# Needs python3 with PyYAML (Debian: python3-yaml).
# Env: SWIFTLB_BIN_DIR  directory of built swiftlb/swiftlb-kube, to check flags against --help.
# Last line: `deploy validation: N passed, M failed`; exit 1 when a check failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
chart=deploy/helm/swiftlb
log=$(mktemp)
rendered=$(mktemp --suffix=.yaml)
rendered_all=$(mktemp --suffix=.yaml)
trap 'rm -f "$log" "$rendered" "$rendered_all"' EXIT

pass() { echo "PASS $*" | tee -a "$log"; }
fail() { echo "FAIL $*" | tee -a "$log"; }
skip() { echo "SKIP $*"; }

if ! python3 -c 'import yaml' 2>/dev/null; then
    fail "python3 with PyYAML is needed (apt-get install python3-yaml)"
    echo "deploy validation: 0 passed, 1 failed"
    exit 1
fi

# The renderer stands in for helm when it is missing: its semantics first.
python3 deploy/validate/test_helm_render.py | tee -a "$log"

# Render the chart into kube-system, where the plain manifests live.
if command -v helm >/dev/null; then
    if helm lint "$chart" >/dev/null 2>&1; then pass "helm lint"; else fail "helm lint: $(helm lint "$chart" 2>&1 | tail -3)"; fi
    if helm template swiftlb "$chart" --namespace kube-system >"$rendered" 2>"$log.err" &&
        helm template swiftlb "$chart" --namespace kube-system -f deploy/validate/values-all-on.yaml >"$rendered_all" 2>>"$log.err"; then
        pass "helm template (defaults and every option on)"
    else
        fail "helm template: $(cat "$log.err")"
    fi
    rm -f "$log.err"
else
    skip "helm lint: helm is not installed (not in Debian bookworm); rendering with deploy/validate/helm_render.py"
    if python3 deploy/validate/helm_render.py "$chart" --namespace kube-system >"$rendered" 2>"$log.err" &&
        python3 deploy/validate/helm_render.py "$chart" --namespace kube-system \
            --set-yaml deploy/validate/values-all-on.yaml >"$rendered_all" 2>>"$log.err"; then
        pass "chart renders with helm_render.py (defaults and every option on)"
    else
        fail "chart renders with helm_render.py: $(cat "$log.err")"
    fi
    rm -f "$log.err"
fi

python3 deploy/validate/check_manifests.py deploy --rendered "$rendered" --rendered-all "$rendered_all" | tee -a "$log"

# Client-side dry run against a (fake) API server: kubectl needs one for discovery.
if [ -n "${KUBE_FAKE_KUBECONFIG:-}" ] && command -v kubectl >/dev/null; then
    for f in deploy/manifests/*.yaml "$rendered"; do
        # --validate=false: a fake server serves discovery, not necessarily OpenAPI schemas;
        # the structure is what the checks above look at.
        name=${f/#$rendered/the rendered chart}
        if out=$(kubectl --kubeconfig "$KUBE_FAKE_KUBECONFIG" apply --dry-run=client --validate=false -f "$f" 2>&1); then
            pass "kubectl apply --dry-run=client -f $name"
        elif grep -q 'no matches for kind' <<<"$out"; then
            # A fake server may serve only the kinds its own tests need; apiVersion/kind typos are
            # caught above against the known list.
            skip "kubectl apply --dry-run=client -f $name: the server lacks $(grep -o 'kind "[^"]*" in version "[^"]*"' <<<"$out" | sort -u | tr '\n' ' ')"
        else
            fail "kubectl apply --dry-run=client -f $name: $(echo "$out" | tail -2 | tr '\n' ' ')"
        fi
    done
else
    skip "kubectl dry run: needs kubectl and KUBE_FAKE_KUBECONFIG naming a running API server's kubeconfig"
fi

passed=$(grep -c '^PASS' "$log")
failed=$(grep -c '^FAIL' "$log")
echo "deploy validation: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
