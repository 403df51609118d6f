# shellcheck shell=bash
# DSR endpoints for e2e/l4dsr; sourced after common.sh (topology variables set).
#   VIP            L2 DSR service VIP:8080 -> srv1..3:8080 (on-link)
#   VIP2           L3 DSR service VIP2:8080 -> L3_EP:8080, L3_EP = 10.N.50.2 on srv3's lo,
#                  routed by the lb namespace via srv3, so SwiftLB encapsulates in IPIP.
VIP2="10.$NET_OCTET.101.1"
L3_EP="10.$NET_OCTET.50.2"

dsr_topology() {
    local k ns
    modprobe ipip 2>/dev/null || true
    for ((k = 1; k <= TOPO_SERVERS; k++)); do
        ns=${NS_SRV[k]}
        ip -n "$ns" addr add "$VIP/32" dev lo || return 1
        in_ns "$ns" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
            net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2 \
            net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0 net.ipv4.conf.lo.rp_filter=0 \
            >/dev/null || return 1
    done
    ns=${NS_SRV[3]}
    ip -n "$ns" addr add "$L3_EP/32" dev lo || return 1
    ip -n "$ns" addr add "$VIP2/32" dev lo || return 1
    # The fallback tunnel device takes every IPIP packet to a local address.
    ip -n "$ns" link show tunl0 >/dev/null 2>&1 || ip -n "$ns" link add name tunl0 type ipip || return 1
    ip -n "$ns" link set tunl0 up || return 1
    in_ns "$ns" sysctl -qw net.ipv4.conf.tunl0.rp_filter=0 net.ipv4.conf.default.rp_filter=0 >/dev/null || return 1
    ip -n "$NS_LB" route add "10.$NET_OCTET.50.0/24" via "${SRV_IP[3]}" || return 1
}
