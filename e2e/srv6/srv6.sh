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
}

# seg6_packets NS SID: packets the seg6local route of SID in NS handled (its `count`).
seg6_packets() {
    ip -n "$1" -s -6 route show "$2" 2>/dev/null | awk '/packets/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }' | head -n 1
}

# srv6_reason REASON: a swiftlb_packets_total value from /metrics.
srv6_reason() {
    local code
    code=$(api GET /metrics) || return 1
    [[ "$code" == 200 ]] || return 1
    awk -v r="reason=\"$1\"" 'index($0, "swiftlb_packets_total{") == 1 && index($0, r) {print $NF}' \
        "$STATE_DIR/api.body" | head -n 1
}
