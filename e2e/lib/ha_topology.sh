# shellcheck shell=bash
# Topologies of the HA scenarios (issue 16): two SwiftLB instances on shared layer-2 segments,
# joined by bridges in a switch namespace, so that a VIP can move between them. Sourced after
# common.sh (it uses topo_vars for the second octet N and _topo_sysctl).
#
# GARP variant (ha_topo_up PREFIX):
#
#   P-client c0 10.N.1.2 ─ cl ┐                      ┌ s1 ─ eth0 10.N.2.21  P-srv1
#                             brc (P-sw)      brs (P-sw) ── s2 ─ eth0 10.N.2.22  P-srv2
#             ┌─────── a0 ────┤ ├── b0 ───┐  ┌─ a1 ──┤ └ s3 ─ eth0 10.N.2.23  P-srv3
#   P-lb1 eth0 10.N.1.11  eth1 10.N.2.11 ─┘  │       │     servers: default via 10.N.2.1
#   P-lb2 eth0 10.N.1.12  eth1 10.N.2.12 ─── b1 ─────┘
#
#   VIP 10.N.1.100 (HA_VIP) lies in the client subnet: the client ARPs for it and reaches whichever
#   instance answers. 10.N.2.1 (HA_GW) is the servers' default gateway and the fullnat/onearm source:
#   the MASTER holds both (swiftlb --ha-vip), the BACKUP neither.
#
# BGP variant (ha_topo_up PREFIX bgp): the client sits behind a router running bird2, and the
# instances' first legs share the router's segment instead of the client's:
#
#   P-client c0 10.N.1.2 ── r0 10.N.1.1 P-rtr r1 10.N.50.1 ─ rt ┐
#                                                              brc (P-sw) ── a0 ─ eth0 10.N.50.11 P-lb1
#                                                                        └── b0 ─ eth0 10.N.50.12 P-lb2
#   VIP 10.N.100.1 (HA_VIP) is in no subnet: the router routes it to the instance BGP prefers.
#
# By default unknown-unicast flooding is off on the instances' ports, so that only the new MASTER's
# gratuitous ARP (or BGP) moves the traffic: the strict case. SLB_HA_FLOOD=1 keeps a plain switch's
# behaviour: when a port goes down its learned MACs are forgotten and frames to them are flooded to
# every port, the other instance's included (whose datapath then forwards them from its synced
# conntrack before it is even MASTER, which hides the takeover).
#
# Veths are created inside their namespaces (short fixed names never meet in the root namespace).
# ha_cut_links / ha_restore_links take one instance off both segments by setting its switch ports
# down (its own interfaces lose carrier, as when a cable is pulled).
#
# Functions: ha_vars PREFIX [bgp], ha_topo_up PREFIX [bgp], ha_topo_down PREFIX,
#            ha_cut_links IDX, ha_restore_links IDX, ha_links_state IDX.

# ha_vars PREFIX [bgp]: sets NET_OCTET NS_SW NS_CLIENT NS_LBS[1..2] NS_SRV[1..3] NS_RTR, the
# addresses (CLIENT_IP HA_VIP HA_GW LB_IP[1..2] LB_SRV_IP[1..2] SRV_IP[1..3] RTR_*), HA_BGP.
# shellcheck disable=SC2034 # the variables are read by common.sh, bgp.sh and ha.sh
ha_vars() {
    topo_vars "$1" || return 1
    local p=$1 n=$NET_OCTET k
    HA_BGP=${2:-}
    NS_SW="$p-sw"
    NS_CLIENT="$p-client"
    NS_RTR="$p-rtr"
    NS_LBS=("" "$p-lb1" "$p-lb2")
    NS_LB=${NS_LBS[1]}
    NS_SRV=()
    SRV_IP=()
    for ((k = 1; k <= TOPO_SERVERS; k++)); do
        NS_SRV[k]="$p-srv$k"
        SRV_IP[k]="10.$n.2.$((20 + k))"
    done
    CLIENT_IP="10.$n.1.2"
    HA_GW="10.$n.2.1"
    LB_SRV_IP=("" "10.$n.2.11" "10.$n.2.12")
    if [[ "$HA_BGP" == bgp ]]; then
        RTR_CLIENT_IP="10.$n.1.1"
        RTR_LB_IP="10.$n.50.1"
        LB_IP=("" "10.$n.50.11" "10.$n.50.12")
        HA_VIP="10.$n.100.1"
        CLIENT_NET="10.$n.1.0/24"
    else
        LB_IP=("" "10.$n.1.11" "10.$n.1.12")
        HA_VIP="10.$n.1.100"
    fi
    VIP=$HA_VIP
}

# ha_namespaces: the namespace names of the current ha_vars, one per line.
ha_namespaces() {
    local k
    echo "$NS_SW"
    echo "$NS_CLIENT"
    echo "$NS_RTR"
    echo "${NS_LBS[1]}"
    echo "${NS_LBS[2]}"
    for ((k = 1; k <= TOPO_SERVERS; k++)); do echo "${NS_SRV[k]}"; done
}

