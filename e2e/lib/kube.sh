# shellcheck shell=bash
# Kubernetes scenarios (kube_basic, kube_multi, kube_scale): the fake API server
# (tools/kube_apiserver.py), the real kubectl and swiftlb-kube, all in the lb namespace on
# 127.0.0.1. Sourced after common.sh, not run.
#
#   P-lb: swiftlb (API 127.0.0.1:11111), kube-apiserver fake (HTTPS 127.0.0.1:<free port>,
#         self-signed certificate with SAN IP:127.0.0.1, one bearer token), swiftlb-kube
#         (--kubeconfig written by the fake, --swiftlb-token-file holding the daemon's secret)
#
# kubectl 1.32 sends no bearer token over plain HTTP, hence TLS. Processes: kubeapi (the fake)
# and kube (the controller), stopped by PID like every other by standard_teardown.
#
# Variables after kube_vars: KUBE_DIR KUBECONFIG_FILE KUBE_TOKEN_FILE SWIFTLB_KUBE KUBE_LOG
# KUBECTL.

kube_vars() {
    KUBE_DIR=$STATE_DIR/kube
    KUBECONFIG_FILE=$KUBE_DIR/kubeconfig
    KUBE_TOKEN_FILE=$KUBE_DIR/swiftlb-token
    KUBE_LOG=$STATE_DIR/kube.log
    KUBECTL=${KUBECTL:-$(command -v kubectl || echo /usr/bin/kubectl)}
    SWIFTLB_KUBE=${BIN_DIR:+$BIN_DIR/swiftlb-kube}
}

# kube_require: kubectl, openssl and swiftlb-kube are there (after resolve_bins).
kube_require() {
    kube_vars
    command -v openssl >/dev/null 2>&1 || fail "openssl is missing (apt-get install openssl)"
    [[ -x "$KUBECTL" ]] || fail "kubectl is missing"
    [[ -x "$SWIFTLB_KUBE" ]] || fail "$SWIFTLB_KUBE not built (swift build --product swiftlb-kube)"
}

