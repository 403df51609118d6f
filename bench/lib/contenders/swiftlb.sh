# shellcheck shell=bash
# Contender "swiftlb-MODE": the release swiftlb daemon in the LB namespace (TC programs on every
# interface), services created through its REST API: the web service VIP:80 -> every server,
# the bulk service VIP2:5201 TCP and UDP -> server 1. Onearm and fullnat rules leave from a pool
# of addresses (snatSources 10.N.64.0/SLB_SNAT_POOL_PREFIX, default /26: 64): a closed flow keeps its
# port for the endpoint's TIME_WAIT, and one address carries about 470 new connections per second
# per endpoint (docs/nat-modes.md), below what this machine offers. Sourced.
SLB_CREATED=0

# swiftlb_up MODE: MODE is loxilb's number (0 default/DNAT, 1 onearm, 2 fullnat).
swiftlb_up() {
    local mode=$1 out
    LB_PIDS=""
    rm -f "$CONFIG_DB"
    # A closed onearm/fullnat flow holds its two entries for the endpoints' TIME_WAIT (60 s): at
    # this machine's churn rate that needs more than the default table (docs/nat-modes.md).
    SLB_LOG_LEVEL=warning daemon_start --detach-on-exit --ct-entries "${SLB_BENCH_CT_ENTRIES:-1048576}" || return 1
    SLB_DAEMON_PID=$(bg_pid daemon)
    record control swiftlb 0 idle_rss_mib "$(rss_mib "$SLB_DAEMON_PID")"
    local pool=""
    [[ $mode == 1 || $mode == 2 ]] && pool=10.$NET_OCTET.64.0/${SLB_SNAT_POOL_PREFIX:-26}
    out=$(in_ns "$NS_LB" "$PYTHON" "$TOOLS_DIR/api_load.py" --port "$SLB_API_PORT" main --net "$NET_OCTET" \
        --servers "$TOPO_SERVERS" --mode "$mode" --snat-sources "$pool") || return 1
    SLB_CREATED=1
    TARGET_WEB="http://$VIP:80/"
    TARGET_BULK=$VIP_BULK
    BULK_UDP=yes
}

# swiftlb_grow SERVICES: adds idle services until SERVICES are configured (besides bulk).
swiftlb_grow() {
    local want=$1 out seconds rss0 rss1
    [[ $want -gt $SLB_CREATED ]] || return 0
    rss0=$(rss_mib "$SLB_DAEMON_PID")
    out=$(in_ns "$NS_LB" "$PYTHON" "$TOOLS_DIR/api_load.py" --port "$SLB_API_PORT" idle --net "$NET_OCTET" \
        --from $((SLB_CREATED - 1)) --to $((want - 1)) --mode 0) || return 1
    seconds=${out##* }
    rss1=$(rss_mib "$SLB_DAEMON_PID")
    record control swiftlb "$want" create_s "$seconds"
    record control swiftlb "$want" created "$((want - SLB_CREATED))"
    record control swiftlb "$want" rss_before_mib "$rss0"
    record control swiftlb "$want" rss_mib "$rss1"
    SLB_CREATED=$want
}

swiftlb_down() {
    bg_stop daemon TERM 15 || true
    timeout 30 nsenter --net="/run/netns/$NS_LB" -- "$SWIFTLB" cleanup --bpffs "$BPFFS_DIR" >>"$DAEMON_LOG" 2>&1 || true
    rm -rf "$BPFFS_DIR"
    SLB_CREATED=0
}

# rss_mib PID: resident set size in MiB.
rss_mib() { awk '/^VmRSS:/{printf "%.1f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo nan; }
