# shellcheck shell=bash
# BGP scenarios (e2e/bgp, bgp_ecmp, bgp_restart, bgp6): a router namespace running bird2 peers
# with gobgpd, which swiftlb --bgp runs in the lb namespace. Sourced after common.sh.
#
#   P-client c0 10.N.1.2 ── r0 10.N.1.1 ┐
#                                       P-rtr (bird2, AS 65000; kernel protocol with merge paths)
#        ┌── r1 10.N.50.1 ──────────────┘ └── r2 10.N.51.1 (second lb, bgp_ecmp only)
#   l0 10.N.50.2                             m0 10.N.51.2
#   P-lb (swiftlb --bgp, gobgpd AS 65001)    P-lb2 (second swiftlb --bgp, AS 65001)
#   l1..l3 ── P-srv1..3 (10.N.(K+1).2)       m1 10.N.61.1 ── P-srv4 eth0 10.N.61.2
#
# Nothing is routed statically between the client and the load balancers: the router learns the
# VIP (10.N.100.1/32) only from BGP, and each load balancer learns the client's network only from
# BGP (bird exports its connected r0 network), installed by swiftlb into its kernel table. With
# IPv6 (BGP6=1) the same links carry fd00:N:K::/64 addresses and the VIP is fd00:N:100::1/128.
#
# bird runs in the foreground with its config, control socket, log and PID file in STATE_DIR, and
# is stopped by PID. Both swiftlb instances run gobgpd with their own state directory, whose
# gobgpd.pid ("PID STARTTIME") lets teardown stop a gobgpd that outlived its daemon.

RTR_AS=65000
LB_AS=65001

# bgp_vars: the BGP topology's names and addresses (after scenario_init).
bgp_vars() {
    NS_RTR="$PREFIX-rtr"
    NS_LB2="$PREFIX-lb2"
    NS_SRV4="$PREFIX-srv4"
    RTR_CLIENT_IP="10.$NET_OCTET.1.1"
    RTR_LB_IP="10.$NET_OCTET.50.1"
    LB_RTR_IP="10.$NET_OCTET.50.2"
    RTR_LB2_IP="10.$NET_OCTET.51.1"
    LB2_RTR_IP="10.$NET_OCTET.51.2"
    LB2_SRV_IP="10.$NET_OCTET.61.1"
    SRV4_IP="10.$NET_OCTET.61.2"
    CLIENT_NET="10.$NET_OCTET.1.0/24"
    V6="fd00:$NET_OCTET"
    VIP6="$V6:100::1"
    CLIENT_IP6="$V6:1::2"
    RTR_CLIENT_IP6="$V6:1::1"
    RTR_LB_IP6="$V6:50::1"
    LB_RTR_IP6="$V6:50::2"
    CLIENT_NET6="$V6:1::/64"
    BIRD_CONF=$STATE_DIR/bird.conf
    BIRD_SOCK=$STATE_DIR/bird.ctl
    LB2_STATE=$STATE_DIR/lb2
    LB2_BPFFS=/sys/fs/bpf/${PREFIX}b
}

_bgp_namespaces() {
    echo "$NS_CLIENT"
    echo "$NS_RTR"
    echo "$NS_LB"
    echo "$NS_LB2"
    echo "$NS_SRV4"
    local k
    for ((k = 1; k <= TOPO_SERVERS; k++)); do echo "${NS_SRV[k]}"; done
}

_bgp_ns_add() {
    local ns=$1
    ip netns add "$ns" || return 1
    ip -n "$ns" link set lo up || return 1
    # No DAD: addresses are usable at once (IPv6 links of bgp6).
    _topo_sysctl "$ns" net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
        net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 || true
}

# _bgp_link NS_A IF_A ADDR_A NS_B IF_B ADDR_B [ADDR6_A ADDR6_B]: a veth pair with /24 (and /64) addresses.
_bgp_link() {
    ip link add "$2" netns "$1" type veth peer name "$5" netns "$4" || return 1
    ip -n "$1" addr add "$3/24" dev "$2" || return 1
    ip -n "$4" addr add "$6/24" dev "$5" || return 1
    if [[ -n "${7:-}" ]]; then
        ip -n "$1" addr add "$7/64" dev "$2" nodad || return 1
        ip -n "$4" addr add "$8/64" dev "$5" nodad || return 1
    fi
    ip -n "$1" link set "$2" up && ip -n "$4" link set "$5" up
}

