# shellcheck shell=bash
# Contender "swiftlb-MODE": the release swiftlb daemon in the LB namespace (TC programs on every
# interface), services created through its REST API: the web service VIP:80 -> every server,
# the bulk service VIP2:5201 TCP and UDP -> server 1. Onearm and fullnat rules leave from a pool
# of addresses (snatSources 10.N.64.0/SLB_SNAT_POOL_PREFIX, default /26: 64): a closed flow keeps its
# port for the endpoint's TIME_WAIT, and one address carries about 470 new connections per second
# per endpoint (docs/nat-modes.md), below what this machine offers. Sourced.
SLB_CREATED=0
# Concurrent API connections of the scale run's creates and one-by-one deletes (api_load.py --clients).
SLB_API_CLIENTS=${SLB_API_CLIENTS:-8}

# swiftlb_up MODE: MODE is loxilb's number (0 default/DNAT, 1 onearm, 2 fullnat).
swiftlb_up() {
    local mode=$1 out
    LB_PIDS=""
    rm -f "$CONFIG_DB"
    # SLB_BENCH_CT_ENTRIES sizes the conntrack table (the churn run: a closed onearm/fullnat flow
    # holds its entries for the endpoints' TIME_WAIT, 60 s; docs/nat-modes.md).
    # SLB_BENCH_MAX_SERVICES sizes the service tables (the scale run's 100,000-service step).
    # shellcheck disable=SC2086 # empty or two words
    SLB_LOG_LEVEL=warning daemon_start --detach-on-exit ${SLB_BENCH_CT_ENTRIES:+--ct-entries $SLB_BENCH_CT_ENTRIES} \
        ${SLB_BENCH_MAX_SERVICES:+--max-services $SLB_BENCH_MAX_SERVICES} || return 1
    SLB_DAEMON_PID=$(bg_pid daemon)
    # Memory at the default table size only (the churn run's larger table is its own setting).
    if [[ -z ${SLB_BENCH_CT_ENTRIES:-} ]]; then
        record control swiftlb 0 idle_rss_mib "$(rss_mib "$SLB_DAEMON_PID")"
        record control swiftlb 0 bpf_map_rss_mib "$(bpf_map_rss_mib "$SLB_DAEMON_PID")"
    fi
    local pool=""
    [[ $mode == 1 || $mode == 2 ]] && pool=10.$NET_OCTET.64.0/${SLB_SNAT_POOL_PREFIX:-26}
    SLB_MODE=$mode SLB_POOL=$pool
    swiftlb_main_services || return 1
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
        --from $((SLB_CREATED - 1)) --to $((want - 1)) --mode 0 --clients "$SLB_API_CLIENTS") || return 1
    seconds=${out##* }
    rss1=$(rss_mib "$SLB_DAEMON_PID")
    record control swiftlb "$want" create_s "$seconds"
    record control swiftlb "$want" created "$((want - SLB_CREATED))"
    record control swiftlb "$want" clients "$SLB_API_CLIENTS"
    record control swiftlb "$want" rss_before_mib "$rss0"
    record control swiftlb "$want" rss_mib "$rss1"
    record control swiftlb "$want" kernel_maps_mib "$(kernel_maps_mib)"
    SLB_CREATED=$want
}

# kernel_maps_mib: kernel memory of the daemon's pinned maps but the conntrack table (bpftool's
# memlock; hash maps allocated on demand count what they hold), in MiB ("nan" without bpftool).
kernel_maps_mib() {
    local pin total=0 bytes
    command -v bpftool >/dev/null 2>&1 || { echo nan && return; }
    for pin in "$BPFFS_DIR"/slb_*; do
        [[ $pin == */slb_ct ]] && continue
        bytes=$(bpftool map show pinned "$pin" 2>/dev/null | grep -o 'memlock [0-9]*' | cut -d' ' -f2)
        total=$((total + ${bytes:-0}))
    done
    awk -v b="$total" 'BEGIN{printf "%.1f", b / 1048576}'
}

# swiftlb_main_services: creates the web and bulk services (SLB_MODE, SLB_POOL) through the API.
swiftlb_main_services() {
    in_ns "$NS_LB" "$PYTHON" "$TOOLS_DIR/api_load.py" --port "$SLB_API_PORT" main --net "$NET_OCTET" \
        --servers "$TOPO_SERVERS" --mode "$SLB_MODE" --snat-sources "$SLB_POOL" >/dev/null || return 1
    SLB_CREATED=1
}

