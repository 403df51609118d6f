# shellcheck shell=bash
# The HA failover scenarios (issue 16: e2e/ha_failover, ha_return, ha_bgp): two swiftlb instances
# (lb1 priority 200, lb2 priority 100) on the bridged topology of ha_topology.sh, 20 long TCP
# streams and a sequence of short connections through the VIP (tools/failover_probe.py, against
# stream.py echo servers on srv1..3:9000), the MASTER SIGKILLed and cut off, the BACKUP taking
# over. Sourced after common.sh.
#
# Environment (besides common.sh's):
#   SLB_HA_MODES     NAT modes to run, space-separated (default "default onearm fullnat")
#   SLB_HA_SINGLE=1  negative control: lb1 alone, without HA flags (the VIP and the gateway
#                    address put on its interfaces by hand); a kill must then break the streams
#   SLB_HA_MANUAL=1  scripted takeover (a baseline without the daemon's HA): both instances without
#                    HA flags; the script moves the VIP and the gateway from lb1 to lb2 itself,
#                    SLB_HA_MANUAL_DELAY s (default 0.6, BFD's 200 ms x 3) after the kill, and
#                    sends 3 gratuitous ARPs 200 ms apart (tools/garp.py); no conntrack sync
#   SLB_HA_CONTROLLER=1  roles set through the API (POST /config/cistate), as an external
#                    controller would (kube-loxilb --setRoles): no --ha-peers, no election; the
#                    script makes lb2 MASTER SLB_HA_MANUAL_DELAY s after the kill (the daemons still
#                    hold, announce and release the addresses)
#   SLB_HA_RULE_SNAT=1  onearm and fullnat rules get --snat-sources=10.N.2.1 (the floating
#                    address) of their own, besides the daemons' --fullnat-source/--onearm-source
#   SLB_HA_ONEARM_SOURCE=0  the daemons run without --onearm-source: onearm flows leave from the
#                    interface's own address, and break on a takeover (the control for that flag)
#   SLB_HA_OWN_SYSFS=1  run the daemons with a /sys of their own network namespace
#                    (tools/netns_sysfs.sh); by default they share the host's, as every e2e daemon
#                    (nsenter --net), so /sys/class/net names the host's interfaces
#   SLB_HA_TRIGGER   kill (default: SIGKILL lb1's daemon and cut its links) or none (just traffic)
#   SLB_HA_STREAMS   long streams (default 20)
#   SLB_HA_MAX_GAP   the target for the longest gap, seconds (default 1.0)
#   SLB_HA_ARGS      extra arguments for both daemons, split on spaces
#
# Every measured run prints one line for tools/ha_table.sh:
#   row scenario=... mode=... trigger=... max_gap=... who=... broken_streams=... failed_short=...
#       takeover_ms=... roles=... pass=yes|no

source "$(dirname "${BASH_SOURCE[0]}")/ha_topology.sh"

HA_PORT=9000
HA_PRIORITY=("" 200 100)

# ha_init SCENARIO DEFAULT_PREFIX [bgp]: scenario_init with an slbha* prefix, then the HA names:
# per instance I (1, 2) LB_DIR[I] LB_DB[I] LB_LOG[I] LB_BPFFS[I]; HA_ENDPOINTS.
ha_init() {
    SLB_PREFIX=${SLB_PREFIX:-$2}
    scenario_init "$1"
    ha_vars "$PREFIX" "${3:-}" || exit 2
    local i
    LB_DIR=("")
    LB_DB=("")
    LB_LOG=("")
    LB_BPFFS=("")
    for i in 1 2; do
        LB_DIR[i]=$STATE_DIR/lb$i
        LB_DB[i]=$STATE_DIR/lb$i/config.db
        LB_LOG[i]=$STATE_DIR/daemon$i.log
        LB_BPFFS[i]=/sys/fs/bpf/$PREFIX$i
    done
    HA_ENDPOINTS="${SRV_IP[1]}:1,${SRV_IP[2]}:1,${SRV_IP[3]}:1"
    HA_MODES=${SLB_HA_MODES:-default onearm fullnat}
    # shellcheck disable=SC2034 # read by the check scripts
    HA_TRIGGER=${SLB_HA_TRIGGER:-kill}
    HA_STREAMS=${SLB_HA_STREAMS:-20}
    HA_MAX_GAP=${SLB_HA_MAX_GAP:-1.0}
    HA_SINGLE=${SLB_HA_SINGLE:-}
    HA_MANUAL=${SLB_HA_MANUAL:-}
    HA_CTRL=${SLB_HA_CONTROLLER:-}
    HA_MANUAL_DELAY=${SLB_HA_MANUAL_DELAY:-0.6}
}

# ---------------------------------------------------------------- environment

# ha_setup garp|bgp: topology, echo servers on srv1..3 (and bird2 with bgp). Exits via fail().
ha_setup() {
    [[ "$1" == garp || "$1" == bgp ]] || fail "ha_setup: want garp or bgp, not '$1'"
    resolve_bins || fail "binaries missing (see above)"
    ensure_bpffs || fail "bpffs"
    local tool
    if [[ "$1" == bgp ]]; then
        for tool in bird birdc gobgpd; do
            command -v "$tool" >/dev/null || fail "$tool is missing (scripts/install-deps.sh installs bird2 and gobgpd)"
        done
    fi
    ha_teardown >/dev/null 2>&1
    mkdir -p "$STATE_DIR/pids"
    rm -f "$STATE_DIR"/{daemon1,daemon2,probe,roles,bird}.log
    say "HA topology $PREFIX ($1): 10.$NET_OCTET.0.0/16, VIP $HA_VIP, servers' gateway $HA_GW"
    ha_topo_up "$PREFIX" "$([[ "$1" == bgp ]] && echo bgp)" || fail "could not build the topology"
    say "echo servers on srv1..3:$HA_PORT"
    servers_start_stream "$HA_PORT" || fail "stream servers did not start"
    if [[ "$1" == bgp ]]; then
        say "bird2 in $NS_RTR (AS $RTR_AS), BGP to both instances"
        ha_bird_start || fail "bird did not start"
    fi
}

