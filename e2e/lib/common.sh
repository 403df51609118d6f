# shellcheck shell=bash
# Common functions for SwiftLB scenarios (e2e/<name>/{setup,check,teardown}) and the demo.
# Sourced, not run.
#
# State of one scenario lives in STATE_DIR (default /tmp/swiftlb-e2e/PREFIX): pid files of
# the background processes it started (pids/NAME.pid = "PID STARTTIME", so a recycled PID is
# never signalled), their logs (NAME.log; the daemon's is daemon.log) and the daemon's
# config database. setup, check and teardown are separate processes that share it.
#
# Environment:
#   SWIFTLB_BIN_DIR   directory holding swiftlb and swiftlbctl (default: swift build --show-bin-path)
#   SLB_PREFIX        name prefix (default slbt<short scenario name>)
#   SLB_STATE_DIR     state/log directory (default /tmp/swiftlb-e2e/PREFIX)
#   SLB_API_PORT      daemon API port inside the lb namespace (default 11111)
#   SLB_LOG_LEVEL     daemon log level (default debug)
#   SLB_DAEMON_ARGS   extra daemon arguments, split on spaces (e.g. --detach-on-exit for a
#                     negative control of restart_stream)
#   SLB_READY_TRIES   readiness polls of 0.25 s (default 80)
#   SLB_NET_OCTET     second octet of the topology's 10.N.0.0/16 (see topology.sh)

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO_ROOT=$(cd "$E2E_DIR/.." && pwd)
# shellcheck source=topology.sh
source "$E2E_DIR/lib/topology.sh"

SLB_API_PORT=${SLB_API_PORT:-11111}
if [[ -z "${PYTHON:-}" ]]; then
    if [[ -x /usr/bin/python3 ]]; then PYTHON=/usr/bin/python3; else PYTHON=$(command -v python3 || echo python3); fi
fi
HTTP_PORT=8080
STREAM_PORT=9000

# ---------------------------------------------------------------- messages

say() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*"; }
ok() { printf 'ok: %s\n' "$*"; }
# fail REASON: the one-line reason run.sh reports, then exit 1.
fail() {
    printf 'FAIL: %s\n' "$*"
    exit 1
}

require_root() {
    if [[ $(id -u) -ne 0 ]]; then
        echo "error: $(basename "$0") needs root (network namespaces, BPF programs and maps): run it with sudo" >&2
        exit 2
    fi
}

# ---------------------------------------------------------------- binaries

