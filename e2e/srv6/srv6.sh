# shellcheck shell=bash
# Shared by e2e/srv6/{setup,check}: the SIDs of the scenario (after topo_vars6).

# srv6_vars: LB_SID (the load balancer's), SEG_END1 and SEG_DX4 (srv1's End and End.DX4),
# SEG_DX6 (srv2's End.DX6).
srv6_vars() {
    topo_vars6 "$PREFIX" || fail "bad prefix"
    LB_SID="fc00:$NET_OCTET:ff::100"
    SEG_END1="fc00:$NET_OCTET:1::e"
    SEG_DX4="fc00:$NET_OCTET:1::d4"
    SEG_DX6="fc00:$NET_OCTET:2::d6"
    SRV6_TUN=slbsr6g
}

# node_stat K FIELD: the count FIELD (end, dx, encap) srv6_node.py on srvK last wrote.
node_stat() {
    awk -v f="$2" '{ for (i = 1; i < NF; i++) if ($i == f) print $(i + 1) }' "$STATE_DIR/srv6node$1.stats" 2>/dev/null
}

# srv6_reason REASON: a swiftlb_packets_total value from /metrics.
srv6_reason() {
    local code
    code=$(api GET /metrics) || return 1
    [[ "$code" == 200 ]] || return 1
    awk -v r="reason=\"$1\"" 'index($0, "swiftlb_packets_total{") == 1 && index($0, r) {print $NF}' \
        "$STATE_DIR/api.body" | head -n 1
}