# ha_teardown: everything stopped by PID, pins and databases removed, namespaces deleted.
ha_teardown() {
    ha_reset
    bg_stop_all_but_daemon
    ha_topo_down "$PREFIX"
    rm -f "$STATE_DIR/bird.ctl"
}

# ha_reset: ends one measured run so that the next starts clean: probe, watcher and both daemons
# stopped (a gobgpd that outlived its daemon too), the datapath detached and unpinned, databases
# removed, links restored, addresses the daemons left on their interfaces removed, neighbour
# caches flushed.
ha_reset() {
    local i name pid ns
    for name in probe roles; do bg_stop "$name" TERM 3 2>/dev/null || true; done
    for i in 1 2; do
        if bg_alive "daemon$i"; then
            echo "----- e2e: stopping swiftlb (lb$i) at $(date '+%F %T.%N')" >>"${LB_LOG[i]}"
            bg_stop "daemon$i" TERM 10 || warn "swiftlb lb$i needed SIGKILL"
        fi
        rm -f "$STATE_DIR/pids/daemon$i.pid"
        if pid=$(gobgpd_pid "${LB_DIR[i]}/gobgp" 2>/dev/null); then
            warn "gobgpd $pid of lb$i outlived its swiftlb; stopping it"
            kill -TERM "$pid" 2>/dev/null
            sleep 1
            kill -KILL "$pid" 2>/dev/null
        fi
        ns=${NS_LBS[i]}
        if [[ -e "/run/netns/$ns" && -n "${SWIFTLB:-}" && -x "${SWIFTLB:-}" ]]; then
            timeout 30 nsenter --net="/run/netns/$ns" -- "$SWIFTLB" cleanup --bpffs "${LB_BPFFS[i]}" \
                >>"${LB_LOG[i]}" 2>&1 || warn "swiftlb cleanup in $ns failed"
        fi
        if topo_check_prefix "$PREFIX" 2>/dev/null && [[ -e "${LB_BPFFS[i]}" ]]; then
            rm -rf -- "${LB_BPFFS[i]}"
        fi
        [[ -z "${LB_DIR[i]}" || ! -d "${LB_DIR[i]}" ]] || rm -rf -- "${LB_DIR[i]}"
        if [[ -e "/run/netns/$NS_SW" ]]; then
            ha_restore_links "$i" 2>/dev/null
            ip -n "$ns" addr del "$HA_VIP/32" dev eth0 2>/dev/null
            ip -n "$ns" addr del "$HA_GW/32" dev eth1 2>/dev/null
        fi
    done
    for ns in "$NS_CLIENT" "$NS_RTR" "${NS_SRV[@]}"; do
        [[ ! -e "/run/netns/$ns" ]] || ip -n "$ns" neigh flush all 2>/dev/null
    done
    return 0
}

# ha_trap_teardown: like scenario_trap_teardown, with ha_teardown.
ha_trap_teardown() {
    trap 'exit 143' TERM
    trap 'exit 130' INT
    trap '_rc=$?; if ((_rc != 0)) && [[ -z "${SLB_RUNNER:-}" ]]; then ha_teardown >/dev/null 2>&1; fi' EXIT
}

# ---------------------------------------------------------------- daemons

# ha_daemon_args I: the HA flags of instance I (none with SLB_HA_SINGLE), the floating server-side
# address as fullnat/onearm source, --bgp in the BGP topology.
ha_daemon_args() {
    local i=$1 peer=$((3 - $1))
    HA_ARGS=(--fullnat-source "$HA_GW")
    [[ "${SLB_HA_ONEARM_SOURCE:-1}" == 0 ]] || HA_ARGS+=(--onearm-source "$HA_GW")
    if [[ -n "$HA_CTRL" ]]; then
        HA_ARGS+=(--ha-vip "$HA_GW")
    elif [[ -z "$HA_SINGLE" && -z "$HA_MANUAL" ]]; then
        HA_ARGS+=(--ha-peers "${LB_IP[peer]}" --ha-priority "${HA_PRIORITY[i]}" --ha-vip "$HA_GW")
        # The sync link authenticated with a shared key, as a deployment should run it.
        [[ -s "$STATE_DIR/ha-sync.key" ]] || head -c 32 /dev/urandom | base64 >"$STATE_DIR/ha-sync.key"
        HA_ARGS+=(--ha-sync-key-file "$STATE_DIR/ha-sync.key")
    fi
    [[ "$HA_BGP" != bgp ]] || HA_ARGS+=(--bgp)
    # shellcheck disable=SC2206 # split on spaces, as SLB_DAEMON_ARGS
    [[ -z "${SLB_HA_ARGS:-}" ]] || HA_ARGS+=(${SLB_HA_ARGS})
}

