#!/usr/bin/env bash
# SwiftLB against its peers on one namespace topology, in one run (docs/benchmarks.md).
#
#   sudo bench/run.sh            full run (about 12 minutes on 2 cores)
#   sudo bench/run.sh --quick    smoke run (under 3 minutes): 1 repetition of 1 s, scale 1 and 100
#   options: --servers N (default 3)  --skip-build  --out DIR (default bench/results)
#   environment: SWIFTLB_BIN_DIR (binaries to use instead of a release build),
#                BENCH_PREFIX (namespace prefix, default slbbn), BENCH_FIXTURE_NETNS (slbfx-b),
#                BENCH_ONLY (space-separated parts to run: contender names, scale-NAME, churn, datapath,
#                floor), BENCH_SWIFTLB_SCALES (sizes of SwiftLB's scale run, e.g. "1 100000"), BENCH_DURATION / BENCH_REPS / BENCH_CONNECTIONS (full run: 3 s, 3, 16),
#                BENCH_CHURN_WINDOWS / BENCH_CHURN_SECONDS / BENCH_CHURN_CONNS (full run: 6, 10 s, 64)
#
# Builds client, LB and N server namespaces joined by veth pairs (e2e/lib/topology.sh), starts
# nginx (HTTP :8080) and iperf3 in the servers, then for each contender in turn on a fresh copy
# of the topology: plain routing (the ceiling), SwiftLB in each NAT mode, iptables and nftables
# DNAT laid out like kube-proxy, HAProxy (TCP mode) and nginx stream. It measures HTTP requests/s
# with keep-alive, new connections/s, latency p50/p99 (wrk), TCP throughput and 64-byte UDP
# packets/s (iperf3) and CPU per request; then the scale run (1..10,000 services for iptables
# and nftables, 1..100,000 for SwiftLB), sustained churn (60 s of short connections for each SwiftLB NAT mode,
# iptables and HAProxy, the rate per 10 s window), SwiftLB's control-plane cost, the per-packet
# datapath cost through BPF_PROG_TEST_RUN (bench/DatapathBench) and the platform floor of single
# operations (bench/floor.sh).
# Writes bench/results/<date>-<mode>.md (+ .tsv, plots, <date>-floor.md).
# Every load generator stops by itself; everything started is stopped on exit, even on Ctrl-C.
set -uo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
TOOLS_DIR=$BENCH_DIR/tools
# shellcheck source=../e2e/lib/common.sh
source "$ROOT/e2e/lib/common.sh"
# shellcheck source=../e2e/lib/nginx.sh
source "$ROOT/e2e/lib/nginx.sh"
# shellcheck source=../e2e/lib/netstat.sh
source "$ROOT/e2e/lib/netstat.sh"
for f in "$BENCH_DIR"/lib/*.sh "$BENCH_DIR"/lib/contenders/*.sh; do
    # shellcheck disable=SC1090
    source "$f"
done

MODE=full SERVERS=3 BUILD=yes OUT_DIR=$BENCH_DIR/results
while [[ $# -gt 0 ]]; do
    case "$1" in
    --quick) MODE=quick ;;
    --full) MODE=full ;;
    --servers) SERVERS=$2 && shift ;;
    --skip-build) BUILD=no ;;
    --out) OUT_DIR=$2 && shift ;;
    -h | --help) sed -n '2,24p' "$0" && exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2 && exit 2 ;;
    esac
    shift
done
if [[ $MODE == quick ]]; then
    DUR=1 REPS=1 SCALES=(1 100) DP_ARGS=(--quick) FLOOR_ARGS=(--quick)
    CHURN_WINDOWS=${BENCH_CHURN_WINDOWS:-2} CHURN_SECONDS=${BENCH_CHURN_SECONDS:-1}
else
    DUR=${BENCH_DURATION:-3} REPS=${BENCH_REPS:-3} SCALES=(1 100 1000 10000) DP_ARGS=() FLOOR_ARGS=()
    # SwiftLB goes on to 100,000 services; iptables and nftables stop at 10,000 (their rule
    # loads grow superlinearly, and kube-proxy's own limits are lower).
    SWIFTLB_SCALES=(1 100 1000 10000 100000)
    CHURN_WINDOWS=${BENCH_CHURN_WINDOWS:-6} CHURN_SECONDS=${BENCH_CHURN_SECONDS:-10}
fi
CHURN_CONNS=${BENCH_CHURN_CONNS:-64}
[[ -v SWIFTLB_SCALES ]] || SWIFTLB_SCALES=("${SCALES[@]}")
# BENCH_SWIFTLB_SCALES="1 100000": only those steps of SwiftLB's scale run.
# shellcheck disable=SC2206 # word splitting intended
[[ -n ${BENCH_SWIFTLB_SCALES:-} ]] && SWIFTLB_SCALES=($BENCH_SWIFTLB_SCALES)
# The main table interleaves contenders: round r measures every contender once, so a burst of
# load from elsewhere on the machine lands on all of them rather than on one. The scale runs
# repeat in place (SCALE_REPS times per size) to keep the run bounded.
ROUNDS=$REPS SCALE_REPS=${BENCH_SCALE_REPS:-$((REPS > 2 ? 2 : REPS))}
CONNS=${BENCH_CONNECTIONS:-16}
BULK_PORT=5201
TOPO_SERVERS=$SERVERS
PYTHON=/usr/bin/python3
[[ -x $PYTHON ]] || PYTHON=$(command -v python3)
require_root

missing=()
for tool in wrk iperf3 haproxy nginx nft iptables iptables-restore curl nsenter; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "error: missing ${missing[*]}: run scripts/install-deps.sh" >&2
    exit 2
fi

# wanted PART: whether BENCH_ONLY (default: everything) includes PART.
wanted() { [[ -z "${BENCH_ONLY:-}" || " $BENCH_ONLY " == *" $1 "* ]]; }
NEED_BINS=no
for part in swiftlb-dnat swiftlb-onearm swiftlb-fullnat scale-swiftlb churn datapath; do
    wanted "$part" && NEED_BINS=yes
done

# ---------------------------------------------------------------- binaries
if [[ $NEED_BINS == no ]]; then
    SWIFTLB=/nonexistent BENCH_BIN=/nonexistent
elif [[ -z "${SWIFTLB_BIN_DIR:-}" ]]; then
    if [[ $BUILD == yes ]]; then
        say "building the release binaries (swift build -c release)"
        (cd "$ROOT" && swift build -c release 2>&1 | grep -E "error|warning: unre|Compiling BPF|Build complete") ||
            true
    fi
    SWIFTLB_BIN_DIR=$(cd "$ROOT" && swift build -c release --show-bin-path)
fi
if [[ $NEED_BINS == yes ]]; then
    resolve_bins || exit 2
    BENCH_BIN=$BIN_DIR/swiftlb-bench
    [[ -x $BENCH_BIN ]] || { echo "error: $BENCH_BIN not built" >&2 && exit 2; }
fi

# ---------------------------------------------------------------- state and cleanup
PREFIX=${BENCH_PREFIX:-slbbn}
FIXTURE_NS=${BENCH_FIXTURE_NETNS:-slbfx-b}
env_init "$PREFIX" "$(mktemp -d /tmp/swiftlb-bench.XXXXXX)"
VIP_BULK=10.$NET_OCTET.100.2
LOG_DIR=$STATE_DIR/logs
mkdir -p "$LOG_DIR" "$OUT_DIR"
STAMP=$(date -u +%Y-%m-%dT%H%MZ)
RESULTS_TSV=$OUT_DIR/$STAMP-$MODE.tsv
: >"$RESULTS_TSV"
START_S=$(date +%s)
CURRENT=""

cleanup() {
    trap - EXIT INT TERM
    [[ -n $CURRENT ]] && "${CURRENT}_down" >/dev/null 2>&1
    servers_down >/dev/null 2>&1
    bg_stop_all_but_daemon >/dev/null 2>&1
    bg_stop daemon KILL 2 >/dev/null 2>&1
    topo_down "$PREFIX" 2>/dev/null
    ip netns del "$FIXTURE_NS" 2>/dev/null
    rm -rf "$BPFFS_DIR"
    [[ ${KEEP_STATE:-0} == 1 ]] || rm -rf "$STATE_DIR"
}
trap cleanup EXIT
trap 'echo "interrupted: cleaning up" >&2; exit 130' INT TERM

# fresh_topology: a new copy of the namespaces and backends for the next contender (the quick
# run keeps one copy: SwiftLB runs before the netfilter contenders, whose state could linger).
TOPO_READY=no
fresh_topology() {
    [[ $MODE == quick && $TOPO_READY == yes ]] && return 0
    servers_down >/dev/null 2>&1
    topo_up "$PREFIX" || return 1
    in_ns "$NS_CLIENT" sysctl -qw net.ipv4.ip_local_port_range="1024 65000" net.ipv4.tcp_tw_reuse=1
    servers_up && TOPO_READY=yes
}

# contender NAME FUNC [ARG]: runs the main measurements of one contender.
contender() {
    local name=$1 func=$2 arg=${3:-}
    wanted "$name" || return 0
    say "$name ($(($(date +%s) - START_S)) s)"
    fresh_topology || { echo "topology failed" >&2 && return 1; }
    CURRENT=$func
    if ! "${func}_up" $arg; then
        echo "warning: $name did not start; recorded as failed" >&2
        record main "$name" 1 failed 1
    else
        REPS=1 measure_http main "$name" 1 "$TARGET_WEB" both
        REPS=1 measure_paced main "$name" 1 "$TARGET_WEB"
        REPS=1 measure_bulk "$name" "$TARGET_BULK" "$BULK_UDP"
    fi
    "${func}_down"
    CURRENT=""
}

# scale NAME FUNC [ARG]: the same service grown to each size of SCALES (SWIFTLB_SCALES for
# swiftlb), traffic to one.
scale() {
    local name=$1 func=$2 arg=${3:-} services sizes=("${SCALES[@]}")
    wanted "scale-$name" || return 0
    [[ $name == swiftlb ]] && sizes=("${SWIFTLB_SCALES[@]}")
    say "$name at ${sizes[*]} services"
    fresh_topology || return 1
    CURRENT=$func
    if "${func}_up" $arg; then
        for services in "${sizes[@]}"; do
            "${func}_grow" "$services" || { echo "warning: $name could not grow to $services" >&2 && break; }
            REPS=$SCALE_REPS measure_http scale "$name" "$services" "$TARGET_WEB" both
        done
        # A-B-A: one service again after the largest step (contenders that can shrink).
        if [[ ${sizes[0]} == 1 && ${#sizes[@]} -gt 1 ]] && declare -F "${func}_shrink" >/dev/null; then
            "${func}_shrink" && REPS=$SCALE_REPS measure_http scale "$name" 1 "$TARGET_WEB" both
        fi
    fi
    "${func}_down"
    CURRENT=""
}

# churn NAME FUNC [ARG]: short connections over CHURN_WINDOWS x CHURN_SECONDS on a fresh topology.
churn() {
    local name=$1 func=$2 arg=${3:-}
    wanted churn || return 0
    say "$name: churn, $CHURN_WINDOWS x ${CHURN_SECONDS}s of short connections"
    TOPO_READY=no
    fresh_topology || return 1
    CURRENT=$func
    if SLB_BENCH_CT_ENTRIES=1048576 "${func}_up" $arg; then
        measure_churn "$name" "$TARGET_WEB"
    else
        echo "warning: $name did not start for the churn run" >&2
    fi
    "${func}_down"
    CURRENT=""
}

say "benchmark ($MODE): $SERVERS servers, ${DUR}s x $REPS per metric, prefix $PREFIX, results $RESULTS_TSV"
for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
    [[ $ROUNDS -gt 1 ]] && say "round $ROUND of $ROUNDS"
    contender routing routing
    contender swiftlb-dnat swiftlb 0
    contender swiftlb-onearm swiftlb 1
    contender swiftlb-fullnat swiftlb 2
    contender iptables iptables
    contender nftables nftables
    contender haproxy haproxy
    contender nginx nginx
done
ROUND=churn
churn swiftlb-dnat swiftlb 0
churn swiftlb-onearm swiftlb 1
churn swiftlb-fullnat swiftlb 2
churn iptables iptables
churn haproxy haproxy
ROUND=scale
# Room for the largest step (plus the main and bulk services): --max-services.
SLB_BENCH_MAX_SERVICES=$(printf '%s\n' "${SWIFTLB_SCALES[@]}" | sort -n | tail -1)
SLB_BENCH_MAX_SERVICES=$((SLB_BENCH_MAX_SERVICES > 65000 ? SLB_BENCH_MAX_SERVICES + 1024 : 0))
[[ $SLB_BENCH_MAX_SERVICES == 0 ]] && SLB_BENCH_MAX_SERVICES=""
SLB_BENCH_MAX_SERVICES=$SLB_BENCH_MAX_SERVICES scale swiftlb swiftlb 0
scale iptables iptables
scale nftables nftables
servers_down
topo_down "$PREFIX"
TOPO_READY=no

DATAPATH_MD=$OUT_DIR/$STAMP-$MODE.datapath.md
if wanted datapath; then
    say "datapath cost per packet (BPF_PROG_TEST_RUN) in namespace $FIXTURE_NS"
    FIXTURE_NETNS=$FIXTURE_NS "$ROOT/scripts/fixture-netns.sh" up
    timeout 600 ip netns exec "$FIXTURE_NS" "$BENCH_BIN" "${DP_ARGS[@]}" >"$DATAPATH_MD" ||
        echo "warning: the datapath benchmark failed" >&2
    FIXTURE_NETNS=$FIXTURE_NS "$ROOT/scripts/fixture-netns.sh" down
fi

FLOOR_MD=$OUT_DIR/$STAMP-floor.md
if wanted floor; then
    say "platform floor: single operations (bench/floor.sh)"
    timeout 300 "$BENCH_DIR/floor.sh" "${FLOOR_ARGS[@]}" --out "$FLOOR_MD" >/dev/null ||
        echo "warning: the platform floor failed" >&2
fi

ELAPSED=$(($(date +%s) - START_S))
say "writing the report (run took ${ELAPSED}s)"
"$PYTHON" "$TOOLS_DIR/report.py" --tsv "$RESULTS_TSV" --datapath "$DATAPATH_MD" --floor "$FLOOR_MD" --mode "$MODE" \
    --servers "$SERVERS" --duration "$DUR" --reps "$REPS interleaved rounds (scale: $SCALE_REPS per size)" --elapsed "$ELAPSED" \
    --out "$OUT_DIR/$STAMP-$MODE.md" --plots "$OUT_DIR/$STAMP-$MODE" || exit 1
cat "$OUT_DIR/$STAMP-$MODE.md"
echo "report: $OUT_DIR/$STAMP-$MODE.md"