_bgp_forwarding() { # NS IF...
    local ns=$1 dev
    shift
    _topo_sysctl "$ns" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 net.ipv4.conf.all.rp_filter=0 \
        net.ipv4.conf.default.rp_filter=0 || return 1
    for dev in "$@"; do _topo_sysctl "$ns" "net.ipv4.conf.$dev.rp_filter=0" || return 1; done
}

# bgp_topo_up [two]: builds the topology; "two" adds the second load balancer and srv4.
bgp_topo_up() {
    local two=${1:-} ns k
    bgp_topo_down
    for ns in "$NS_CLIENT" "$NS_RTR" "$NS_LB"; do _bgp_ns_add "$ns" || return 1; done
    for ((k = 1; k <= TOPO_SERVERS; k++)); do _bgp_ns_add "${NS_SRV[k]}" || return 1; done
    local c6=() r6=()
    if [[ -n "${BGP6:-}" ]]; then c6=("$CLIENT_IP6" "$RTR_CLIENT_IP6"); r6=("$RTR_LB_IP6" "$LB_RTR_IP6"); fi
    _bgp_link "$NS_CLIENT" c0 "$CLIENT_IP" "$NS_RTR" r0 "$RTR_CLIENT_IP" "${c6[@]}" || return 1
    _bgp_link "$NS_RTR" r1 "$RTR_LB_IP" "$NS_LB" l0 "$LB_RTR_IP" "${r6[@]}" || return 1
    ip -n "$NS_CLIENT" route add default via "$RTR_CLIENT_IP" || return 1
    if [[ -n "${BGP6:-}" ]]; then ip -n "$NS_CLIENT" -6 route add default via "$RTR_CLIENT_IP6" || return 1; fi
    for ((k = 1; k <= TOPO_SERVERS; k++)); do
        local s6=()
        [[ -z "${BGP6:-}" ]] || s6=("$V6:$((k + 1))::2" "$V6:$((k + 1))::1")
        _bgp_link "${NS_SRV[k]}" eth0 "${SRV_IP[k]}" "$NS_LB" "l$k" "${SRV_GW[k]}" "${s6[@]}" || return 1
        ip -n "${NS_SRV[k]}" route add default via "${SRV_GW[k]}" || return 1
        if [[ -n "${BGP6:-}" ]]; then ip -n "${NS_SRV[k]}" -6 route add default via "$V6:$((k + 1))::1" || return 1; fi
    done
    _bgp_forwarding "$NS_RTR" r0 r1 || return 1
    _bgp_forwarding "$NS_LB" l0 $(seq -f 'l%g' 1 "$TOPO_SERVERS") || return 1
    # Layer-4 multipath hashing, so that one client's connections spread over ECMP next hops.
    _topo_sysctl "$NS_RTR" net.ipv4.fib_multipath_hash_policy=1 || return 1
    [[ "$two" == two ]] || return 0
    for ns in "$NS_LB2" "$NS_SRV4"; do _bgp_ns_add "$ns" || return 1; done
    _bgp_link "$NS_RTR" r2 "$RTR_LB2_IP" "$NS_LB2" m0 "$LB2_RTR_IP" || return 1
    _bgp_link "$NS_SRV4" eth0 "$SRV4_IP" "$NS_LB2" m1 "$LB2_SRV_IP" || return 1
    ip -n "$NS_SRV4" route add default via "$LB2_SRV_IP" || return 1
    _bgp_forwarding "$NS_RTR" r2 || return 1
    _bgp_forwarding "$NS_LB2" m0 m1
}

bgp_topo_down() {
    local ns
    for ns in $(_bgp_namespaces); do
        [[ ! -e "/run/netns/$ns" ]] || ip netns del "$ns" 2>/dev/null || true
    done
}

# bird_write_config [two]: the router's bird2 config (one BGP session per load balancer).
bird_write_config() {
    local two=${1:-}
    {
        echo "log \"$STATE_DIR/bird.log\" all;"
        echo "router id $RTR_LB_IP;"
        echo "protocol device { scan time 1; }"
        echo "protocol direct { ipv4; ipv6; interface \"r0\"; }"
        echo "protocol kernel k4 { ipv4 { import none; export where source = RTS_BGP; }; merge paths on; }"
        echo "protocol kernel k6 { ipv6 { import none; export where source = RTS_BGP; }; merge paths on; }"
        _bird_session lb1 "$RTR_LB_IP" "$LB_RTR_IP" ipv4
        [[ -z "${BGP6:-}" ]] || _bird_session lb1v6 "$RTR_LB_IP6" "$LB_RTR_IP6" ipv6
        [[ "$two" != two ]] || _bird_session lb2 "$RTR_LB2_IP" "$LB2_RTR_IP" ipv4
    } >"$BIRD_CONF"
}