# ha_daemon_start I: swiftlb in lb I (its own bpffs directory, database and log); waits until
# its API says ready.
ha_daemon_start() {
    local i=$1
    ha_daemon_args "$i"
    mkdir -p "${LB_DIR[i]}"
    echo "----- e2e: starting swiftlb (lb$i) at $(date '+%F %T.%N'): ${HA_ARGS[*]}" >>"${LB_LOG[i]}"
    local wrap=()
    [[ "${SLB_HA_OWN_SYSFS:-}" != 1 ]] || wrap=(unshare --mount --propagation private "$E2E_DIR/tools/netns_sysfs.sh")
    bg_start "daemon$i" "${NS_LBS[i]}" "${wrap[@]}" "$SWIFTLB" run --api-host 127.0.0.1 --api-port "$SLB_API_PORT" \
        --api-token-file "$API_TOKEN_FILE" --bpffs "${LB_BPFFS[i]}" --config-db "${LB_DB[i]}" \
        --log-level "${SLB_LOG_LEVEL:-debug}" "${HA_ARGS[@]}" || return 1
    daemon_wait_ready "daemon$i" "${NS_LBS[i]}" "${LB_LOG[i]}" "swiftlb (lb$i)"
}

# ha_kill I: takes lb I off both segments and SIGKILLs its daemon, in that order, so that nothing
# it says while dying (the kernel's FIN on the sync link) reaches the peer: the BACKUP learns of
# the failure from BFD alone (the worst case). SLB_HA_KILL_FIRST=1 kills first, then cuts (the
# dying process's FIN may reach the peer first). Either way the datapath it leaves attached can no
# longer answer for the VIP.
ha_kill() {
    local i=$1 pid
    pid=$(bg_pid "daemon$i") || return 1
    if [[ "${SLB_HA_KILL_FIRST:-}" == 1 ]]; then
        echo "----- e2e: SIGKILL swiftlb (lb$i), then cut its links, at $(date '+%F %T.%N')" >>"${LB_LOG[i]}"
        kill -KILL "$pid" 2>/dev/null
        ha_cut_links "$i" || return 1
    else
        echo "----- e2e: cut the links of lb$i, then SIGKILL swiftlb, at $(date '+%F %T.%N')" >>"${LB_LOG[i]}"
        ha_cut_links "$i" || return 1
        # The cut takes a few commands: connections begun before this line may have used lb$i.
        HA_T_DOWN=$(date +%s.%N)
        echo "----- e2e: links of lb$i down at $(date -d "@$HA_T_DOWN" '+%F %T.%N')" >>"${LB_LOG[i]}"
        kill -KILL "$pid" 2>/dev/null
    fi
    bg_stop "daemon$i" KILL 5 # reaps it and removes the pid file
}

# ha_metric_lines I PREFIX: the samples of lb I's /metrics whose name starts with PREFIX.
ha_metric_lines() {
    local token
    token=$(awk '$2 == "admin" { print $3; exit }' "$API_TOKEN_FILE")
    ip netns exec "${NS_LBS[$1]}" curl -s --max-time 2 -H "Authorization: Bearer $token" \
        "http://127.0.0.1:$SLB_API_PORT/metrics" 2>/dev/null | grep "^$2" || true
}

# ha_metric I NAME: the value of sample NAME in lb I's /metrics (empty when absent).
ha_metric() {
    local token
    token=$(awk '$2 == "admin" { print $3; exit }' "$API_TOKEN_FILE")
    ip netns exec "${NS_LBS[$1]}" curl -s --max-time 2 -H "Authorization: Bearer $token" \
        "http://127.0.0.1:$SLB_API_PORT/metrics" 2>/dev/null | awk -v n="$2" '$1 == n { print $2; exit }'
}

# ha_role I: lb I's role of llb-inst0 (MASTER, BACKUP, NOT_DEFINED; "down" without an answer).
ha_role() {
    "$E2E_DIR/tools/ha_roles.sh" 0 1 "$SLB_API_PORT" "$API_TOKEN_FILE" "${NS_LBS[$1]}" | sed 's/.*=//'
}

# ha_wait_role I ROLE TIMEOUT_S: polls every 50 ms; sets HA_WAITED_MS.
ha_wait_role() {
    local i=$1 want=$2 t0 n
    t0=$(date +%s%3N)
    for ((n = 0; n < $3 * 20; n++)); do
        if [[ "$(ha_role "$i")" == "$want" ]]; then
            HA_WAITED_MS=$(($(date +%s%3N) - t0))
            return 0
        fi
        sleep 0.05
    done
    HA_WAITED_MS=$(($(date +%s%3N) - t0))
    return 1
}

# ha_rule I MODE: the service VIP:9000 -> srv1..3:9000 in MODE on lb I.
ha_rule() {
    local i=$1 mode=$2 out extra=()
    [[ "$HA_BGP" != bgp ]] || extra=(--bgp)
    # The rule's own source pool: onearm takes it instead of the egress interface's address.
    [[ "${SLB_HA_RULE_SNAT:-}" != 1 || "$mode" == default ]] || extra+=(--snat-sources="$HA_GW")
    out=$(ctl_in "${NS_LBS[i]}" create lb "$HA_VIP" --tcp="$HA_PORT:$HA_PORT" --endpoints="$HA_ENDPOINTS" \
        --mode="$mode" "${extra[@]}" 2>&1) || {
        echo "lb$i: swiftlbctl create lb --mode=$mode: $out"
        return 1
    }
}

# ha_vip_where: which instances hold the VIP (and the gateway address) on an interface.
ha_vip_where() {
    local i out=""
    for i in 1 2; do
        [[ -z "$(ip -n "${NS_LBS[i]}" -br addr show to "$HA_VIP/32" 2>/dev/null)" ]] || out+="lb$i:vip "
        [[ -z "$(ip -n "${NS_LBS[i]}" -br addr show to "$HA_GW/32" 2>/dev/null)" ]] || out+="lb$i:gw "
    done
    echo "${out:-none}"
}

