# shellcheck shell=bash
# Network-namespace topology for SwiftLB scenarios and the demo. Sourced, not run.
#
#   PREFIX-client  c0 10.N.1.2/24 ──── l0 10.N.1.1/24 ┐
#                                                    PREFIX-lb (ip_forward=1, rp_filter=0)
#   PREFIX-srvK  eth0 10.N.(K+1).2/24 ── lK 10.N.(K+1).1/24   (K = 1..3)
#
# VIP 10.N.100.1 is on no interface: the client reaches it through its default route and
# the load balancer intercepts it at TC ingress of l0. N is 100 for the demo prefix
# "slbdemo"; other prefixes get a second octet derived from a hash of the prefix so that
# the demo and a test run never share addresses (namespaces already keep them apart; this
# keeps logs and captures unambiguous). SLB_NET_OCTET overrides it.
#
# Veth pairs are created directly inside their namespaces (`ip link add ... netns`), so
# short fixed names (c0, l0, lK, eth0) never collide in the root namespace.
#
# Functions: topo_vars PREFIX, topo_up PREFIX, topo_down PREFIX,
#            topo_offload_off PREFIX, topo_offload_on PREFIX, topo_namespaces PREFIX.

TOPO_SERVERS=3

# topo_check_prefix PREFIX: prefixes become namespace names and a bpffs directory name,
# so they are restricted to [a-z0-9] (1..10 characters).
topo_check_prefix() {
    if [[ ! "${1:-}" =~ ^[a-z][a-z0-9]{0,9}$ ]]; then
        echo "topology: bad prefix '${1:-}' (want [a-z][a-z0-9]{0,9})" >&2
        return 1
    fi
}

# topo_vars PREFIX: sets NS_CLIENT NS_LB NS_SRV[1..3] NET_OCTET CLIENT_IP GW_CLIENT VIP
# SRV_IP[1..3] SRV_GW[1..3] for PREFIX.
topo_vars() {
    topo_check_prefix "$1" || return 1
    local p=$1
    if [[ -n "${SLB_NET_OCTET:-}" ]]; then
        NET_OCTET=$SLB_NET_OCTET
    elif [[ "$p" == slbdemo ]]; then
        NET_OCTET=100
    else
        # 101..250, stable per prefix.
        NET_OCTET=$((101 + $(printf '%s' "$p" | cksum | cut -d' ' -f1) % 150))
    fi
    NS_CLIENT="$p-client"
    NS_LB="$p-lb"
    NS_SRV=()
    SRV_IP=()
    SRV_GW=()
    local k
    for ((k = 1; k <= TOPO_SERVERS; k++)); do
        NS_SRV[k]="$p-srv$k"
        SRV_IP[k]="10.$NET_OCTET.$((k + 1)).2"
        SRV_GW[k]="10.$NET_OCTET.$((k + 1)).1"
    done
    CLIENT_IP="10.$NET_OCTET.1.2"
    GW_CLIENT="10.$NET_OCTET.1.1"
    VIP="10.$NET_OCTET.100.1"
}

# topo_namespaces PREFIX: prints the namespace names, one per line.
topo_namespaces() {
    topo_vars "$1" || return 1
    local k
    echo "$NS_CLIENT"
    echo "$NS_LB"
    for ((k = 1; k <= TOPO_SERVERS; k++)); do echo "${NS_SRV[k]}"; done
}

_topo_sysctl() { # NS KEY=VALUE...
    local ns=$1
    shift
    nsenter --net="/run/netns/$ns" -- sysctl -qw "$@" >/dev/null
}

# topo_up PREFIX: builds the topology (removing any leftover one of the same prefix first).
topo_up() {
    topo_vars "$1" || return 1
    local p=$1 k ns
    topo_down "$p" 2>/dev/null || true
    for ns in $(topo_namespaces "$p"); do
        ip netns add "$ns" || return 1
        ip -n "$ns" link set lo up || return 1
        # No IPv6 router solicitations or DAD chatter on the test links.
        _topo_sysctl "$ns" net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 || true
    done
    topo_vars "$p"

    ip link add c0 netns "$NS_CLIENT" type veth peer name l0 netns "$NS_LB" || return 1
    ip -n "$NS_CLIENT" addr add "$CLIENT_IP/24" dev c0
    ip -n "$NS_LB" addr add "$GW_CLIENT/24" dev l0
    ip -n "$NS_CLIENT" link set c0 up
    ip -n "$NS_LB" link set l0 up
    ip -n "$NS_CLIENT" route add default via "$GW_CLIENT" || return 1

    for ((k = 1; k <= TOPO_SERVERS; k++)); do
        ip link add eth0 netns "${NS_SRV[k]}" type veth peer name "l$k" netns "$NS_LB" || return 1
        ip -n "${NS_SRV[k]}" addr add "${SRV_IP[k]}/24" dev eth0
        ip -n "$NS_LB" addr add "${SRV_GW[k]}/24" dev "l$k"
        ip -n "${NS_SRV[k]}" link set eth0 up
        ip -n "$NS_LB" link set "l$k" up
        ip -n "${NS_SRV[k]}" route add default via "${SRV_GW[k]}" || return 1
    done

    _topo_sysctl "$NS_LB" net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
        net.ipv4.conf.default.rp_filter=0 || return 1
    for dev in l0 $(seq -f 'l%g' 1 "$TOPO_SERVERS"); do
        _topo_sysctl "$NS_LB" "net.ipv4.conf.$dev.rp_filter=0" || return 1
    done
}

