# shellcheck shell=bash
# Contender "iptables": DNAT in the LB namespace's nat table, written with iptables-restore the
# way kube-proxy's iptables mode writes it (KUBE-SERVICES -> KUBE-SVC-* with statistic-random
# endpoint choice -> KUBE-SEP-* DNAT), one rule set per service (bench/tools/rules.py). Debian's
# iptables (nf_tables backend unless the alternative says otherwise). Sourced.
iptables_up() {
    LB_PIDS=""
    TARGET_WEB="http://$VIP:80/"
    TARGET_BULK=$VIP_BULK
    BULK_UDP=yes
    iptables_grow 1
}

iptables_grow() {
    local start end
    "$PYTHON" "$TOOLS_DIR/rules.py" iptables --net "$NET_OCTET" --servers "$TOPO_SERVERS" --services "$1" \
        >"$STATE_DIR/iptables.rules"
    start=$(date +%s.%N)
    in_ns "$NS_LB" iptables-restore <"$STATE_DIR/iptables.rules" || return 1
    end=$(date +%s.%N)
    record control iptables "$1" create_s "$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.3f", b - a}')"
}

iptables_down() { in_ns "$NS_LB" iptables -t nat -F 2>/dev/null; in_ns "$NS_LB" iptables -t nat -X 2>/dev/null || true; }