# ha_start MODE: both daemons (lb1 first, so that it is MASTER), the rule on both; waits for
# lb1 MASTER and lb2 BACKUP. With SLB_HA_SINGLE only lb1, whose interfaces get the VIP and the
# gateway address by hand. Exits via fail().
ha_start() {
    local mode=$1 why
    say "$mode: swiftlb in lb1 (priority ${HA_PRIORITY[1]})${HA_SINGLE:+ alone, without HA flags}"
    why=$(ha_daemon_start 1) || fail "lb1's swiftlb did not start: ${why//$'\n'/; }"
    [[ "$HA_BGP" != bgp ]] || ha_bgp_configure 1 || fail "BGP configuration of lb1 failed"
    why=$(ha_rule 1 "$mode") || fail "$why"
    if [[ -n "$HA_SINGLE" || -n "$HA_MANUAL" ]]; then
        if [[ -n "$HA_MANUAL" ]]; then
            why=$(ha_daemon_start 2) || fail "lb2's swiftlb did not start: ${why//$'\n'/; }"
            [[ "$HA_BGP" != bgp ]] || ha_bgp_configure 2 || fail "BGP configuration of lb2 failed"
            why=$(ha_rule 2 "$mode") || fail "$why"
        fi
        ha_manual_take 1 || fail "could not put $HA_VIP and $HA_GW on lb1"
        ok "${HA_MANUAL:+scripted HA: }$HA_VIP and $HA_GW put on lb1 by hand"
        return 0
    fi
    [[ -z "$HA_CTRL" ]] || ha_set_role 1 MASTER || fail "POST cistate MASTER on lb1: $(api_body)"
    ha_wait_role 1 MASTER 15 || fail "lb1 did not become MASTER within 15 s (role $(ha_role 1))"
    ok "lb1 MASTER after $HA_WAITED_MS ms"
    say "$mode: swiftlb in lb2 (priority ${HA_PRIORITY[2]})"
    why=$(ha_daemon_start 2) || fail "lb2's swiftlb did not start: ${why//$'\n'/; }"
    [[ "$HA_BGP" != bgp ]] || ha_bgp_configure 2 || fail "BGP configuration of lb2 failed"
    why=$(ha_rule 2 "$mode") || fail "$why"
    [[ -z "$HA_CTRL" ]] || ha_set_role 2 BACKUP || fail "POST cistate BACKUP on lb2: $(api_body)"
    ha_wait_role 2 BACKUP 15 || fail "lb2 did not become BACKUP within 15 s (role $(ha_role 2))"
    ok "lb2 BACKUP after $HA_WAITED_MS ms; lb1 $(ha_role 1)"
    [[ "$(ha_role 1)" == MASTER ]] || fail "lb1 is $(ha_role 1) once lb2 joined, want MASTER (preempted?)"
}

# ha_set_role I ROLE: POST /config/cistate on lb I (SLB_HA_CONTROLLER).
ha_set_role() {
    local code
    code=$(api_in "${NS_LBS[$1]}" POST /netlox/v1/config/cistate \
        "{\"instance\":\"llb-inst0\",\"state\":\"$2\",\"vip\":\"$HA_GW\"}")
    [[ "$code" == 200 ]]
}

# ha_manual_take I: puts the VIP (GARP topology) and the gateway address on lb I and announces them
# (3 gratuitous ARPs 200 ms apart, in the background).
ha_manual_take() {
    local i=$1 ns=${NS_LBS[$1]}
    if [[ "$HA_BGP" != bgp ]]; then
        ip -n "$ns" addr add "$HA_VIP/32" dev eth0 || return 1
        in_ns "$ns" "$PYTHON" "$E2E_DIR/tools/garp.py" eth0 "$HA_VIP" >/dev/null 2>&1 &
    fi
    ip -n "$ns" addr add "$HA_GW/32" dev eth1 || return 1
    in_ns "$ns" "$PYTHON" "$E2E_DIR/tools/garp.py" eth1 "$HA_GW" >/dev/null 2>&1 &
}

# ha_settle_vip I [alone]: waits (5 s) until lb I holds the addresses it should and the other
# holds none; with "alone" the other is not looked at (cut off after a SIGKILL, it keeps what its
# dead daemon added).
ha_settle_vip() {
    local i=$1 want n got
    if [[ "$HA_BGP" == bgp ]]; then want="lb$i:gw "; else want="lb$i:vip lb$i:gw "; fi
    for ((n = 0; n < 50; n++)); do
        got=$(ha_vip_where)
        [[ "${2:-}" != alone ]] || got=$(grep -o "lb$i:[a-z]* " <<<"$got" | tr -d '\n')
        [[ "$got" == "$want" ]] && return 0
        sleep 0.1
    done
    echo "addresses: $(ha_vip_where), want ${want% }${2:+ (on lb$i)}"
    return 1
}

# ---------------------------------------------------------------- traffic

# ha_probe_start DURATION: failover_probe.py in the client namespace; returns 1 unless all streams
# and short connections flow within 5 s.
ha_probe_start() {
    local log=$STATE_DIR/probe.log n
    : >"$log"
    bg_start probe "$NS_CLIENT" "$PYTHON" "$E2E_DIR/tools/failover_probe.py" --host "$HA_VIP" --port "$HA_PORT" \
        --streams "$HA_STREAMS" --duration "$1" --max-gap "$HA_MAX_GAP" || return 1
    # SYN/FIN/RST and the short connections' data (64 bytes) on the client, the servers and both
    # load balancers, to trace a failed connection.
    local name
    for name in $(_ha_trace_points); do
        bg_start "flags-$name" "$(_ha_trace_ns "$name")" "$PYTHON" "$E2E_DIR/tools/tcp_flags_log.py" \
            --port "$HA_PORT" --payload 64 --duration "$(($1 + 40))" >/dev/null 2>&1 || true
    done
    for ((n = 0; n < 50; n++)); do
        grep -qE "^progress .* streams_ok=$HA_STREAMS short_ok=[1-9]" "$log" && return 0
        bg_alive probe || break
        sleep 0.1
    done
    tail -n 5 "$log"
    return 1
}

