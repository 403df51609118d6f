# shellcheck shell=bash
# Contender "nftables": DNAT in the LB namespace, laid out like kube-proxy's nftables mode: one
# verdict map from (daddr, protocol, port) to a chain per service, `numgen random` over the
# endpoint chains, each a dnat (bench/tools/rules.py). Debian's nft. Sourced.
nftables_up() {
    LB_PIDS=""
    TARGET_WEB="http://$VIP:80/"
    TARGET_BULK=$VIP_BULK
    BULK_UDP=yes
    nftables_grow 1
}

nftables_grow() {
    local start end
    {
        echo "table ip slbbench"
        echo "delete table ip slbbench"
        "$PYTHON" "$TOOLS_DIR/rules.py" nftables --net "$NET_OCTET" --servers "$TOPO_SERVERS" --services "$1"
    } >"$STATE_DIR/nftables.rules"
    start=$(date +%s.%N)
    in_ns "$NS_LB" nft -f "$STATE_DIR/nftables.rules" || return 1
    end=$(date +%s.%N)
    record control nftables "$1" create_s "$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.3f", b - a}')"
}

nftables_down() { in_ns "$NS_LB" nft delete table ip slbbench 2>/dev/null || true; }