# _bird_session NAME LOCAL NEIGHBOR FAMILY: one eBGP session; it exports only the router's
# connected client network and imports everything. Short retry and error-wait times so that a
# restarted gobgpd is back within seconds rather than bird's default minutes.
_bird_session() {
    cat <<EOB
protocol bgp $1 {
    local $2 as $RTR_AS;
    neighbor $3 as $LB_AS;
    connect retry time 1;
    error wait time 1, 4;
    hold time 9;
    $4 { import all; export where source = RTS_DEVICE; };
}
EOB
}

# bird_start [two]: bird2 in the router namespace, in the foreground (its PID recorded).
bird_start() {
    bird_write_config "${1:-}" || return 1
    rm -f "$BIRD_SOCK"
    bg_start bird "$NS_RTR" bird -f -c "$BIRD_CONF" -s "$BIRD_SOCK" -P "$STATE_DIR/bird.pid"
    local i
    for ((i = 0; i < 40; i++)); do
        [[ -S "$BIRD_SOCK" ]] && return 0
        bg_alive bird || break
        sleep 0.25
    done
    echo "bird did not start; its output:"
    tail -n 20 "$STATE_DIR/bird.log" "$STATE_DIR/bird.log" 2>/dev/null
    return 1
}

# rtr_birdc CMD...: birdc on the router's control socket.
rtr_birdc() { timeout 10 birdc -s "$BIRD_SOCK" "$@"; }

# rtr_nexthops PREFIX [-6]: the router kernel's next hops for PREFIX, sorted, space-separated
# (empty when there is no route).
rtr_nexthops() {
    local json
    json=$(in_ns "$NS_RTR" ip ${2:-} -j route show "$1" 2>/dev/null) || return 0
    "$PYTHON" - "$json" <<'PY'
import json, sys
hops = set()
for route in json.loads(sys.argv[1] or "[]"):
    if route.get("gateway"):
        hops.add(route["gateway"])
    for hop in route.get("nexthops", []):
        if hop.get("gateway"):
            hops.add(hop["gateway"])
print(" ".join(sorted(hops)))
PY
}

# wait_until TIMEOUT_S CMD...: polls CMD every 0.5 s until it succeeds; returns 1 on timeout.
wait_until() {
    local t=$1 i
    shift
    for ((i = 0; i < t * 2; i++)); do
        "$@" && return 0
        sleep 0.5
    done
    return 1
}

# ctl_in NS ARGS...: swiftlbctl against the daemon of namespace NS.
ctl_in() {
    local ns=$1
    shift
    timeout 30 nsenter --net="/run/netns/$ns" -- "$SWIFTLBCTL" "$@"
}

# api_in NS METHOD PATH [BODY]: like api, against the daemon of namespace NS.
api_in() {
    local ns=$1 saved=$NS_LB code
    NS_LB=$ns
    code=$(api "${@:2}")
    NS_LB=$saved
    echo "$code"
}

# bgp_configure NS ROUTER_ID NEIGHBOR: global config through the API, neighbor through swiftlbctl.
bgp_configure() {
    local ns=$1 rid=$2 peer=$3 code out
    code=$(api_in "$ns" POST /netlox/v1/config/bgp/global "{\"localAs\":$LB_AS,\"routerId\":\"$rid\"}")
    [[ "$code" == 200 ]] || { echo "POST bgp/global in $ns: HTTP $code $(api_body)"; return 1; }
    out=$(ctl_in "$ns" create bgpneighbor "$peer" "$RTR_AS" 2>&1) || {
        echo "swiftlbctl create bgpneighbor in $ns: $out"
        return 1
    }
}

# neighbor_established NS PEER: `swiftlbctl get bgpneighbor` in NS shows PEER established.
neighbor_established() {
    local out
    out=$(ctl_in "$1" get bgpneighbor 2>/dev/null | grep -F " $2 ") || return 1
    [[ "$out" == *established* ]]
}

# lb_has_route NS PREFIX: the kernel of NS has SwiftLB's learned route (protocol 186) for PREFIX.
lb_has_route() {
    local out
    out=$(in_ns "$1" ip ${3:-} route show "$2" proto 186 2>/dev/null)
    [[ -n "$out" ]]
}

