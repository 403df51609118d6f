# shellcheck shell=bash
# Load generators of the benchmark, all run in the client namespace and bounded in time
# (wrk -d, iperf3 -t, each under `timeout`). Every repetition appends one line per metric to
# RESULTS_TSV: SECTION CONTENDER SERVICES METRIC VALUE. Sourced.
#
# Uses DUR (seconds per run), REPS (repetitions per call), ROUND (label of the caller's round,
# part of the log names), CONNS, TOOLS_DIR, PYTHON, LB_PIDS (userspace LB processes whose CPU
# time is charged per request; empty for in-kernel datapaths).

record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS_TSV"; }

# host_busy: busy jiffies of all CPUs (user nice system irq softirq steal).
host_busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }

# lb_ticks: utime+stime of LB_PIDS and their children (proxy workers), in jiffies.
lb_ticks() {
    local total=0 pid child stat
    for pid in $LB_PIDS; do
        for child in $pid $(ps -o pid= --ppid "$pid" 2>/dev/null); do
            stat=$(cat "/proc/$child/stat" 2>/dev/null) || continue
            stat=${stat##*) }
            # shellcheck disable=SC2086
            set -- $stat
            total=$((total + ${12} + ${13}))
        done
    done
    echo "$total"
}

# run_wrk OUT URL [HEADER]: one bounded wrk run from the client namespace.
run_wrk() {
    local out=$1 url=$2
    shift 2
    timeout -k 2 $((DUR + 15)) nsenter --net="/run/netns/$NS_CLIENT" -- \
        wrk -t1 -c"$CONNS" -d"${DUR}s" --latency --timeout 2s "$@" "$url" >"$out" 2>&1 || true
}

# measure_http SECTION CONTENDER SERVICES URL [keepalive|short|both]
measure_http() {
    local section=$1 contender=$2 services=$3 url=$4 what=${5:-both} rep out line b0 b1 l0 l1 hz
    local rps p50 p99 requests errors
    hz=$(getconf CLK_TCK)
    for ((rep = 1; rep <= REPS; rep++)); do
        if [[ $what != short ]]; then
            out=$LOG_DIR/$section-$contender-$services-ka-${ROUND:-1}-$rep.txt
            b0=$(host_busy) l0=$(lb_ticks)
            run_wrk "$out" "$url"
            b1=$(host_busy) l1=$(lb_ticks)
            read -r rps p50 p99 requests errors <<<"$("$PYTHON" "$TOOLS_DIR/parse.py" wrk "$out")"
            record "$section" "$contender" "$services" rps "$rps"
            record "$section" "$contender" "$services" p50_ms "$p50"
            record "$section" "$contender" "$services" p99_ms "$p99"
            record "$section" "$contender" "$services" errors "$errors"
            if [[ "$requests" -gt 0 ]]; then
                record "$section" "$contender" "$services" host_cpu_us "$(awk -v d=$((b1 - b0)) -v h="$hz" -v r="$requests" 'BEGIN{printf "%.2f", d / h * 1e6 / r}')"
                [[ -z "$LB_PIDS" ]] ||
                    record "$section" "$contender" "$services" lb_cpu_us "$(awk -v d=$((l1 - l0)) -v h="$hz" -v r="$requests" 'BEGIN{printf "%.2f", d / h * 1e6 / r}')"
            fi
        fi
        if [[ $what != keepalive ]]; then
            out=$LOG_DIR/$section-$contender-$services-cc-${ROUND:-1}-$rep.txt
            run_wrk "$out" "$url" -H "Connection: close"
            read -r rps p50 p99 requests errors <<<"$("$PYTHON" "$TOOLS_DIR/parse.py" wrk "$out")"
            record "$section" "$contender" "$services" cps "$rps"
            record "$section" "$contender" "$services" cps_p99_ms "$p99"
            record "$section" "$contender" "$services" cps_errors "$errors"
        fi
    done
}

# measure_paced SECTION CONTENDER SERVICES URL: keep-alive requests paced by bench/tools/paced.lua
# (each of the CONNS connections waits PACED_DELAY_MS after a response), for latency below saturation.
measure_paced() {
    local section=$1 contender=$2 services=$3 url=$4 rep out rps p50 p99 requests errors
    for ((rep = 1; rep <= REPS; rep++)); do
        out=$LOG_DIR/$section-$contender-$services-paced-${ROUND:-1}-$rep.txt
        run_wrk "$out" "$url" -s "$TOOLS_DIR/paced.lua"
        read -r rps p50 p99 requests errors <<<"$("$PYTHON" "$TOOLS_DIR/parse.py" wrk "$out")"
        record "$section" "$contender" "$services" paced_rps "$rps"
        record "$section" "$contender" "$services" paced_p50_ms "$p50"
        record "$section" "$contender" "$services" paced_p99_ms "$p99"
        record "$section" "$contender" "$services" paced_errors "$errors"
    done
}

# measure_bulk CONTENDER HOST [UDP:yes|no]: iperf3 TCP throughput and 64-byte UDP packets/s.
measure_bulk() {
    local contender=$1 host=$2 udp=${3:-yes} rep out
    for ((rep = 1; rep <= REPS; rep++)); do
        out=$LOG_DIR/main-$contender-tcp-${ROUND:-1}-$rep.json
        timeout -k 2 $((DUR + 15)) nsenter --net="/run/netns/$NS_CLIENT" -- \
            iperf3 -c "$host" -p "$BULK_PORT" -t "$DUR" -J >"$out" 2>&1 || true
        record main "$contender" 1 tcp_gbps "$("$PYTHON" "$TOOLS_DIR/parse.py" iperf "$out")"
        if [[ $udp == yes ]]; then
            out=$LOG_DIR/main-$contender-udp-${ROUND:-1}-$rep.json
            timeout -k 2 $((DUR + 15)) nsenter --net="/run/netns/$NS_CLIENT" -- \
                iperf3 -c "$host" -p "$BULK_PORT" -u -b 0 -l 64 -t "$DUR" -J >"$out" 2>&1 || true
            record main "$contender" 1 udp_pps "$("$PYTHON" "$TOOLS_DIR/parse.py" udp "$out")"
        fi
        sleep 0.3 # iperf3's server takes a moment before it accepts the next test
    done
}

# ns_netstat NS NAME: the kernel counter NAME of namespace NS (e2e/lib/netstat.sh).
ns_netstat() { tcp_counters "$1" | counter_of - "$2"; }

# servers_netstat NAME: NAME summed over the server namespaces.
servers_netstat() {
    local k total=0 value
    for ((k = 1; k <= TOPO_SERVERS; k++)); do
        value=$(ns_netstat "${NS_SRV[k]}" "$1")
        total=$((total + ${value:-0}))
    done
    echo "$total"
}

# measure_churn CONTENDER URL: short connections (Connection: close, wrk 2 threads x CHURN_CONNS)
# for CHURN_WINDOWS back-to-back windows of CHURN_SECONDS, one cps value per window, so a rate
# that collapses over time shows as falling windows. Over the whole span it also records the
# client's SYN retransmissions and the servers' PAWS rejections of SYNs meeting TIME_WAIT.
measure_churn() {
    local contender=$1 url=$2 w out rps p50 p99 requests errors retrans paws
    retrans=$(ns_netstat "$NS_CLIENT" TcpExtTCPSynRetrans)
    paws=$(servers_netstat TcpExtPAWSTimewait)
    for ((w = 1; w <= CHURN_WINDOWS; w++)); do
        out=$LOG_DIR/churn-$contender-$w.txt
        timeout -k 2 $((CHURN_SECONDS + 15)) nsenter --net="/run/netns/$NS_CLIENT" -- \
            wrk -t2 -c"$CHURN_CONNS" -d"${CHURN_SECONDS}s" --timeout 2s -H "Connection: close" "$url" \
            >"$out" 2>&1 || true
        read -r rps p50 p99 requests errors <<<"$("$PYTHON" "$TOOLS_DIR/parse.py" wrk "$out")"
        record churn "$contender" "$w" cps "$rps"
        record churn "$contender" "$w" errors "$errors"
    done
    record churn "$contender" 0 syn_retrans $(($(ns_netstat "$NS_CLIENT" TcpExtTCPSynRetrans) - ${retrans:-0}))
    record churn "$contender" 0 paws_timewait $(($(servers_netstat TcpExtPAWSTimewait) - ${paws:-0}))
}
