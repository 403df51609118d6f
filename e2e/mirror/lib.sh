# shellcheck shell=bash
# mirror: the scenario's extra namespaces, sourced after scenario_init.
#   PREFIX-tap  t0 ──── m0 (in PREFIX-lb): the SPAN mirror port, no addresses
#   PREFIX-col  e1 10.N.200.2/24 ──── e0 10.N.200.1/24 (in PREFIX-lb): the ERSPAN collector
NS_TAP="$PREFIX-tap"
NS_COL="$PREFIX-col"
LB_E_IP="10.$NET_OCTET.200.1"
COL_IP="10.$NET_OCTET.200.2"
CAPTURE="$E2E_DIR/tools/mirror_capture.py"

# mirror_extra_up: the tap and collector namespaces, linked to the lb namespace.
mirror_extra_up() {
    mirror_extra_down
    local ns
    for ns in "$NS_TAP" "$NS_COL"; do
        ip netns add "$ns" || return 1
        ip -n "$ns" link set lo up
        nsenter --net="/run/netns/$ns" -- sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
            net.ipv6.conf.default.disable_ipv6=1 >/dev/null || true
    done
    ip link add m0 netns "$NS_LB" type veth peer name t0 netns "$NS_TAP" || return 1
    ip link add e0 netns "$NS_LB" type veth peer name e1 netns "$NS_COL" || return 1
    ip -n "$NS_LB" addr add "$LB_E_IP/24" dev e0
    ip -n "$NS_COL" addr add "$COL_IP/24" dev e1
    ip -n "$NS_LB" link set m0 up && ip -n "$NS_TAP" link set t0 up
    ip -n "$NS_LB" link set e0 up && ip -n "$NS_COL" link set e1 up
}

# mirror_extra_down: removes them (idempotent).
mirror_extra_down() {
    local ns
    for ns in "$NS_TAP" "$NS_COL"; do
        [[ -e "/run/netns/$ns" ]] && ip netns del "$ns"
    done
    return 0
}

# capture_start NAME NS IF: records frames on IF for at most 20 s (mirror_capture.py).
capture_start() {
    rm -f "$STATE_DIR/$1.frames"
    bg_start "$1" "$2" "$PYTHON" "$CAPTURE" capture "$3" "$STATE_DIR/$1.frames" 20
}

# capture_stop NAME: stops the capture once its last frames are in.
capture_stop() {
    sleep 0.5
    bg_stop "$1" TERM 5
    touch "$STATE_DIR/$1.frames"
}

# frames NAME count|outgoing KIND ARGS...: how many captured frames are of KIND.
frames() {
    local name=$1 mode=$2
    shift 2
    "$PYTHON" "$CAPTURE" "$mode" "$STATE_DIR/$name.frames" "$@"
}

# requests N: N HTTP requests from the client to the VIP; prints how many srv1..3 answered.
requests() {
    local n=$1 i got count=0
    for ((i = 0; i < n; i++)); do
        got=$(in_ns "$NS_CLIENT" curl -s --max-time 2 "http://$VIP/") || continue
        [[ "$got" =~ ^srv[1-3]$ ]] && count=$((count + 1))
    done
    echo "$count"
}

# mirror_field NAME FIELD: a field of mirror NAME from `get mirror -o json`.
mirror_field() {
    ctl get mirror -o json | "$PYTHON" -c '
import json, sys
for m in json.load(sys.stdin)["mirrAttr"]:
    if m["mirrorIdent"] == sys.argv[1]:
        print(m.get(sys.argv[2], ""))
' "$1" "$2"
}

# interface_attached IF: our programs are on IF's TC ingress and egress in the lb namespace.
interface_attached() {
    local i dir out ok
    for ((i = 0; i < 40; i++)); do
        ok=1
        for dir in ingress egress; do
            out=$(in_ns "$NS_LB" tc filter show dev "$1" "$dir" 2>/dev/null)
            [[ "$out" == *" bpf "* ]] || ok=0
        done
        ((ok)) && return 0
        sleep 0.25
    done
    return 1
}