# _ha_trace_points: where the packet trace runs (client, lb1, lb2, srv1..N); _ha_trace_ns NAME: its namespace.
_ha_trace_points() {
    local k
    echo client lb1 lb2
    for ((k = 1; k <= TOPO_SERVERS; k++)); do echo "srv$k"; done
}
_ha_trace_ns() {
    case $1 in
    client) echo "$NS_CLIENT" ;;
    lb*) echo "${NS_LBS[${1#lb}]}" ;;
    srv*) echo "${NS_SRV[${1#srv}]}" ;;
    esac
}

# ha_probe_finish TIMEOUT_S: waits for the probe and reads its summary into PROBE_MAX_GAP PROBE_WHO
# PROBE_BROKEN_STREAMS PROBE_FAILED_SHORT PROBE_SHORT_OK PROBE_PASS; prints the broken streams, the
# short-connection line, the gaps over 0.3 s and the summary.
ha_probe_finish() {
    local log=$STATE_DIR/probe.log line
    bg_wait probe "$1"
    line=$(grep '^summary ' "$log" | tail -n 1)
    [[ -n "$line" ]] || { echo "probe printed no summary (exit $BG_RC): $(tail -n 3 "$log" | tr '\n' ' ')"; return 1; }
    grep -E '^stream [0-9]+ broken' "$log" | head -n 5 | sed 's/^/    /'
    grep -E '^(short|gap) ' "$log" | head -n 12 | sed 's/^/    /'
    # When each failed short connection began (compare with the kill's time in the daemon logs),
    # and its handshake packets as the client and the servers saw them.
    grep -E '^fail ' "$log" | head -n 5 | sed 's/^/    /'
    local name port
    for name in $(_ha_trace_points); do bg_stop "flags-$name" TERM 2 >/dev/null 2>&1; done
    for port in $(grep -oE 'who=short error=[^ ]*port=[0-9]+' "$log" | grep -oE '[0-9]+$' | head -n 3); do
        for name in $(_ha_trace_points); do
            grep -h ":$port " "$STATE_DIR/flags-$name.log" 2>/dev/null | head -n 16 | sed "s/^/    [$name] /"
        done
    done
    echo "    $line"
    PROBE_MAX_GAP=$(_kv max_gap "$line")
    PROBE_WHO=$(_kv who "$line")
    PROBE_BROKEN_STREAMS=$(_kv broken_streams "$line")
    PROBE_FAILED_SHORT=$(_kv failed_short "$line")
    PROBE_SHORT_OK=$(_kv short_ok "$line")
    PROBE_PASS=$(_kv pass "$line")
    PROBE_SLOWEST=$(_kv slowest_short "$line")
}

_kv() { # KEY LINE: the value of KEY=VALUE in LINE
    local w
    for w in $2; do [[ "$w" != "$1="* ]] || { echo "${w#*=}"; return 0; }; done
    echo "?"
}

# ha_gap_between T0 T1: the longest gap (s) the probe listed beginning in [T0 - 1, T1) — the silence
# an event at T0 caused began with the last byte before it — or 0 if none above 0.3 s.
ha_gap_between() {
    awk -v a="$1" -v b="$2" '
        /^gap t=/ { split($2, t, "="); split($3, l, "=");
                    if (t[2] + 0 >= a - 1 && t[2] + 0 < b && l[2] + 0 > m) m = l[2] + 0 }
        END { printf "%.3f\n", m + 0 }' "$STATE_DIR/probe.log"
}

# ha_roles_start INTERVAL COUNT: the role watcher (tools/ha_roles.sh) on both instances.
ha_roles_start() {
    : >"$STATE_DIR/roles.log"
    bg_start roles - "$E2E_DIR/tools/ha_roles.sh" "$1" "$2" "$SLB_API_PORT" "$API_TOKEN_FILE" \
        "${NS_LBS[1]}" "${NS_LBS[2]}"
}

# ha_roles_changes [SINCE]: the role sequence each instance went through (polls after SINCE),
# e.g. "lb1=MASTER>down lb2=BACKUP>MASTER".
ha_roles_changes() {
    awk -v since="${1:-0}" '
        { split($1, t, "="); if (t[2] + 0 < since) next
          for (f = 2; f <= NF; f++) { split($f, kv, "="); k = kv[1]; v = kv[2]
              if (!(k in last)) { order[++n] = k; seq[k] = v; last[k] = v }
              else if (last[k] != v) { seq[k] = seq[k] ">" v; last[k] = v } } }
        END { for (i = 1; i <= n; i++) printf "%s%s=%s", (i > 1 ? " " : ""), order[i], seq[order[i]]; print "" }' \
        "$STATE_DIR/roles.log"
}

# ha_row KEY=VALUE...: the line tools/ha_table.sh collects.
ha_row() { echo "row scenario=$SCENARIO $*"; }

# ha_logs_excerpt: the HA-related lines of both daemons' logs (for a failure's context).
ha_logs_excerpt() {
    local i
    for i in 1 2; do
        [[ -s "${LB_LOG[i]}" ]] || continue
        echo "    --- lb$i (HA/BFD/role/VIP lines of ${LB_LOG[i]})"
        grep -iE 'role|master|backup|bfd|garp|gratuitous|vip|sync|elect|----- e2e' "${LB_LOG[i]}" | tail -n 12 | sed 's/^/    | /'
    done
}