# gobgpd_pid DIR: the PID of the gobgpd recorded in DIR/gobgpd.pid if it still runs.
gobgpd_pid() {
    local f=$1/gobgpd.pid pid st
    [[ -f "$f" ]] || return 1
    read -r pid st <"$f" || return 1
    [[ -n "$pid" && -d "/proc/$pid" && "$(_proc_starttime "$pid")" == "$st" ]] || return 1
    echo "$pid"
}

# bgp_daemon2_start: the second swiftlb (lb2) with its own bpffs directory, database and log.
bgp_daemon2_start() {
    mkdir -p "$LB2_STATE"
    echo "----- e2e: starting swiftlb (lb2) at $(date '+%F %T.%N')" >>"$STATE_DIR/daemon2.log"
    bg_start daemon2 "$NS_LB2" "$SWIFTLB" run --api-host 127.0.0.1 --api-port "$SLB_API_PORT" \
        --api-token-file "$API_TOKEN_FILE" --bpffs "$LB2_BPFFS" --config-db "$LB2_STATE/config.db" --log-level "${SLB_LOG_LEVEL:-debug}" --bgp
    local i
    for ((i = 0; i < ${SLB_READY_TRIES:-80}; i++)); do
        bg_alive daemon2 || { tail -n 30 "$STATE_DIR/daemon2.log"; return 1; }
        if in_ns "$NS_LB2" curl -fsS -o /dev/null --max-time 1 "${API_AUTH[@]}" \
            "http://127.0.0.1:$SLB_API_PORT/netlox/v1/status/ready" 2>/dev/null; then
            return 0
        fi
        sleep 0.25
    done
    tail -n 30 "$STATE_DIR/daemon2.log"
    return 1
}

# bgp_setup [two]: topology, servers, bird, swiftlb --bgp (both with "two"), BGP configured on
# each, sessions established. Exits via fail().
bgp_setup() {
    local two=${1:-}
    resolve_bins || fail "binaries missing (see above)"
    ensure_bpffs || fail "bpffs"
    for tool in bird birdc gobgpd; do
        command -v "$tool" >/dev/null || fail "$tool is missing (scripts/install-deps.sh installs bird2 and gobgpd)"
    done
    bgp_teardown >/dev/null 2>&1
    mkdir -p "$STATE_DIR/pids"
    say "BGP topology $PREFIX (10.$NET_OCTET.0.0/16, VIP $VIP${BGP6:+, VIP6 $VIP6})"
    bgp_topo_up "$two" || fail "could not build the topology"
    say "servers"
    servers_start_http || fail "HTTP servers did not start"
    if [[ "$two" == two ]]; then
        bg_start http4 "$NS_SRV4" "$PYTHON" "$E2E_DIR/tools/named_http_server.py" --name srv4 --port "$HTTP_PORT"
        wait_tcp "$NS_SRV4" 127.0.0.1 "$HTTP_PORT" || fail "srv4 did not listen"
    fi
    say "bird2 in $NS_RTR (AS $RTR_AS)"
    bird_start "$two" || fail "bird did not start"
    say "swiftlb --bgp in $NS_LB"
    daemon_start --bgp || fail "swiftlb did not become ready"
    bgp_configure "$NS_LB" "$LB_RTR_IP" "$RTR_LB_IP" || fail "BGP configuration of $NS_LB failed"
    if [[ -n "${BGP6:-}" ]]; then
        out=$(ctl create bgpneighbor "$RTR_LB_IP6" "$RTR_AS" 2>&1) || fail "create bgpneighbor $RTR_LB_IP6: $out"
    fi
    if [[ "$two" == two ]]; then
        say "second swiftlb --bgp in $NS_LB2"
        bgp_daemon2_start || fail "the second swiftlb did not become ready"
        bgp_configure "$NS_LB2" "$LB2_RTR_IP" "$RTR_LB2_IP" || fail "BGP configuration of $NS_LB2 failed"
    fi
    wait_until 40 neighbor_established "$NS_LB" "$RTR_LB_IP" ||
        fail "the BGP session $NS_LB -> $RTR_LB_IP did not come up: $(ctl get bgpneighbor 2>&1 | tr '\n' ' ')"
    ok "BGP session $LB_RTR_IP (AS $LB_AS) <-> $RTR_LB_IP (AS $RTR_AS) established"
    if [[ -n "${BGP6:-}" ]]; then
        wait_until 40 neighbor_established "$NS_LB" "$RTR_LB_IP6" ||
            fail "the BGP session to $RTR_LB_IP6 did not come up: $(ctl get bgpneighbor 2>&1 | tr '\n' ' ')"
        ok "BGP session over IPv6 $LB_RTR_IP6 <-> $RTR_LB_IP6 established"
    fi
    if [[ "$two" == two ]]; then
        wait_until 40 neighbor_established "$NS_LB2" "$RTR_LB2_IP" ||
            fail "the BGP session $NS_LB2 -> $RTR_LB2_IP did not come up"
        ok "BGP session $LB2_RTR_IP <-> $RTR_LB2_IP established"
    fi
}