# kube_fake_start [ARGS...]: certificate, token and the fake API server in the lb namespace;
# waits for its port and kubeconfig and for kubectl to answer through it.
kube_fake_start() {
    kube_vars
    mkdir -p "$KUBE_DIR"
    rm -f "$KUBE_DIR/port" "$KUBECONFIG_FILE"
    if [[ ! -s "$KUBE_DIR/cert.pem" ]]; then
        openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=kube-fake \
            -addext "subjectAltName=IP:127.0.0.1" -keyout "$KUBE_DIR/key.pem" -out "$KUBE_DIR/cert.pem" \
            >"$KUBE_DIR/openssl.log" 2>&1 || {
            cat "$KUBE_DIR/openssl.log"
            return 1
        }
    fi
    [[ -s "$KUBE_DIR/kube-token" ]] ||
        (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$KUBE_DIR/kube-token")
    bg_start kubeapi "$NS_LB" "$PYTHON" "$E2E_DIR/tools/kube_apiserver.py" --listen 127.0.0.1:0 \
        --token "$(<"$KUBE_DIR/kube-token")" --tls-cert "$KUBE_DIR/cert.pem" --tls-key "$KUBE_DIR/key.pem" \
        --port-file "$KUBE_DIR/port" --kubeconfig-out "$KUBECONFIG_FILE" "$@" || return 1
    local i
    for ((i = 0; i < 100; i++)); do
        [[ -s "$KUBE_DIR/port" && -s "$KUBECONFIG_FILE" ]] && break
        bg_alive kubeapi || break
        sleep 0.1
    done
    if [[ ! -s "$KUBE_DIR/port" || ! -s "$KUBECONFIG_FILE" ]]; then
        echo "the fake API server wrote no port/kubeconfig; its log:"
        tail -n 20 "$STATE_DIR/kubeapi.log"
        return 1
    fi
    KUBE_API_PORT=$(<"$KUBE_DIR/port")
    # The kubeconfig must carry the CA and the token (kubectl and swiftlb-kube both read it).
    grep -q 'certificate-authority' "$KUBECONFIG_FILE" && grep -qF "$(<"$KUBE_DIR/kube-token")" "$KUBECONFIG_FILE" || {
        echo "the fake's kubeconfig lacks the CA or the token: $(tr '\n' ' ' <"$KUBECONFIG_FILE")"
        return 1
    }
    local out
    out=$(kc get ns 2>&1) || {
        echo "kubectl get ns through the fake failed: $out"
        return 1
    }
}

# kc ARGS...: kubectl in the lb namespace against the fake (30 s at most).
kc() {
    timeout 30 nsenter --net="/run/netns/$NS_LB" -- env KUBECONFIG="$KUBECONFIG_FILE" "$KUBECTL" "$@"
}

# kc_apply YAML: kubectl apply -f - of the text.
kc_apply() { kc apply -f - <<<"$1"; }

# fake_api METHOD PATH: a call to the fake with its token (body on stdout).
fake_api() {
    in_ns "$NS_LB" curl -sS --max-time 10 --cacert "$KUBE_DIR/cert.pem" -X "$1" \
        -H "Authorization: Bearer $(<"$KUBE_DIR/kube-token")" "https://127.0.0.1:$KUBE_API_PORT$2"
}

# kube_ctrl_start URLS [ARGS...]: swiftlb-kube in the lb namespace programming the
# comma-separated SwiftLB URLs (token: the scenario's admin secret), resync 1 s, debug log.
kube_ctrl_start() {
    local urls=$1
    shift
    kube_vars
    (umask 077 && awk '$2 == "admin" { print $3; exit }' "$API_TOKEN_FILE" >"$KUBE_TOKEN_FILE")
    echo "----- e2e: starting swiftlb-kube at $(date '+%F %T.%N')" >>"$KUBE_LOG"
    bg_start kube "$NS_LB" "$SWIFTLB_KUBE" --kubeconfig "$KUBECONFIG_FILE" --swiftlbURL "$urls" \
        --swiftlb-token-file "$KUBE_TOKEN_FILE" --resync-seconds "${SLB_KUBE_RESYNC:-1}" \
        --log-level "${SLB_KUBE_LOG_LEVEL:-debug}" "$@" || return 1
    sleep 0.5
    bg_alive kube || {
        echo "swiftlb-kube exited at once; its log:"
        tail -n 20 "$KUBE_LOG"
        return 1
    }
}

# kube_nodes_up NAME=IP...: Nodes with InternalIP and Ready=True (created, then status patched).
kube_nodes_up() {
    local spec name ip yaml=""
    for spec in "$@"; do
        name=${spec%%=*}
        yaml+="---
apiVersion: v1
kind: Node
metadata:
  name: $name
  labels: {kubernetes.io/hostname: $name}
"
    done
    kc_apply "$yaml" >/dev/null || return 1
    for spec in "$@"; do
        name=${spec%%=*} ip=${spec#*=}
        kube_node_status "$name" "$ip" True || return 1
    done
}

# kube_node_status NAME IP True|False: the Node's status: InternalIP and the Ready condition.
kube_node_status() {
    kc patch node "$1" --subresource=status --type=merge -p \
        "{\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"$2\"},{\"type\":\"Hostname\",\"address\":\"$1\"}],\"conditions\":[{\"type\":\"Ready\",\"status\":\"$3\",\"reason\":\"e2e\"}]}}" \
        >/dev/null
}

# kube_rules_dump NS [URL_HOST]: the rules of the SwiftLB in NS (API at URL_HOST, default
# 127.0.0.1), one line each, sorted: "NAME VIP:PORT/PROTO EP:PORT,EP:PORT managed".
# Returns 1 if the GET fails.
kube_rules_dump() {
    local ns=$1 host=${2:-127.0.0.1} body
    body=$(in_ns "$ns" curl -sS -f --max-time 20 "${API_AUTH[@]}" \
        "http://$host:$SLB_API_PORT/netlox/v1/config/loadbalancer/all") || return 1
    "$PYTHON" -c '
import json, sys
rules = json.loads(sys.stdin.read()).get("lbAttr") or []
out = []
for r in rules:
    a = r.get("serviceArguments") or {}
    eps = sorted("%s:%s" % (e.get("endpointIP"), e.get("targetPort")) for e in r.get("endpoints") or [])
    out.append("%s %s:%s/%s %s%s" % (a.get("name") or "-", a.get("externalIP"), a.get("port"),
               a.get("protocol"), ",".join(eps) or "-", " managed" if a.get("managed") else ""))
print("\n".join(sorted(out)))
' <<<"$body"
}

# kube_svc_vip NS/NAME: the first status.loadBalancer.ingress IP of the Service (empty if none).
kube_svc_vip() {
    kc get svc -n "${1%%/*}" "${1#*/}" -o jsonpath='{.status.loadBalancer.ingress[0].ip}' 2>/dev/null
}

# kube_wait_vip NS/NAME TRIES: polls kube_svc_vip every 0.25 s; sets KVIP.
kube_wait_vip() {
    local i
    KVIP=""
    for ((i = 0; i < $2; i++)); do
        KVIP=$(kube_svc_vip "$1")
        [[ -n "$KVIP" ]] && return 0
        sleep 0.25
    done
    return 1
}

# tally_at HOST[:PORT] N: tally (common.sh) against another address than VIP.
tally_at() {
    local saved=$VIP rc
    VIP=$1
    tally "$2"
    rc=$?
    VIP=$saved
    return $rc
}

# kube_wait_answers HOST[:PORT] WANT TRIES: polls (12 requests, every 0.5 s) until exactly the
# servers in WANT (e.g. "srv2 srv3"; "" = nothing answers) answer, each at least once, with no
# failure (or, for "", all failing). Sets TALLY_TEXT and WAITED (seconds).
kube_wait_answers() {
    local host=$1 want=$2 tries=$3 i k got t0
    t0=$(date +%s.%N)
    for ((i = 0; i < tries; i++)); do
        TALLY_GIVE_UP=3 tally_at "$host" 12
        got=""
        for ((k = 1; k <= TOPO_SERVERS; k++)); do
            if ((${TALLY[srv$k]} > 0)); then got+="srv$k "; fi
        done
        got=${got% }
        if [[ -z "$want" ]]; then
            ((TALLY_FAIL == 12)) && break
        elif [[ "$got" == "$want" ]] && ((TALLY_FAIL == 0 && TALLY_OTHER == 0)); then
            break
        fi
        sleep 0.5
    done
    WAITED=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b - a}')
    ((i < tries))
}

# kube_stats: GET /_fake/stats, one line.
kube_stats() { fake_api GET /_fake/stats | tr -d '\n'; }

# ---------------------------------------------------------------- a second swiftlb (kube_multi)
#
#   P-lb  m0 10.N.60.1/24 ──── m0 10.N.60.2/24  P-lb2 (swiftlb, API on 10.N.60.2:11111)
#
# swiftlb-kube (in P-lb) reaches the second API over the veth; no client traffic goes there.

kube_lb2_vars() {
    NS_LB2="$PREFIX-lb2"
    LB2_IP="10.$NET_OCTET.60.2"
    LB2_GW="10.$NET_OCTET.60.1"
    LB2_STATE=$STATE_DIR/lb2
    LB2_BPFFS=/sys/fs/bpf/${PREFIX}b
    LB2_LOG=$STATE_DIR/daemon2.log
}

# kube_lb2_up: the namespace and its veth to P-lb.
kube_lb2_up() {
    kube_lb2_vars
    [[ ! -e "/run/netns/$NS_LB2" ]] || ip netns del "$NS_LB2"
    ip netns add "$NS_LB2" || return 1
    ip -n "$NS_LB2" link set lo up || return 1
    _topo_sysctl "$NS_LB2" net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 || true
    ip link add m0 netns "$NS_LB" type veth peer name m0 netns "$NS_LB2" || return 1
    ip -n "$NS_LB" addr add "$LB2_GW/24" dev m0 || return 1
    ip -n "$NS_LB2" addr add "$LB2_IP/24" dev m0 || return 1
    ip -n "$NS_LB" link set m0 up && ip -n "$NS_LB2" link set m0 up
}

# kube_daemon2_start: swiftlb in P-lb2 (own bpffs directory and database, the scenario's token
# file), API on LB2_IP; waits until GET status/ready answers 200 from P-lb.
kube_daemon2_start() {
    kube_lb2_vars
    mkdir -p "$LB2_STATE"
    echo "----- e2e: starting swiftlb (lb2) at $(date '+%F %T.%N')" >>"$LB2_LOG"
    bg_start daemon2 "$NS_LB2" "$SWIFTLB" run --api-host "$LB2_IP" --api-port "$SLB_API_PORT" \
        --api-token-file "$API_TOKEN_FILE" --bpffs "$LB2_BPFFS" --config-db "$LB2_STATE/config.db" \
        --log-level "${SLB_LOG_LEVEL:-debug}" || return 1
    local i
    for ((i = 0; i < ${SLB_READY_TRIES:-80}; i++)); do
        bg_alive daemon2 || { tail -n 20 "$LB2_LOG"; return 1; }
        in_ns "$NS_LB" curl -fsS -o /dev/null --max-time 1 "${API_AUTH[@]}" \
            "http://$LB2_IP:$SLB_API_PORT/netlox/v1/status/ready" 2>/dev/null && return 0
        sleep 0.25
    done
    echo "swiftlb (lb2) not ready; its log:"
    tail -n 20 "$LB2_LOG"
    return 1
}

# kube_daemon2_cleanup: detach and unpin the second swiftlb's datapath (it must be stopped).
kube_daemon2_cleanup() {
    kube_lb2_vars
    [[ -e "/run/netns/$NS_LB2" && -n "${SWIFTLB:-}" && -x "${SWIFTLB:-}" ]] || return 0
    echo "----- e2e: swiftlb cleanup (lb2) at $(date '+%F %T.%N')" >>"$LB2_LOG"
    timeout 30 nsenter --net="/run/netns/$NS_LB2" -- "$SWIFTLB" cleanup --bpffs "$LB2_BPFFS" >>"$LB2_LOG" 2>&1
}

# kube_lb2_teardown: stops the second swiftlb, unpins, removes its namespace, pins and state.
kube_lb2_teardown() {
    kube_lb2_vars
    if bg_alive daemon2; then bg_stop daemon2 TERM 10 || warn "swiftlb (lb2) needed SIGKILL at teardown"; fi
    kube_daemon2_cleanup || warn "swiftlb cleanup --bpffs $LB2_BPFFS failed"
    [[ ! -e "/run/netns/$NS_LB2" ]] || ip netns del "$NS_LB2" 2>/dev/null || true
    if topo_check_prefix "$PREFIX" 2>/dev/null && [[ -e "$LB2_BPFFS" ]]; then
        rm -rf -- "$LB2_BPFFS"
    fi
    rm -rf "$LB2_STATE"
}

# kube_multi_trap_teardown: scenario_trap_teardown for kube_multi (the second swiftlb too).
kube_multi_trap_teardown() {
    trap 'exit 143' TERM
    trap 'exit 130' INT
    trap '_rc=$?; if ((_rc != 0)) && [[ -z "${SLB_RUNNER:-}" ]]; then bg_stop kube TERM 5; kube_lb2_teardown >/dev/null 2>&1; standard_teardown >/dev/null 2>&1; fi' EXIT
}
