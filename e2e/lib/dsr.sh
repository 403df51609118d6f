# shellcheck shell=bash
# DSR endpoints for e2e/l4dsr; sourced after common.sh (topology variables set).
#   VIP            L2 DSR service VIP:8080 -> srv1..3:8080 (on-link)
#   VIP2           L3 DSR service VIP2:8080 -> L3_EP:8080, L3_EP = 10.N.50.2 on srv3's lo,
#                  routed by the lb namespace via srv3, so SwiftLB encapsulates in IPIP;
#                  srv3 decapsulates with tunl0, or with e2e/tools/ipip_decap.bpf.c on a
#                  kernel without the ipip driver.
VIP2="10.$NET_OCTET.101.1"
L3_EP="10.$NET_OCTET.50.2"

dsr_topology() {
    local k ns
    command -v modprobe >/dev/null && modprobe ipip 2>/dev/null
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
    in_ns "$ns" sysctl -qw net.ipv4.conf.default.rp_filter=0 >/dev/null || return 1
    # The fallback tunnel device takes every IPIP packet to a local address. Kernels built
    # without the ipip driver get the same decapsulation from a TC program on eth0.
    if ip -n "$ns" link show tunl0 >/dev/null 2>&1 || ip -n "$ns" link add name tunl0 type ipip 2>/dev/null; then
        ip -n "$ns" link set tunl0 up || return 1
        in_ns "$ns" sysctl -qw net.ipv4.conf.tunl0.rp_filter=0 >/dev/null || return 1
        DSR_DECAP=tunl0
    else
        dsr_bpf_decap "$ns" || return 1
        DSR_DECAP="TC program ipip_decap on eth0"
    fi
    ip -n "$NS_LB" route add "10.$NET_OCTET.50.0/24" via "${SRV_IP[3]}" || return 1
}

# dsr_clang: the clang that can target bpf (the one `swift build` uses for bpf/).
dsr_clang() {
    local c
    for c in "${CLANG:-}" "$(dirname "$(readlink -f "$(command -v swift 2>/dev/null)")" 2>/dev/null)/clang" \
        "$(command -v clang 2>/dev/null)"; do
        [[ -n "$c" && -x "$c" ]] && { echo "$c"; return 0; }
    done
    return 1
}

# dsr_bpf_decap NS: compiles e2e/tools/ipip_decap.bpf.c and attaches it to TC ingress of eth0 in NS.
dsr_bpf_decap() {
    local ns=$1 clang multiarch obj=$STATE_DIR/ipip_decap.o
    clang=$(dsr_clang) || { echo "no clang to build the IPIP decapsulation program"; return 1; }
    multiarch=$(gcc -print-multiarch 2>/dev/null || echo "$(uname -m)-linux-gnu")
    "$clang" -target bpf -O2 -g -I"/usr/include/$multiarch" -c "$E2E_DIR/tools/ipip_decap.bpf.c" -o "$obj" ||
        return 1
    ip netns exec "$ns" tc qdisc add dev eth0 clsact || return 1
    ip netns exec "$ns" tc filter add dev eth0 ingress bpf direct-action obj "$obj" sec tc || return 1
}