# ---------------------------------------------------------------- BGP

# ha_bird_start: bird2 in the router namespace with one session per instance. Routes are compared
# by LOCAL_PREF (allowed from eBGP here, as the MASTER advertises 5000 and the BACKUP 100) and then
# MED (10 / 20; both peers are in AS 65001). Only the best route goes to the kernel. BFD (100 ms x
# 3, as the instances run between themselves) takes the session of a dead instance down at once unless SLB_HA_BIRD_BFD=0; the hold time
# (3 s) is the fallback.
ha_bird_start() {
    local conf=$STATE_DIR/bird.conf sock=$STATE_DIR/bird.ctl i bfd=${SLB_HA_BIRD_BFD:-1}
    {
        echo "log \"$STATE_DIR/bird.log\" all;"
        echo "router id $RTR_LB_IP;"
        echo "protocol device { scan time 1; }"
        echo "protocol direct { ipv4; interface \"r0\"; }"
        echo "protocol kernel { ipv4 { import none; export where source = RTS_BGP; }; }"
        [[ "$bfd" != 1 ]] || echo "protocol bfd { interface \"r1\" { min rx interval 100 ms; min tx interval 100 ms; multiplier 3; }; }"
        for i in 1 2; do
            cat <<EOB
protocol bgp lb$i {
    local $RTR_LB_IP as $RTR_AS;
    neighbor ${LB_IP[i]} as $LB_AS;
    connect retry time 1;
    error wait time 1, 4;
    hold time 3;
    allow bgp_local_pref on;
    $([[ "$bfd" != 1 ]] || echo "bfd on;")
    ipv4 { import all; export where source = RTS_DEVICE; };
}
EOB
        done
    } >"$conf"
    rm -f "$sock"
    bg_start bird "$NS_RTR" bird -f -c "$conf" -s "$sock" -P "$STATE_DIR/bird.pid" || return 1
    for ((i = 0; i < 40; i++)); do
        [[ -S "$sock" ]] && return 0
        bg_alive bird || break
        sleep 0.25
    done
    tail -n 20 "$STATE_DIR/bird.log" "$STATE_DIR/bird.log" 2>/dev/null
    return 1
}

# ha_bgp_configure I: BGP global config and the router as neighbor on lb I; with bird's BFD on,
# a BFD session to the router too, so that bird sees a dead instance within 300 ms.
ha_bgp_configure() {
    local i=$1 ns=${NS_LBS[$1]} out
    bgp_configure "$ns" "${LB_IP[i]}" "$RTR_LB_IP" || return 1
    if [[ "${SLB_HA_BIRD_BFD:-1}" == 1 ]]; then
        out=$(ctl_in "$ns" create bfd "$RTR_LB_IP" --interval=100000 --retryCount=3 2>&1) ||
            { echo "lb$i: create bfd $RTR_LB_IP: $out"; return 1; }
    fi
}

# ha_rtr_best: the next hop of the router's kernel route to the VIP ("" without one).
ha_rtr_best() { rtr_nexthops "$HA_VIP"; }

# ha_rib: bird's routes to VIP/32, one line.
ha_rib() { timeout 10 birdc -s "$STATE_DIR/bird.ctl" show route for "$HA_VIP/32" all 2>&1 | tr -s ' \n' ' '; }

# ha_fails_between T0 T1: broken streams and failed short connections the probe listed in [T0, T1).
ha_fails_between() {
    awk -v a="$1" -v b="$2" '/^fail t=/ { split($2, t, "="); if (t[2] + 0 >= a && t[2] + 0 < b) n++ }
        END { print n + 0 }' "$STATE_DIR/probe.log"
}

# ---------------------------------------------------------------- one measured run

_ms_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
_ms_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }

HA_PRE=${SLB_HA_PRE:-4}       # seconds of traffic before the kill
HA_POST=${SLB_HA_POST:-8}     # after the kill (ha_failover)
HA_AWAY=${SLB_HA_AWAY:-6}     # the old MASTER's time away (ha_return)
HA_SETTLE=${SLB_HA_SETTLE:-10} # the settling window after its return (ha_return)