# bgp_teardown: stops daemons (then any gobgpd left behind), bird and servers; removes the
# namespaces, pins and databases. Idempotent.
bgp_teardown() {
    bg_stop_all_but_daemon
    if bg_alive daemon2; then bg_stop daemon2 TERM 10 || warn "swiftlb (lb2) needed SIGKILL at teardown"; fi
    if bg_alive daemon; then daemon_stop TERM 10 || warn "swiftlb needed SIGKILL at teardown"; fi
    rm -f "$STATE_DIR/pids/daemon.pid" "$STATE_DIR/pids/daemon2.pid"
    local dir pid
    for dir in "$STATE_DIR/gobgp" "$LB2_STATE/gobgp"; do
        if pid=$(gobgpd_pid "$dir"); then
            warn "gobgpd $pid outlived its swiftlb; stopping it"
            kill -TERM "$pid" 2>/dev/null
            sleep 1
            kill -KILL "$pid" 2>/dev/null
        fi
    done
    if [[ -n "${SWIFTLB:-}" && -x "${SWIFTLB:-}" ]]; then
        [[ ! -e "/run/netns/$NS_LB" ]] || timeout 30 nsenter --net="/run/netns/$NS_LB" -- "$SWIFTLB" cleanup \
            --bpffs "$BPFFS_DIR" >>"$DAEMON_LOG" 2>&1 || warn "swiftlb cleanup in $NS_LB failed"
        [[ ! -e "/run/netns/$NS_LB2" ]] || timeout 30 nsenter --net="/run/netns/$NS_LB2" -- "$SWIFTLB" cleanup \
            --bpffs "$LB2_BPFFS" >>"$STATE_DIR/daemon2.log" 2>&1 || warn "swiftlb cleanup in $NS_LB2 failed"
    fi
    bgp_topo_down
    if topo_check_prefix "$PREFIX" 2>/dev/null; then
        [[ ! -e "/sys/fs/bpf/$PREFIX" ]] || rm -rf -- "/sys/fs/bpf/$PREFIX"
        [[ ! -e "/sys/fs/bpf/${PREFIX}b" ]] || rm -rf -- "/sys/fs/bpf/${PREFIX}b"
    fi
    rm -f "$CONFIG_DB" "$CONFIG_DB-wal" "$CONFIG_DB-shm" "$BIRD_SOCK"
    rm -rf "$LB2_STATE"
}

# bgp_trap_teardown: like scenario_trap_teardown, with bgp_teardown.
bgp_trap_teardown() {
    trap 'exit 143' TERM
    trap 'exit 130' INT
    trap '_rc=$?; if ((_rc != 0)) && [[ -z "${SLB_RUNNER:-}" ]]; then bgp_teardown >/dev/null 2>&1; fi' EXIT
}

# count_answers N: N requests to http://VIP/ from the client; sets ANSWERS[srvK] and ANSWERS_FAIL.
declare -A ANSWERS
count_answers() {
    local n=$1 i got
    ANSWERS=()
    ANSWERS_FAIL=0
    for ((i = 0; i < n; i++)); do
        if got=$(client_get /) && [[ "$got" =~ ^srv[0-9]+$ ]]; then
            ANSWERS[$got]=$((${ANSWERS[$got]:-0} + 1))
        else
            ANSWERS_FAIL=$((ANSWERS_FAIL + 1))
            ((ANSWERS_FAIL >= 5)) && return 0
        fi
    done
}

answers_text() {
    local k out=""
    for k in $(printf '%s\n' "${!ANSWERS[@]}" | sort); do out+="$k=${ANSWERS[$k]} "; done
    echo "${out}failed=$ANSWERS_FAIL"
}