# swiftlb_shrink: back from the scale run's largest step to the main services alone (one DELETE
# of all, timed, then the main services again), so that one service is measured again after the
# largest step: the machine's drift during the run shows as a spread of the one-service figure
# instead of as a cost of scale.
swiftlb_shrink() {
    local start end
    [[ $SLB_CREATED -gt 1 ]] || return 0
    start=$(date +%s.%N)
    in_ns "$NS_LB" curl -s -o /dev/null --max-time 300 -X DELETE "${API_AUTH[@]}" \
        "http://127.0.0.1:$SLB_API_PORT/netlox/v1/config/loadbalancer/all" || return 1
    end=$(date +%s.%N)
    record control swiftlb "$SLB_CREATED" delete_all_s "$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.3f", b - a}')"
    record control swiftlb "$SLB_CREATED" delete_all_services "$((SLB_CREATED + 1))"
    swiftlb_main_services
}

swiftlb_down() {
    local start end out deleted=0 first
    # After the scale run (the main contenders have 3 services): above 1000 services, the upper
    # half of the idle services one DELETE each over SLB_API_CLIENTS connections, then the rest
    # with one DELETE all, both timed.
    if [[ $SLB_CREATED -gt 1000 ]]; then
        first=$(((SLB_CREATED - 1) / 2))
        if out=$(in_ns "$NS_LB" "$PYTHON" "$TOOLS_DIR/api_load.py" --port "$SLB_API_PORT" delete --net "$NET_OCTET" \
            --from "$first" --to $((SLB_CREATED - 1)) --clients "$SLB_API_CLIENTS"); then
            deleted=$((SLB_CREATED - 1 - first))
            record control swiftlb "$SLB_CREATED" delete_each_s "${out##* }"
            record control swiftlb "$SLB_CREATED" deleted "$deleted"
            record control swiftlb "$SLB_CREATED" delete_clients "$SLB_API_CLIENTS"
        else
            echo "warning: swiftlb: deleting services $first..$((SLB_CREATED - 2)) one by one failed" >&2
        fi
    fi
    if [[ $SLB_CREATED -gt 3 ]]; then
        start=$(date +%s.%N)
        in_ns "$NS_LB" curl -s -o /dev/null --max-time 120 -X DELETE "${API_AUTH[@]}" \
            "http://127.0.0.1:$SLB_API_PORT/netlox/v1/config/loadbalancer/all" &&
            end=$(date +%s.%N) &&
            record control swiftlb "$SLB_CREATED" delete_all_s "$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.3f", b - a}')" &&
            record control swiftlb "$SLB_CREATED" delete_all_services "$((SLB_CREATED - deleted))"
    fi
    bg_stop daemon TERM 15 || true
    timeout 30 nsenter --net="/run/netns/$NS_LB" -- "$SWIFTLB" cleanup --bpffs "$BPFFS_DIR" >>"$DAEMON_LOG" 2>&1 || true
    rm -rf "$BPFFS_DIR"
    SLB_CREATED=0
}

# rss_mib PID: resident set size in MiB, without the BPF maps mapped into the process (the
# conntrack table: 80 MiB at the default --ct-entries, all of it resident once initialized).
rss_mib() { smaps_rss "$1" | awk '{printf "%.1f", $1 - $2}'; }

# bpf_map_rss_mib PID: the resident part of the BPF maps mapped into the process, in MiB.
bpf_map_rss_mib() { smaps_rss "$1" | awk '{printf "%.1f", $2}'; }

# smaps_rss PID: "TOTAL BPFMAPS" resident MiB from /proc/PID/smaps ("nan nan" when unreadable).
smaps_rss() {
    awk '/^[0-9a-f]+-[0-9a-f]+ / { in_map = ($0 ~ /bpf-map/) }
         /^Rss:/ { total += $2; if (in_map) maps += $2 }
         END { if (NR) printf "%.1f %.1f\n", total / 1024, maps / 1024; else print "nan nan" }' \
        "/proc/$1/smaps" 2>/dev/null || echo "nan nan"
}