_ha_ns_add() {
    ip netns add "$1" || return 1
    ip -n "$1" link set lo up || return 1
    _topo_sysctl "$1" net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 || true
}

# _ha_port NS IF ADDR/LEN SWITCH_PORT BRIDGE: a veth from NS (IF, addressed) to a bridge port.
_ha_port() {
    ip link add "$4" netns "$NS_SW" type veth peer name "$2" netns "$1" || return 1
    ip -n "$NS_SW" link set "$4" master "$5" || return 1
    ip -n "$NS_SW" link set "$4" up || return 1
    ip -n "$1" addr add "$3" dev "$2" || return 1
    ip -n "$1" link set "$2" up
}

# ha_topo_up PREFIX [bgp]: builds the topology (removing a leftover one of PREFIX first).
ha_topo_up() {
    ha_vars "$1" "${2:-}" || return 1
    local k i ns br port
    ha_topo_down "$1"
    for ns in $(ha_namespaces); do
        [[ "$ns" != "$NS_RTR" || "$HA_BGP" == bgp ]] || continue
        _ha_ns_add "$ns" || return 1
    done
    for br in brc brs; do
        # No STP, no forwarding delay: a port is forwarding the moment it is up.
        ip -n "$NS_SW" link add "$br" type bridge stp_state 0 forward_delay 0 mcast_snooping 0 || return 1
        ip -n "$NS_SW" link set "$br" up || return 1
    done
    if [[ "$HA_BGP" == bgp ]]; then
        ip link add c0 netns "$NS_CLIENT" type veth peer name r0 netns "$NS_RTR" || return 1
        ip -n "$NS_CLIENT" addr add "$CLIENT_IP/24" dev c0 || return 1
        ip -n "$NS_RTR" addr add "$RTR_CLIENT_IP/24" dev r0 || return 1
        ip -n "$NS_CLIENT" link set c0 up && ip -n "$NS_RTR" link set r0 up || return 1
        ip -n "$NS_CLIENT" route add default via "$RTR_CLIENT_IP" || return 1
        _ha_port "$NS_RTR" r1 "$RTR_LB_IP/24" rt brc || return 1
        _topo_sysctl "$NS_RTR" net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
            net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.r0.rp_filter=0 net.ipv4.conf.r1.rp_filter=0 || return 1
    else
        _ha_port "$NS_CLIENT" c0 "$CLIENT_IP/24" cl brc || return 1
    fi
    local sw=("" a b)
    for i in 1 2; do
        _ha_port "${NS_LBS[i]}" eth0 "${LB_IP[i]}/24" "${sw[i]}0" brc || return 1
        _ha_port "${NS_LBS[i]}" eth1 "${LB_SRV_IP[i]}/24" "${sw[i]}1" brs || return 1
        _topo_sysctl "${NS_LBS[i]}" net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
            net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0 net.ipv4.conf.eth1.rp_filter=0 || return 1
    done
    if [[ "${SLB_HA_FLOOD:-0}" == 0 ]]; then
        for port in a0 a1 b0 b1; do bridge -n "$NS_SW" link set dev "$port" flood off || return 1; done
    fi
    for ((k = 1; k <= TOPO_SERVERS; k++)); do
        _ha_port "${NS_SRV[k]}" eth0 "${SRV_IP[k]}/24" "s$k" brs || return 1
        ip -n "${NS_SRV[k]}" route add default via "$HA_GW" || return 1
    done
}

# ha_topo_down PREFIX: deletes every namespace of PREFIX (the bridges and veths go with them).
ha_topo_down() {
    topo_check_prefix "$1" || return 1
    local ns
    for ns in "$1-sw" "$1-client" "$1-rtr" "$1-lb1" "$1-lb2" "$1-srv1" "$1-srv2" "$1-srv3"; do
        [[ ! -e "/run/netns/$ns" ]] || ip netns del "$ns" 2>/dev/null || true
    done
}

_ha_sw_ports() { # IDX -> the switch ports of instance IDX
    case "$1" in
    1) echo a0 a1 ;;
    2) echo b0 b1 ;;
    *) return 1 ;;
    esac
}

# ha_cut_links IDX: takes instance IDX off both segments (its switch ports down).
ha_cut_links() {
    local port
    for port in $(_ha_sw_ports "$1"); do ip -n "$NS_SW" link set "$port" down || return 1; done
}

# ha_restore_links IDX: puts it back.
ha_restore_links() {
    local port
    for port in $(_ha_sw_ports "$1"); do ip -n "$NS_SW" link set "$port" up || return 1; done
}

# ha_links_state IDX: "UP UP", "DOWN DOWN"... (operstate of the instance's switch ports).
ha_links_state() {
    local port out=()
    for port in $(_ha_sw_ports "$1"); do
        out+=("$(ip -n "$NS_SW" -br link show "$port" | awk '{print $2}')")
    done
    echo "${out[*]}"
}