# ha_run MODE TRIGGER: one measured run on a fresh pair of daemons. TRIGGER: none (traffic only),
# kill (lb1 SIGKILLed and cut off: lb2 must take over) or return (the same, then lb1's links
# restored and its daemon started again with its database and pins: it must become BACKUP and
# nobody's role may change during the settling window). Prints the row; returns 1 with HA_WHY.
ha_run() {
    local mode=$1 trigger=$2 duration t_kill=0 t_ret=0 t_end takeover_ms=- join_ms=- roles why
    local gap_event=- fails_event=- extra route_ms=-
    HA_WHY=""
    ha_start "$mode"
    [[ "$HA_BGP" != bgp ]] || ha_bgp_wait_best 1 || { HA_WHY="$HA_BGP_WHY"; return 1; }
    case "$trigger" in
    none | kill) duration=$((HA_PRE + HA_POST)) ;;
    return) duration=$((HA_PRE + HA_AWAY + HA_SETTLE)) ;;
    *) fail "unknown trigger $trigger" ;;
    esac
    if [[ -z "$HA_SINGLE$HA_MANUAL" && "$HA_BGP" != bgp ]]; then
        why=$(ha_settle_vip 1) || { HA_WHY="$mode: before the kill: $why"; return 1; }
        ok "$mode: lb1 holds $HA_VIP and $HA_GW, lb2 neither"
    fi
    if ! wait_tcp "$NS_CLIENT" "$HA_VIP" "$HA_PORT" 40; then
        HA_WHY="$mode: $HA_VIP:$HA_PORT does not accept connections from the client within 10 s (client's neighbours: $(ip -n "$NS_CLIENT" neigh | tr '\n' ';'); addresses: $(ha_vip_where))"
        return 1
    fi
    ha_roles_start 0.1 $(((duration + 20) * 10)) || { HA_WHY="role watcher did not start"; return 1; }
    say "$mode: $HA_STREAMS streams + short connections every 20 ms to $HA_VIP:$HA_PORT for $duration s"
    ha_probe_start "$duration" || { HA_WHY="$mode: traffic through $HA_VIP did not flow: $(tail -n 3 "$STATE_DIR/probe.log" | tr '\n' ' ')"; return 1; }
    ok "$mode: $(grep '^progress' "$STATE_DIR/probe.log" | tail -n 1)"
    sleep "$HA_PRE"
    if [[ -z "$HA_MANUAL" && -z "$HA_SINGLE" ]]; then
        # The short connections are new flows: lb1 must have streamed them as its datapath wrote them.
        local events applied
        events=$(ha_metric 1 swiftlb_ha_sync_event_flows_sent_total)
        applied=$(ha_metric 2 swiftlb_ha_sync_flows_applied_total)
        [[ "${events:-0}" -gt 0 ]] || {
            HA_WHY="$mode: lb1 sent no flow as its datapath wrote it (swiftlb_ha_sync_event_flows_sent_total: ${events:-absent})"
            return 1
        }
        ok "$mode: before the kill lb1 had sent $events new flows as its datapath wrote them; lb2 applied ${applied:-?} flows"
    fi
    if [[ "$trigger" != none ]]; then
        say "$mode: cut lb1's links and SIGKILL its swiftlb${SLB_HA_KILL_FIRST:+ (kill first)}"
        t_kill=$(date +%s.%N)
        HA_T_DOWN=""
        ha_kill 1 || { HA_WHY="could not kill lb1"; return 1; }
        if [[ -n "$HA_CTRL" ]]; then
            sleep "$HA_MANUAL_DELAY"
            ha_set_role 2 MASTER || { HA_WHY="POST cistate MASTER on lb2: $(api_body)"; return 1; }
            ok "$mode: controller: lb2 set MASTER $(_ms_since "$t_kill") ms after the kill"
        fi
        if [[ -n "$HA_MANUAL" ]]; then
            sleep "$HA_MANUAL_DELAY"
            ha_manual_take 2 || { HA_WHY="could not move the addresses to lb2"; return 1; }
            takeover_ms=$(_ms_since "$t_kill")
            ok "$mode: scripted takeover: addresses on lb2 ${takeover_ms} ms after the kill, GARPs under way"
        elif [[ -z "$HA_SINGLE" ]]; then
            # With BGP the router's choice moves on its own (bird's BFD): timed first, from the kill.
            if [[ "$HA_BGP" == bgp ]]; then
                if ha_bgp_wait_best 2; then
                    route_ms=$(_ms_since "$t_kill")
                    ok "$mode: the router's best path is lb2's ${route_ms} ms after the kill"
                else
                    HA_WHY="$mode: after the kill: $HA_BGP_WHY"
                fi
            fi
            if ha_wait_role 2 MASTER 10; then
                takeover_ms=$(_ms_since "$t_kill")
                ok "$mode: lb2 MASTER ${takeover_ms} ms after the kill (cistate polled every 50 ms)"
            else
                HA_WHY=${HA_WHY:-"$mode: lb2 did not become MASTER within 10 s of the kill (role $(ha_role 2))"}
            fi
            if [[ -z "$HA_WHY" && "$HA_BGP" != bgp ]]; then
                why=$(ha_settle_vip 2 alone) || HA_WHY="$mode: after the takeover: $why"
                [[ -n "$HA_WHY" ]] || ok "$mode: lb2 holds $HA_VIP and $HA_GW"
            fi
        fi
    fi
    if [[ "$trigger" == return && -z "$HA_WHY" ]]; then
        sleep "$(awk -v a="$t_kill" -v b="$(date +%s.%N)" -v w="$HA_AWAY" 'BEGIN { s = a + w - b; print (s > 0 ? s : 0) }')"
        say "$mode: lb1 returns: links restored, swiftlb started again (same database and pins)"
        t_ret=$(date +%s.%N)
        ha_restore_links 1
        why=$(ha_daemon_start 1) || HA_WHY="lb1's swiftlb did not start again: ${why//$'\n'/; }"
        if [[ -z "$HA_WHY" ]]; then
            if ha_wait_role 1 BACKUP 10; then
                join_ms=$(_ms_since "$t_ret")
                ok "$mode: lb1 BACKUP ${join_ms} ms after its return"
            else
                HA_WHY="$mode: the returning lb1 did not become BACKUP within 10 s (role $(ha_role 1))"
            fi
        fi
    fi
    ha_probe_finish $((duration + 30)) || HA_WHY=${HA_WHY:-"$mode: the probe gave no result"}
    t_end=$(date +%s.%N)
    # The new MASTER's packet counters (drops and passes say where a failed connection went).
    note "lb2 counters: $(ha_metric_lines 2 swiftlb_packets_total | awk '$2 != 0 { sub(/.*reason="/, "", $1); sub(/"}/, "", $1); printf "%s=%s ", $1, $2 }')"
    bg_stop roles TERM 3
    if [[ "$trigger" == return ]]; then
        roles=$(ha_roles_changes "$t_ret")
        note "roles since the return: $roles"
        gap_event=$(ha_gap_between "$t_ret" "$t_end")
        fails_event=$(ha_fails_between "$t_ret" "$t_end")
        [[ -n "$HA_WHY" || "$(ha_role 2)" == MASTER ]] || HA_WHY="$mode: lb2 is $(ha_role 2) after the settling window, want MASTER"
        [[ -n "$HA_WHY" || "$roles" =~ lb2=MASTER( |$) ]] || HA_WHY="$mode: lb2 did not stay MASTER after lb1 returned: $roles"
        local lb1_master_re='lb1=[^ ]*MASTER' lb1_flap_re='lb1=[^ ]*BACKUP>'
        [[ -n "$HA_WHY" || ! "$roles" =~ $lb1_master_re ]] || HA_WHY="$mode: the returning lb1 became MASTER (preemption/flapping): $roles"
        [[ -n "$HA_WHY" || ! "$roles" =~ $lb1_flap_re ]] || HA_WHY="$mode: the returning lb1 left BACKUP again during the settling window: $roles"
        if [[ -z "$HA_WHY" && "$HA_BGP" != bgp ]]; then
            why=$(ha_settle_vip 2) || HA_WHY="$mode: after the return: $why"
        fi
    else
        roles=$(ha_roles_changes 0)
        note "roles: $roles"
        if [[ "$trigger" == kill ]]; then
            gap_event=$(ha_gap_between "$t_kill" "$t_end")
            fails_event=$(ha_fails_between "$t_kill" "$t_end")
        fi
    fi
    # A short connection begun while lb1's links were going down (between the cut's first command
    # and the last) may have been opened through lb1 and never synced: it was opened during the
    # failure, not before it, and is reported apart. Everything else must have survived.
    local during=0
    if [[ "$trigger" != none && -z "${SLB_HA_KILL_FIRST:-}" && -n "${HA_T_DOWN:-}" ]]; then
        during=$(ha_fails_between "$t_kill" "$(awk -v t="$HA_T_DOWN" 'BEGIN { printf "%.6f", t + 0.005 }')")
        ((during == 0)) || note "$mode: $during short connection(s) begun during the cut ($(_ms_between "$t_kill" "$HA_T_DOWN") ms) failed"
        if [[ "${PROBE_PASS:-}" != yes && "${PROBE_BROKEN_STREAMS:-}" == 0 && "${PROBE_FAILED_SHORT:-}" == "$during" ]] &&
            awk -v g="${PROBE_MAX_GAP:-9}" -v m="$HA_MAX_GAP" 'BEGIN { exit !(g < m) }'; then
            PROBE_PASS=yes
        fi
    fi
    extra=""
    [[ -z "$HA_SINGLE" ]] || extra=" single=yes"
    [[ -z "$HA_MANUAL" ]] || extra=" manual=yes"
    [[ -z "$HA_CTRL" ]] || extra=" controller=yes"
    ha_row "mode=$mode trigger=$trigger max_gap=${PROBE_MAX_GAP:-?} who=${PROBE_WHO:-?}" \
        "broken_streams=${PROBE_BROKEN_STREAMS:-?} failed_short=${PROBE_FAILED_SHORT:-?} short_ok=${PROBE_SHORT_OK:-?}" \
        "slowest_short=${PROBE_SLOWEST:-?} opened_during_cut=$during" \
        "event_gap=$gap_event event_broken=$fails_event takeover_ms=$takeover_ms join_ms=$join_ms route_ms=$route_ms" \
        "roles=${roles// /,} pass=$([[ -z "$HA_WHY" && "${PROBE_PASS:-}" == yes ]] && echo yes || echo no)$extra"
    if [[ -z "$HA_WHY" && "${PROBE_PASS:-}" != yes ]]; then
        HA_WHY="$mode/$trigger: longest gap ${PROBE_MAX_GAP:-?} s ($PROBE_WHO; target < $HA_MAX_GAP s), ${PROBE_BROKEN_STREAMS:-?} of $HA_STREAMS streams broken, ${PROBE_FAILED_SHORT:-?} short connections failed"
    fi
    [[ -z "$HA_WHY" ]]
}