# resolve_bins: sets BIN_DIR SWIFTLB SWIFTLBCTL and exports SWIFTLB_BIN_DIR (absolute), or
# returns 1 with a message saying how to build.
resolve_bins() {
    local dir=${SWIFTLB_BIN_DIR:-}
    if [[ -z "$dir" ]]; then
        if ! command -v swift >/dev/null 2>&1; then
            echo "error: swift not found and SWIFTLB_BIN_DIR not set" >&2
            return 1
        fi
        dir=$(cd "$REPO_ROOT" && swift build --show-bin-path 2>/dev/null) || {
            echo "error: 'swift build --show-bin-path' failed in $REPO_ROOT" >&2
            return 1
        }
    elif [[ "$dir" != /* && ! -d "$dir" && -d "$REPO_ROOT/$dir" ]]; then
        dir=$REPO_ROOT/$dir # a path like .build-e2e/debug, relative to the repository
    fi
    BIN_DIR=$(cd "$dir" 2>/dev/null && pwd) || {
        echo "error: binary directory $dir does not exist: run 'swift build' in $REPO_ROOT (or set SWIFTLB_BIN_DIR)" >&2
        return 1
    }
    SWIFTLB=$BIN_DIR/swiftlb
    SWIFTLBCTL=$BIN_DIR/swiftlbctl
    local b
    for b in "$SWIFTLB" "$SWIFTLBCTL"; do
        if [[ ! -x "$b" ]]; then
            echo "error: $b not built: run 'swift build' in $REPO_ROOT (or set SWIFTLB_BIN_DIR)" >&2
            return 1
        fi
    done
    export SWIFTLB_BIN_DIR=$BIN_DIR
}

# ---------------------------------------------------------------- scenario identity

# scenario_short NAME: the short form used in the default prefix.
scenario_short() {
    case "$1" in
    basic_rr) echo rr ;;
    hash) echo hash ;;
    restart_stream) echo rst ;;
    delete) echo del ;;
    sigkill_restore) echo kill ;;
    invalid) echo inv ;;
    bulk) echo bulk ;;
    nat66) echo v66 ;;
    nat64) echo v64 ;;
    health) echo hlth ;;
    l4dsr) echo ldsr ;;
    l4proto) echo lproto ;;
    weighted) echo aweigh ;;
    persist) echo apers ;;
    hash_streams) echo ahstr ;;
    idle_reset) echo aidle ;;
    health_sctp) echo hsctp ;;
    bgp) echo gbgp ;;
    bgp_ecmp) echo gecmp ;;
    bgp_restart) echo grst ;;
    bgp6) echo gbgp6 ;;
    l4v6) echo l4v6 ;;
    *)
        local s=${1//[^a-z0-9]/}
        echo "${s:0:6}"
        ;;
    esac
}

# scenario_prefix NAME: the default name prefix of a scenario (namespaces, bpffs directory).
# The firewall's scenarios use slbfw*, the others slbt<short name>.
scenario_prefix() {
    case "$1" in
    firewall) echo slbfw ;;
    saveapply) echo slbfwsa ;;
    srv6) echo slbsr6 ;;
    srv6_kernel) echo s6k ;;
    gtpu) echo slbgtp ;;
    policer) echo slbpol ;;
    mirror) echo slbmir ;;
    *) echo "slbt$(scenario_short "$1")" ;;
    esac
}

# scenario_init NAME: sets SCENARIO PREFIX STATE_DIR BPFFS_DIR CONFIG_DB DAEMON_LOG and the
# topology variables (VIP, SRV_IP, NS_*...).
scenario_init() {
    SCENARIO=$1
    PREFIX=${SLB_PREFIX:-$(scenario_prefix "$1")}
    env_init "$PREFIX" "${SLB_STATE_DIR:-/tmp/swiftlb-e2e/$PREFIX}"
}

# env_init PREFIX STATE_DIR: the part of scenario_init shared with the demo.
env_init() {
    PREFIX=$1
    topo_vars "$PREFIX" || exit 2
    STATE_DIR=$2
    mkdir -p "$STATE_DIR/pids" || exit 2
    BPFFS_DIR=/sys/fs/bpf/$PREFIX
    CONFIG_DB=$STATE_DIR/config.db
    DAEMON_LOG=$STATE_DIR/daemon.log
    api_token_init "$STATE_DIR/api-tokens"
    ENDPOINTS_HTTP="${SRV_IP[1]}:1,${SRV_IP[2]}:1,${SRV_IP[3]}:1"
}

# api_token_init FILE: the daemons' token file (one admin token, mode 0600), made here so that
# scripts know the token before a daemon starts; swiftlbctl finds it through SWIFTLB_TOKEN_FILE
# and curl sends it with API_AUTH.
api_token_init() {
    API_TOKEN_FILE=$1
    if [[ ! -s "$API_TOKEN_FILE" ]]; then
        (umask 077 && printf 'admin admin %s\n' "$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')" >"$API_TOKEN_FILE")
    fi
    export SWIFTLB_TOKEN_FILE=$API_TOKEN_FILE
    API_AUTH=(-H "Authorization: Bearer $(awk '$2 == "admin" { print $3; exit }' "$API_TOKEN_FILE")")
}

# lb_metrics [NS]: GET /metrics of the daemon in NS (default the lb namespace), with the token.
lb_metrics() {
    in_ns "${1:-$NS_LB}" curl -s --max-time 5 "${API_AUTH[@]}" "http://127.0.0.1:$SLB_API_PORT/metrics"
}

# ---------------------------------------------------------------- namespaces and processes

# in_ns NS CMD...: runs CMD in the network namespace NS only (mounts stay the host's, so
# /sys/fs/bpf is the host's bpffs; `ip netns exec` would remount /sys).
in_ns() {
    local ns=$1
    shift
    nsenter --net="/run/netns/$ns" -- "$@"
}

_proc_starttime() { # PID -> field 22 of /proc/PID/stat (after the parenthesised comm)
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    # shellcheck disable=SC2086
    set -- $stat
    echo "${20}"
}

# bg_start NAME NS CMD...: starts CMD in namespace NS in the background (stdout+stderr
# appended to STATE_DIR/NAME.log) and records its PID. Sets BG_PID. NS "-" = current one.
bg_start() {
    local name=$1 ns=$2
    shift 2
    local log=$STATE_DIR/$name.log
    # One process per name: a second would hide the first from bg_stop and outlive teardown.
    if bg_alive "$name"; then
        echo "bg_start: $name already runs (pid $(bg_pid "$name")); not starting another" >&2
        return 1
    fi
    if [[ "$ns" == - ]]; then
        "$@" >>"$log" 2>&1 </dev/null &
    else
        nsenter --net="/run/netns/$ns" -- "$@" >>"$log" 2>&1 </dev/null &
    fi
    BG_PID=$!
    echo "$BG_PID $(_proc_starttime "$BG_PID")" >"$STATE_DIR/pids/$name.pid"
}

# bg_pid NAME: prints the PID if the recorded process is still the one we started.
bg_pid() {
    local f=$STATE_DIR/pids/$1.pid pid st
    [[ -f "$f" ]] || return 1
    read -r pid st <"$f" || return 1
    [[ -n "$pid" && -d "/proc/$pid" ]] || return 1
    [[ -z "$st" || "$(_proc_starttime "$pid")" == "$st" ]] || return 1
    # A zombie child of this shell is as good as gone.
    [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]] || return 1
    echo "$pid"
}

bg_alive() { bg_pid "$1" >/dev/null; }

# bg_stop NAME [SIGNAL] [WAIT_S]: signals the process (default TERM), waits up to WAIT_S
# (default 10) for it to exit, then SIGKILLs it. Returns 3 if SIGKILL was needed after a
# softer signal, 0 otherwise. Removes the pid file.
bg_stop() {
    local name=$1 sig=${2:-TERM} wait_s=${3:-10} pid i rc=0
    if pid=$(bg_pid "$name"); then
        kill -s "$sig" "$pid" 2>/dev/null
        for ((i = 0; i < wait_s * 10; i++)); do
            # Twice in a row: an exiting multi-threaded process can read as gone for a moment
            # (its first thread already a zombie) and then as running again.
            if ! bg_alive "$name"; then
                sleep 0.05
                bg_alive "$name" || break
            fi
            sleep 0.1
        done
        if pid=$(bg_pid "$name"); then
            kill -s KILL "$pid" 2>/dev/null
            [[ "$sig" == KILL ]] || rc=3
            for ((i = 0; i < 50; i++)); do
                bg_alive "$name" || break
                sleep 0.1
            done
        fi
        wait "$pid" 2>/dev/null # reap if it is our child
    fi
    rm -f "$STATE_DIR/pids/$name.pid"
    return $rc
}

# bg_wait NAME TIMEOUT_S: waits for a background child of THIS shell to exit; sets BG_RC to
# its exit code (124 if it did not exit in time; it is then killed).
bg_wait() {
    local name=$1 t=$2 i pid
    BG_RC=124
    pid=$(bg_pid "$name") || {
        # already exited: collect the code if it was our child
        read -r pid _ <"$STATE_DIR/pids/$name.pid" 2>/dev/null && wait "$pid" 2>/dev/null
        BG_RC=$?
        rm -f "$STATE_DIR/pids/$name.pid"
        return 0
    }
    for ((i = 0; i < t * 10; i++)); do
        bg_alive "$name" || break
        sleep 0.1
    done
    if bg_alive "$name"; then
        bg_stop "$name" KILL 2
        return 0
    fi
    wait "$pid" 2>/dev/null
    BG_RC=$?
    rm -f "$STATE_DIR/pids/$name.pid"
}

# bg_stop_all_but_daemon: stops every recorded process except the daemon.
bg_stop_all_but_daemon() {
    local f name
    for f in "$STATE_DIR"/pids/*.pid; do
        [[ -e "$f" ]] || continue
        name=$(basename "$f" .pid)
        [[ "$name" == daemon ]] && continue
        bg_stop "$name" TERM 3 || true
    done
}

# wait_tcp NS HOST PORT [TRIES]: waits (TRIES x 0.25 s, default 40) until HOST:PORT accepts.
wait_tcp() {
    local ns=$1 host=$2 port=$3 tries=${4:-40} i
    for ((i = 0; i < tries; i++)); do
        if in_ns "$ns" timeout 1 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null; then
            return 0
        fi
        sleep 0.25
    done
    return 1
}

# ---------------------------------------------------------------- servers

# servers_start_http [PORT]: named HTTP servers srv1..3 on PORT in their namespaces.
servers_start_http() {
    local port=${1:-$HTTP_PORT} k
    for ((k = 1; k <= TOPO_SERVERS; k++)); do
        bg_start "http$k" "${NS_SRV[k]}" "$PYTHON" "$E2E_DIR/tools/named_http_server.py" \
            --name "srv$k" --port "$port"
    done
    for ((k = 1; k <= TOPO_SERVERS; k++)); do
        wait_tcp "${NS_SRV[k]}" 127.0.0.1 "$port" || {
            echo "http server srv$k did not listen on :$port; its log:"
            tail -n 20 "$STATE_DIR/http$k.log"
            return 1
        }
    done
}

# servers_start_stream [PORT]: stream.py echo servers on PORT in srv1..3 (named streamsrvK: a
# check's client streams may be called streamK, and two processes under one name would leave
# one of them running after teardown).
servers_start_stream() {
    local port=${1:-$STREAM_PORT} k
    for ((k = 1; k <= TOPO_SERVERS; k++)); do
        bg_start "streamsrv$k" "${NS_SRV[k]}" "$PYTHON" "$E2E_DIR/tools/stream.py" server --port "$port"
    done
    for ((k = 1; k <= TOPO_SERVERS; k++)); do
        wait_tcp "${NS_SRV[k]}" 127.0.0.1 "$port" || {
            echo "stream server $k did not listen on :$port; its log:"
            tail -n 20 "$STATE_DIR/streamsrv$k.log"
            return 1
        }
    done
}

# routing_check [PORT]: from the client, each server answers directly (plain routing
# through the lb namespace, not the VIP) with its own name.
routing_check() {
    local port=${1:-$HTTP_PORT} k got
    for ((k = 1; k <= TOPO_SERVERS; k++)); do
        # A source port below the ephemeral range: a direct connection from a port an earlier VIP
        # flow used would have that flow's four-tuple at the server (DNAT keeps the client's port).
        got=$(in_ns "$NS_CLIENT" curl -s --max-time 2 --local-port 31000-31999 "http://${SRV_IP[k]}:$port/") || {
            echo "client -> ${SRV_IP[k]}:$port failed (curl rc $?)"
            return 1
        }
        [[ "$got" == "srv$k" ]] || {
            echo "client -> ${SRV_IP[k]}:$port answered '$got', want 'srv$k'"
            return 1
        }
    done
}

# ---------------------------------------------------------------- daemon

ensure_bpffs() {
    if [[ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ]]; then
        mount -t bpf bpf /sys/fs/bpf || {
            echo "cannot mount bpffs at /sys/fs/bpf"
            return 1
        }
    fi
}

# daemon_start [EXTRA ARGS...]: starts swiftlb in the lb namespace and waits until its API
# answers. Returns 1 (with the log tail) if it exits or is not ready in time.
daemon_start() {
    ensure_bpffs || return 1
    echo "----- e2e: starting swiftlb at $(date '+%F %T.%N')" >>"$DAEMON_LOG"
    bg_start daemon "$NS_LB" "$SWIFTLB" run --api-host 127.0.0.1 --api-port "$SLB_API_PORT" \
        --api-token-file "$API_TOKEN_FILE" \
        --bpffs "$BPFFS_DIR" --config-db "$CONFIG_DB" --log-level "${SLB_LOG_LEVEL:-debug}" \
        ${SLB_DAEMON_ARGS:-} "$@"
    daemon_wait_ready
}

# daemon_wait_ready [NAME NS LOG LABEL]: polls GET /netlox/v1/status/ready (200 once the datapath is attached and
# programmed; the API answers earlier) SLB_READY_TRIES x 0.25 s.
daemon_wait_ready() {
    # Another daemon than the scenario's one: its bg_start name, namespace, log and label.
    local name=${1:-daemon} ns=${2:-$NS_LB} log=${3:-$DAEMON_LOG} label=${4:-swiftlb}
    local i tries=${SLB_READY_TRIES:-80}
    for ((i = 0; i < tries; i++)); do
        if ! bg_alive "$name"; then
            echo "$label exited during start-up; daemon log tail:"
            tail -n 30 "$log"
            return 1
        fi
        if in_ns "$ns" curl -fsS -o /dev/null --max-time 1 "${API_AUTH[@]}" \
            "http://127.0.0.1:$SLB_API_PORT/netlox/v1/status/ready" 2>/dev/null; then
            return 0
        fi
        sleep 0.25
    done
    echo "$label API not ready after $((tries / 4)) s; daemon log tail:"
    tail -n 30 "$log"
    return 1
}

# lb_attached_check [TRIES]: every interface of the lb namespace has a BPF filter on TC
# ingress and egress (polled TRIES x 0.25 s, default 20). Prints what is missing.
lb_attached_check() {
    local tries=${1:-20} i dev dir missing out
    local devs=(l0) k
    for ((k = 1; k <= TOPO_SERVERS; k++)); do devs+=("l$k"); done
    for ((i = 0; i < tries; i++)); do
        missing=()
        for dev in "${devs[@]}"; do
            for dir in ingress egress; do
                # Not `| grep -q`: with pipefail, tc's SIGPIPE would fail the pipeline.
                out=$(in_ns "$NS_LB" tc filter show dev "$dev" "$dir" 2>/dev/null)
                [[ "$out" == *" bpf "* ]] || missing+=("$dev/$dir")
            done
        done
        ((${#missing[@]} == 0)) && return 0
        sleep 0.25
    done
    echo "no BPF program on TC ${missing[*]} in $NS_LB"
    local why
    why=$(grep -m1 -iE 'attach failed|error' "$DAEMON_LOG")
    [[ -z "$why" ]] || echo "first daemon error: $why"
    return 1
}

# daemon_stop [SIGNAL] [WAIT_S]: see bg_stop (returns 3 if TERM was not enough).
daemon_stop() {
    echo "----- e2e: stopping swiftlb with SIG${1:-TERM} at $(date '+%F %T.%N')" >>"$DAEMON_LOG"
    bg_stop daemon "${1:-TERM}" "${2:-10}"
}

# ctl ARGS...: swiftlbctl inside the lb namespace (output to stdout, rc preserved).
ctl() {
    timeout 30 nsenter --net="/run/netns/$NS_LB" -- "$SWIFTLBCTL" "$@"
}

# api METHOD PATH [BODY]: calls the REST API inside the lb namespace. Prints the HTTP status;
# the response body is in STATE_DIR/api.body (and API_BODY after api_body).
api() {
    local m=$1 p=$2
    local args=(-sS -o "$STATE_DIR/api.body" -w '%{http_code}' --max-time 10 -X "$m" "${API_AUTH[@]}"
        "http://127.0.0.1:$SLB_API_PORT$p")
    if [[ $# -ge 3 ]]; then
        args+=(-H 'Content-Type: application/json' --data-binary "$3")
    fi
    : >"$STATE_DIR/api.body"
    in_ns "$NS_LB" curl "${args[@]}"
}
api_body() { cat "$STATE_DIR/api.body"; }

# ---------------------------------------------------------------- client traffic

# client_get [PATH] [CURL ARGS...]: one request to the VIP from the client (max 2 s).
client_get() {
    local path=${1:-/}
    shift || true
    in_ns "$NS_CLIENT" curl -s --max-time 2 "$@" "http://$VIP$path"
}

# tally N [CURL ARGS...]: N requests to http://VIP/; sets TALLY[srvK] counts, TALLY_FAIL,
# TALLY_OTHER and TALLY_TEXT ("srv1=20 srv2=20 srv3=20 failed=0 other=0"). After
# TALLY_GIVE_UP (default 5) failures in a row the rest count as failed without being sent,
# so a dead VIP costs seconds, not N x 2 s.
declare -A TALLY
tally() {
    local n=$1 i got other=0 streak=0 give_up=${TALLY_GIVE_UP:-5}
    shift
    TALLY=()
    TALLY_FAIL=0
    for ((i = 0; i < TOPO_SERVERS; i++)); do TALLY["srv$((i + 1))"]=0; done
    for ((i = 0; i < n; i++)); do
        if ((streak >= give_up)); then
            TALLY_FAIL=$((TALLY_FAIL + n - i))
            break
        fi
        if got=$(client_get / "$@"); then
            streak=0
            if [[ -n "${TALLY[$got]+x}" ]]; then
                TALLY[$got]=$((TALLY[$got] + 1))
            else
                other=$((other + 1))
            fi
        else
            TALLY_FAIL=$((TALLY_FAIL + 1))
            streak=$((streak + 1))
        fi
    done
    TALLY_TEXT="srv1=${TALLY[srv1]} srv2=${TALLY[srv2]} srv3=${TALLY[srv3]} failed=$TALLY_FAIL other=$other"
    ((streak >= give_up)) && TALLY_TEXT+=" (gave up after $give_up failures in a row)"
    TALLY_OTHER=$other
}

# ---------------------------------------------------------------- long streams

# stream_start NAME DURATION: one stream.py client connection client -> VIP:STREAM_PORT in the
# background (log STATE_DIR/NAME.log); returns 1 unless data flows within 5 s.
stream_start() {
    local name=$1 duration=$2 log=$STATE_DIR/$1.log i
    : >"$log"
    bg_start "$name" "$NS_CLIENT" "$PYTHON" "$E2E_DIR/tools/stream.py" client --host "$VIP" \
        --port "$STREAM_PORT" --duration "$duration" --rate 50 --chunk 1024 --stall 1 --max-stall 10
    for ((i = 0; i < 50; i++)); do
        grep -qE '^progress .* seq=[1-9]' "$log" && return 0
        bg_alive "$name" || break
        sleep 0.1
    done
    grep -qE '^progress .* seq=[1-9]' "$log"
}

# stream_rx_between NAME T0 T1: "BEFORE WITHIN LAST_GAP": the largest rx of progress lines
# stamped before T0, the largest stamped in [T0, T1], and the gap (seconds since the last
# byte) of the last line in [T0, T1] (99 if none).
stream_rx_between() {
    "$PYTHON" - "$STATE_DIR/$1.log" "$2" "$3" <<'PY'
import re, sys
log, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
before = within = 0
last_gap = 99.0
for line in open(log):
    m = re.match(r"progress t=([\d.]+) seq=(\d+) rx=(\d+) gap=([\d.]+)", line)
    if not m:
        continue
    t, rx = float(m.group(1)), int(m.group(3))
    if t < t0:
        before = max(before, rx)
    elif t <= t1:
        within = max(within, rx)
        last_gap = float(m.group(4))
print(before, within, last_gap)
PY
}

# stream_finish NAME TIMEOUT_S MAX_GAP_S: waits for the client and checks its result: the
# whole duration ran, the connection never broke, no gap without data above MAX_GAP_S.
# Prints the result line; on failure prints STREAM_WHY and returns 1.
stream_finish() {
    local name=$1 t=$2 max_gap=$3 log=$STATE_DIR/$1.log result gap
    bg_wait "$name" "$t"
    result=$(grep '^result ' "$log" | tail -n 1)
    echo "    ${result:-no result line}"
    STREAM_WHY=""
    if [[ -z "$result" ]]; then
        STREAM_WHY="stream client printed no result (exit $BG_RC): $(tail -n 2 "$log" | tr '\n' ' ')"
    elif [[ $BG_RC -eq 124 ]]; then
        STREAM_WHY="stream client did not finish in time"
    elif grep -q '"broke": true' <<<"$result"; then
        STREAM_WHY="the connection broke: $(sed 's/.*"error": \("[^"]*"\).*/\1/' <<<"$result")"
    elif [[ $BG_RC -ne 0 ]]; then
        STREAM_WHY="stream client exited $BG_RC: $result"
    else
        gap=$(sed 's/.*"longest_gap": \([0-9.]*\).*/\1/' <<<"$result")
        if awk -v g="$gap" -v m="$max_gap" 'BEGIN{exit !(g > m)}'; then
            STREAM_WHY="the stream stalled for $gap s (allowed $max_gap s)"
        fi
    fi
    [[ -z "$STREAM_WHY" ]]
}

# ---------------------------------------------------------------- whole scenarios

# standard_setup http|stream: topology, servers, plain-routing check, daemon. Exits via
# fail() on error (the caller's teardown cleans up).
standard_setup() {
    local kind=${1:-http}
    resolve_bins || fail "binaries missing (see above)"
    ensure_bpffs || fail "bpffs"
    standard_teardown >/dev/null 2>&1 # leftovers of an interrupted earlier run
    mkdir -p "$STATE_DIR/pids"
    say "topology $PREFIX (10.$NET_OCTET.0.0/16, VIP $VIP)"
    topo_up "$PREFIX" || fail "could not build the topology"
    # The HTTP servers also serve the routing check of stream scenarios.
    say "servers"
    servers_start_http || fail "HTTP servers did not start"
    if [[ "$kind" == stream ]]; then
        servers_start_stream || fail "stream servers did not start"
    fi
    routing_check || fail "plain routing client -> servers through $NS_LB does not work"
    ok "client reaches srv1..3 directly through $NS_LB"
    say "swiftlb in $NS_LB"
    daemon_start || fail "swiftlb did not become ready"
    ok "swiftlb ready (pid $(bg_pid daemon))"
    local why
    why=$(lb_attached_check) || fail "swiftlb is up but not attached: ${why//$'\n'/; }"
    ok "TC programs attached to l0..l$TOPO_SERVERS (ingress and egress)"
}

# standard_teardown: stops everything this scenario started and removes namespaces, pinned
# BPF objects and the config database. Idempotent; safe after any failure.
standard_teardown() {
    bg_stop_all_but_daemon
    if bg_alive daemon; then
        daemon_stop TERM 10 || warn "swiftlb needed SIGKILL at teardown"
    fi
    rm -f "$STATE_DIR/pids/daemon.pid"
    if [[ -e "/run/netns/$NS_LB" && -n "${SWIFTLB:-}" && -x "${SWIFTLB:-}" ]]; then
        echo "----- e2e: swiftlb cleanup at $(date '+%F %T.%N')" >>"$DAEMON_LOG"
        timeout 30 nsenter --net="/run/netns/$NS_LB" -- "$SWIFTLB" cleanup --bpffs "$BPFFS_DIR" \
            >>"$DAEMON_LOG" 2>&1 || warn "swiftlb cleanup --bpffs $BPFFS_DIR failed (rc $?)"
    fi
    topo_down "$PREFIX"
    # PREFIX is validated by topo_check_prefix: never empty, never a path.
    if topo_check_prefix "$PREFIX" 2>/dev/null && [[ -e "/sys/fs/bpf/$PREFIX" ]]; then
        rm -rf -- "/sys/fs/bpf/$PREFIX"
    fi
    rm -f "$CONFIG_DB" "$CONFIG_DB-wal" "$CONFIG_DB-shm" "$CONFIG_DB-journal"
}

# scenario_trap_teardown: in setup/check, tear down on failure or interruption when run
# by hand (run.sh tears down anyway; teardown is idempotent).
scenario_trap_teardown() {
    trap 'exit 143' TERM
    trap 'exit 130' INT
    trap '_rc=$?; if ((_rc != 0)) && [[ -z "${SLB_RUNNER:-}" ]]; then standard_teardown >/dev/null 2>&1; fi' EXIT
}