# topo_down PREFIX: deletes the namespaces (and with them every veth). Idempotent.
topo_down() {
    topo_check_prefix "$1" || return 1
    local ns
    for ns in $(topo_namespaces "$1"); do
        if [[ -e "/run/netns/$ns" ]]; then
            ip netns del "$ns" 2>/dev/null || true
        fi
    done
}

# _topo_each_veth PREFIX CMD...: runs CMD NS IFNAME for both ends of every veth.
_topo_each_veth() {
    topo_vars "$1" || return 1
    shift
    local k
    "$@" "$NS_CLIENT" c0 || return 1
    "$@" "$NS_LB" l0 || return 1
    for ((k = 1; k <= TOPO_SERVERS; k++)); do
        "$@" "${NS_SRV[k]}" eth0 || return 1
        "$@" "$NS_LB" "l$k" || return 1
    done
}

_topo_offload() { # on|off NS IF
    nsenter --net="/run/netns/$2" -- ethtool -K "$3" tx "$1" rx "$1" >/dev/null 2>&1 ||
        { echo "topology: ethtool -K $3 tx $1 rx $1 failed in $2" >&2; return 1; }
}

# topo_offload_off PREFIX: turns checksum offload off on every veth (both ends).
topo_offload_off() { _topo_each_veth "$1" _topo_offload off; }

# topo_offload_on PREFIX: turns it back on.
topo_offload_on() { _topo_each_veth "$1" _topo_offload on; }

# ---------------------------------------------------------------- IPv6 (additive)
#
# topo_ipv6_up PREFIX adds IPv6 to a topology built by topo_up (which leaves IPv6 off):
#   PREFIX-client  c0 fd00:N:1::2/64 ──── l0 fd00:N:1::1/64        (N = NET_OCTET, as hex digits)
#   PREFIX-srvK  eth0 fd00:N:K+1::2/64 ── lK fd00:N:K+1::1/64
#   VIP6 fd00:N:100::1 on no interface; default routes toward the lb namespace, which forwards.
# Duplicate address detection is off (accept_dad=0 before IPv6 comes up, `nodad` on every
# address) so that addresses, link-local ones included, are usable at once; no router
# advertisements are accepted. Variables: CLIENT_IP6 GW_CLIENT6 VIP6 SRV_IP6[k] SRV_GW6[k].

# topo_vars6 PREFIX: sets the IPv6 variables (after topo_vars).
topo_vars6() {
    topo_vars "$1" || return 1
    local k
    SRV_IP6=()
    SRV_GW6=()
    for ((k = 1; k <= TOPO_SERVERS; k++)); do
        SRV_IP6[k]="fd00:$NET_OCTET:$((k + 1))::2"
        SRV_GW6[k]="fd00:$NET_OCTET:$((k + 1))::1"
    done
    CLIENT_IP6="fd00:$NET_OCTET:1::2"
    GW_CLIENT6="fd00:$NET_OCTET:1::1"
    VIP6="fd00:$NET_OCTET:100::1"
}

_topo_ipv6_on() { # NS IF...
    local ns=$1 dev
    shift
    _topo_sysctl "$ns" net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
        net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 || return 1
    for dev in "$@"; do
        _topo_sysctl "$ns" "net.ipv6.conf.$dev.accept_dad=0" "net.ipv6.conf.$dev.accept_ra=0" || return 1
    done
    _topo_sysctl "$ns" net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 || return 1
    for dev in lo "$@"; do
        _topo_sysctl "$ns" "net.ipv6.conf.$dev.disable_ipv6=0" || return 1
    done
}

# topo_ipv6_up PREFIX: enables IPv6 on the topology of PREFIX (built by topo_up).
topo_ipv6_up() {
    topo_vars6 "$1" || return 1
    local k lb_devs=(l0)
    for ((k = 1; k <= TOPO_SERVERS; k++)); do lb_devs+=("l$k"); done
    _topo_ipv6_on "$NS_CLIENT" c0 || return 1
    _topo_ipv6_on "$NS_LB" "${lb_devs[@]}" || return 1
    ip -n "$NS_CLIENT" addr add "$CLIENT_IP6/64" dev c0 nodad || return 1
    ip -n "$NS_LB" addr add "$GW_CLIENT6/64" dev l0 nodad || return 1
    ip -n "$NS_CLIENT" -6 route add default via "$GW_CLIENT6" || return 1
    for ((k = 1; k <= TOPO_SERVERS; k++)); do
        _topo_ipv6_on "${NS_SRV[k]}" eth0 || return 1
        ip -n "${NS_SRV[k]}" addr add "${SRV_IP6[k]}/64" dev eth0 nodad || return 1
        ip -n "$NS_LB" addr add "${SRV_GW6[k]}/64" dev "l$k" nodad || return 1
        ip -n "${NS_SRV[k]}" -6 route add default via "${SRV_GW6[k]}" || return 1
    done
    _topo_sysctl "$NS_LB" net.ipv6.conf.all.forwarding=1 || return 1
}