# ha_check_modes TRIGGER: ha_run for every mode of SLB_HA_MODES, a reset between runs; fails with
# the first failure's reason after all modes ran (each mode's numbers are worth having).
ha_check_modes() {
    local trigger=$1 mode first=""
    for mode in $HA_MODES; do
        if ha_run "$mode" "$trigger"; then
            ok "$mode/$trigger passed"
        else
            echo "FAILED: $HA_WHY"
            ha_logs_excerpt
            [[ -n "$first" ]] || first=$HA_WHY
        fi
        ha_reset
    done
    [[ -z "$first" ]] || fail "$first"
}

# ha_bgp_wait_best I: waits (20 s) until the router's kernel routes the VIP via lb I; sets HA_BGP_MS.
ha_bgp_wait_best() {
    local i=$1 t0 n
    t0=$(date +%s%3N)
    HA_BGP_WHY=""
    for ((n = 0; n < 400; n++)); do
        if [[ "$(ha_rtr_best)" == "${LB_IP[i]}" ]]; then
            HA_BGP_MS=$(($(date +%s%3N) - t0))
            ok "router: $HA_VIP via ${LB_IP[i]} (lb$i), $HA_BGP_MS ms; bird: $(ha_rib | cut -c1-300)"
            return 0
        fi
        sleep 0.05
    done
    HA_BGP_WHY="the router's route to $HA_VIP is via '$(ha_rtr_best)', want ${LB_IP[i]} (lb$i); bird: $(ha_rib | cut -c1-400)"
    return 1
}
