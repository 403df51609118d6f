# shellcheck shell=bash disable=SC2034 # variables used by the sourcing scripts
# e2e/soak: addresses, rule bodies, an API call that several loops may make at once, the
# measurements (daemon RSS, descriptors, threads; datapath map entries; conntrack slots) and
# the probe flapper. Sourced by soak's setup, check and teardown after common.sh and
# scenario_init.

# How long the churn, the flapping and the traffic run (CI: 120 s; the documented long run: 1800).
SOAK_SECONDS=${SLB_SOAK_SECONDS:-120}
# Conntrack sweeps every 2 s (default 10) so that the end state is reached soon after the load stops.
SOAK_GC_INTERVAL=2
# Whether the end waits until every flow has expired, those kept by the FIN race too (see
# ct_slots.py: up to the 120 s FIN timeout). Without it the end state is judged without the
# fin_race flows (counted and reported). Default: on for runs of 10 minutes or more.
if [[ -z "${SLB_SOAK_FULL_DRAIN:-}" ]]; then
    SOAK_FULL_DRAIN=0
    [[ ! "$SOAK_SECONDS" =~ ^[0-9]+$ ]] || ((SOAK_SECONDS < 600)) || SOAK_FULL_DRAIN=1
else
    SOAK_FULL_DRAIN=$SLB_SOAK_FULL_DRAIN
fi
# What setup+check need beyond SOAK_SECONDS: start-up, warm-up (one cycle, then the warm-up's
# flows expire: TCP closed 10 s), the flapper's last cycle, the drain and two sweeps at the end
# (with the full drain, up to the FIN timeout more).
SOAK_OVERHEAD=$((100 + SOAK_FULL_DRAIN * 130))
# Health probes of the monitored rules: every second, out after two failures.
PROBE_INTERVAL=1
PROBE_RETRIES=2
# Detection bounds of the flapper: interval x retries + 3 s out, interval + 3 s back in.
FLAP_OUT_MS=$((PROBE_INTERVAL * PROBE_RETRIES * 1000 + 3000))
FLAP_IN_MS=$((PROBE_INTERVAL * 1000 + 3000))
FLAP_UP_S=4
FLAP_DOWN_S=3

LB=/netlox/v1/config/loadbalancer
UDP_PORT=5300
# Target ports of the churned default-mode (DNAT) rules: each rule its own, none the stable
# rules' 8080. DNAT keeps the client's address and port, so a flow's reply entry is
# endpoint:port -> client:port, the same for every VIP that leads to that endpoint and port; the
# datapath refuses a new flow whose reply entry another flow holds, closed ones included for
# their 10 s (drop_ct_insert, bpf/lib/ct.h slb_ct_rev_taken), and the client's kernel reuses a
# source port at once for another destination. Shared target ports would make the churned rules
# and the stable one refuse each other's connections now and then.
ALT_PORT1=8081
ALT_PORT2=8082
# The stable rules stay for the whole run: VIP:80 -> srv1, srv2 (never stopped; tcp probes) and
# VIP:81 -> srv3 alone (http probes; srv3's HTTP server is the one the flapper stops and starts).
STABLE_PORT=80
FLAP_PORT=81
# The churned rules' VIPs (the client routes 10.N.100.0/24 to the lb namespace).
SOAK_VIP1="10.$NET_OCTET.100.11"
SOAK_VIP2="10.$NET_OCTET.100.12"
SOAK_VIP3="10.$NET_OCTET.100.13"
SOAK_VIP4="10.$NET_OCTET.100.14"
# Port range of the lc rule on SOAK_VIP4 (four service keys).
RANGE_FIRST=8000
RANGE_LAST=8003

now_ms() { date +%s%3N; }

# api_to FILE METHOD PATH [BODY] [CURL ARGS...]: common.sh's api with its own body file, so that
# the churn loop and the flapper can call the API at the same time. Prints the HTTP status.
# BODY "-" sends none. Without the token when SOAK_NO_AUTH is set (the 401 case).
api_to() {
    local file=$1 m=$2 p=$3 data=${4:--}
    shift 3
    (($# == 0)) || shift
    local auth=("${API_AUTH[@]}")
    [[ -z "${SOAK_NO_AUTH:-}" ]] || auth=()
    local args=(-sS -o "$file" -w '%{http_code}' --max-time 10 -X "$m" "${auth[@]}" "$@"
        "http://127.0.0.1:$SLB_API_PORT$p")
    [[ "$data" == - ]] || args+=(-H 'Content-Type: application/json' --data-binary "$data")
    : >"$file"
    in_ns "$NS_LB" curl "${args[@]}" 2>>"$STATE_DIR/curl-errors.log"
}

# eps_json PORT IP[:WEIGHT]...: a JSON endpoints array.
eps_json() {
    local port=$1 out="" e ip w
    shift
    for e in "$@"; do
        ip=${e%%:*}
        w=1
        [[ "$e" != *:* ]] || w=${e#*:}
        out+="${out:+,}{\"endpointIP\":\"$ip\",\"targetPort\":$port,\"weight\":$w}"
    done
    echo "[$out]"
}

# rule_json VIP PORT PROTO SEL MODE NAME ENDPOINTS_JSON [EXTRA SERVICE FIELDS]: a loadbalancer
# body; EXTRA is JSON text added to serviceArguments (e.g. "\"monitor\":true").
rule_json() {
    printf '{"serviceArguments":{"externalIP":"%s","port":%s,"protocol":"%s","sel":%s,"mode":%s,"name":"%s"%s},"endpoints":%s}' \
        "$1" "$2" "$3" "$4" "$5" "$6" "${8:+,$8}" "$7"
}

# rule_count FILE: rules in a GET loadbalancer/all answer.
rule_count() {
    "$PYTHON" -c 'import json,sys; print(len(json.load(open(sys.argv[1])).get("lbAttr") or []))' "$1" 2>/dev/null
}

# ep_state_in FILE PORT IP: the state of endpoint IP of the rule VIP:PORT in a GET loadbalancer/all answer.
ep_state_in() {
    "$PYTHON" - "$1" "$VIP" "$2" "$3" <<'PY'
import json, sys
body, vip, port, ip = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
try:
    rules = json.load(open(body)).get("lbAttr") or []
except ValueError:
    rules = []
for rule in rules:
    args = rule["serviceArguments"]
    if args["externalIP"] == vip and args["port"] == port:
        for ep in rule["endpoints"]:
            if ep["endpointIP"] == ip:
                print(ep["state"])
PY
}

# wait_ep FILE PORT IP STATE MAX_MS: polls GET loadbalancer/all every 100 ms until endpoint IP of
# VIP:PORT is in STATE; sets WAITED_MS; returns 1 on timeout.
wait_ep() {
    local file=$1 port=$2 ip=$3 want=$4 max=$5 start got
    start=$(now_ms)
    while true; do
        got=""
        [[ "$(api_to "$file" GET "$LB/all")" != 200 ]] || got=$(ep_state_in "$file" "$port" "$ip")
        WAITED_MS=$(($(now_ms) - start))
        [[ "$got" == "$want" ]] && return 0
        ((WAITED_MS > max)) && return 1
        sleep 0.1
    done
}

# ---------------------------------------------------------------- client load

# The client load: e2e/tools/http_load.py in the client namespace, one process per NAME (stable,
# flap) named loadNAME, logging to STATE_DIR/load-NAME-PART.out. http_load.py exits on an
# http.client error that is not an OSError (IncompleteRead when srv3 is stopped in the middle of
# an answer), so load_watch starts it again; load_log joins the parts.
declare -A LOAD_PARTS LOAD_RESTARTS

# load_start NAME URL TIMEOUT_S PAUSE_S DEADLINE: one more part, until DEADLINE (epoch seconds) + 60.
load_start() {
    local name=$1 n=${LOAD_PARTS[$1]:-0} seconds=$(($5 + 60 - $(date +%s)))
    LOAD_PARTS[$name]=$((n + 1))
    bg_start "load$name" "$NS_CLIENT" "$PYTHON" "$E2E_DIR/tools/http_load.py" --url "$2" \
        --log "$STATE_DIR/load-$name-$n.out" --timeout "$3" --pause "$4" --max-seconds "$seconds" \
        --max-requests $((seconds * 100))
}

# load_watch NAME URL TIMEOUT_S PAUSE_S DEADLINE: if loadNAME exited before DEADLINE, logs the
# request it died on as failed (from the end of its last logged one to now, with the exit code
# and the last line of its output), counts the restart and starts the next part.
load_watch() {
    local name=$1 part last
    bg_alive "load$name" && return 0
    (($(date +%s) < $5)) || return 0
    bg_wait "load$name" 1
    part=$STATE_DIR/load-$name-$((LOAD_PARTS[$name] - 1)).out
    last=$(tail -n 1 "$part" 2>/dev/null | awk '{print $2}')
    echo "${last:-$(now_ms)} $(now_ms) fail loader exited $BG_RC: $(tail -n 1 "$STATE_DIR/load$name.log")" >>"$part"
    LOAD_RESTARTS[$name]=$((${LOAD_RESTARTS[$name]:-0} + 1))
    load_start "$@"
}

# load_log NAME: the parts of loadNAME in order, as STATE_DIR/load-NAME.out.
load_log() {
    local n
    : >"$STATE_DIR/load-$1.out"
    for ((n = 0; n < ${LOAD_PARTS[$1]:-0}; n++)); do
        cat "$STATE_DIR/load-$1-$n.out" >>"$STATE_DIR/load-$1.out" 2>/dev/null
    done
}

# ---------------------------------------------------------------- measurements

# map_entries NAME: entries of the pinned hash-like map NAME (bpftool), "?" if unreadable.
map_entries() {
    local out
    out=$(bpftool -j map dump pinned "$BPFFS_DIR/$1" 2>/dev/null) || {
        echo "?"
        return
    }
    "$PYTHON" -c 'import json,sys; print(len(json.load(sys.stdin)))' <<<"$out" 2>/dev/null || echo "?"
}

# measure TAG: the figures of this moment to STATE_DIR/measure-TAG.txt ("NAME VALUE" lines):
# the daemon's VmRSS, RssAnon, RssFile (KiB; the mapped binary and the conntrack table, which
# the sweep maps and touches whole), descriptors and threads; entries of the datapath's service
# (slb_svc: one per VIP, port and protocol), selection-table (slb_sel_tbl), persist (slb_persist)
# and allow-list (slb_allow) maps; conntrack slots by state (ct_slots.py) and the flows the API
# lists, each also without the flows kept by the FIN race (ct_live_other, ct_flows_other; the
# race: ct_slots.py); probe targets (GET endpoint/all), rules, and the lines of /metrics.
# Returns 1 if the daemon is gone.
measure() {
    local out=$STATE_DIR/measure-$1.txt pid body=$STATE_DIR/measure.body slots race flows
    pid=$(bg_pid daemon) || return 1
    {
        echo "rss_kib $(awk '$1 == "VmRSS:" {print $2}' "/proc/$pid/status")"
        echo "rss_anon_kib $(awk '$1 == "RssAnon:" {print $2}' "/proc/$pid/status")"
        echo "rss_file_kib $(awk '$1 == "RssFile:" {print $2}' "/proc/$pid/status")"
        echo "fds $(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
        echo "threads $(awk '$1 == "Threads:" {print $2}' "/proc/$pid/status")"
        echo "map_svc $(map_entries slb_svc)"
        echo "map_sel_tbl $(map_entries slb_sel_tbl)"
        echo "map_persist $(map_entries slb_persist)"
        echo "map_allow $(map_entries slb_allow)"
        slots=$("$PYTHON" "$E2E_DIR/soak/ct_slots.py" "$BPFFS_DIR/slb_ct" 2>&1)
        race=$(awk '$13 == "fin_race" {print $14}' <<<"$slots")
        echo "ct_live $(awk '$1 == "live" {print $2}' <<<"$slots")"
        echo "ct_fin_race ${race:-?}"
        echo "ct_live_other $(awk '$1 == "live" {print $2 - 2 * $14}' <<<"$slots")"
        echo "ct_dead $(awk '$1 == "live" {print $6 + $8}' <<<"$slots")"
        api_to "$body" GET /netlox/v1/config/conntrack/all >/dev/null
        flows=$("$PYTHON" -c 'import json,sys; print(len(json.load(open(sys.argv[1])).get("ctAttr") or []))' "$body" 2>/dev/null)
        echo "ct_flows ${flows:-?}"
        echo "ct_flows_other $((${flows:-0} - ${race:-0}))"
        api_to "$body" GET /netlox/v1/config/endpoint/all >/dev/null
        echo "probe_targets $("$PYTHON" -c 'import json,sys; print(len(json.load(open(sys.argv[1])).get("Attr") or []))' "$body" 2>/dev/null || echo "?")"
        api_to "$body" GET "$LB/all" >/dev/null
        echo "rules $(rule_count "$body")"
        api_to "$body" GET /metrics >/dev/null
        echo "metrics_lines $(wc -l <"$body")"
    } >"$out"
    [[ -n "$slots" ]] && note "conntrack slots ($1): $slots"
}

# ct_summary: the flows the API lists, counted by rule, state and action ("COUNT RULE STATE ACT"
# lines, most frequent first, at most 8): what keeps conntrack entries alive.
ct_summary() {
    local body=$STATE_DIR/summary.body
    api_to "$body" GET /netlox/v1/config/conntrack/all >/dev/null
    "$PYTHON" - "$body" <<'PY'
import collections, json, sys
try:
    flows = json.load(open(sys.argv[1])).get("ctAttr") or []
except ValueError:
    flows = []
count = collections.Counter(
    (f"{c['destinationIP']}:{c['destinationPort']}/{c['protocol']}", c["conntrackState"], c["conntrackAct"].split(":")[0])
    for c in flows)
for (rule, state, act), n in count.most_common(8):
    print(n, rule, state, act)
PY
}

# packet_counters FILE: the datapath's packet counters ("REASON VALUE", swiftlb_packets_total) to FILE.
packet_counters() {
    lb_metrics | sed -n 's/^swiftlb_packets_total{reason="\([a-z0-9_]*\)"} \([0-9]*\)$/\1 \2/p' >"$1"
}

# counter_deltas BEFORE AFTER PATTERN: "reason +N" for the counters matching PATTERN that grew.
counter_deltas() {
    awk -v pat="$3" 'NR == FNR {b[$1] = $2; next} $1 ~ pat && $2 > b[$1] {printf "%s +%d ", $1, $2 - b[$1]}' "$1" "$2"
}

# figure TAG NAME: one figure of a measurement.
figure() { awk -v n="$2" '$1 == n {print $2}' "$STATE_DIR/measure-$1.txt"; }

# sample ELAPSED CYCLE: one line of the daemon's RSS, anonymous RSS, descriptors and threads
# during the run, appended to STATE_DIR/samples.txt.
sample() {
    local pid
    pid=$(bg_pid daemon) || return 1
    printf '%s %s %s %s %s %s\n' "$1" "$2" \
        "$(awk '$1 == "VmRSS:" {print $2}' "/proc/$pid/status")" \
        "$(awk '$1 == "RssAnon:" {print $2}' "/proc/$pid/status")" \
        "$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)" \
        "$(awk '$1 == "Threads:" {print $2}' "/proc/$pid/status")" >>"$STATE_DIR/samples.txt"
}

# ---------------------------------------------------------------- the probe flapper

# flapper DEADLINE_S MAX_FLAPS: stops and starts srv3's HTTP server (process http3, by its
# recorded PID) until DEADLINE_S (epoch seconds) or MAX_FLAPS cycles: up FLAP_UP_S s after the
# rule VIP:FLAP_PORT says it is active, stop, wait until it says inactive, down FLAP_DOWN_S s,
# start, wait until active. Writes "MS EVENT [WAITED_MS]" lines to STATE_DIR/flap.events
# (active, stop, inactive, start; late-out / late-in when a bound is missed, error on a
# failure). Leaves the server running. Run in the background (bg_start flapper - flapper ...).
flapper() {
    local deadline=$1 max=$2 i ev=$STATE_DIR/flap.events body=$STATE_DIR/flap.body srv3=${SRV_IP[3]}
    : >"$ev"
    if wait_ep "$body" "$FLAP_PORT" "$srv3" active "$FLAP_IN_MS"; then
        echo "$(now_ms) active" >>"$ev"
    else
        echo "$(now_ms) late-in $WAITED_MS" >>"$ev"
    fi
    for ((i = 0; i < max; i++)); do
        sleep "$FLAP_UP_S"
        # Room for a whole cycle (down, detection both ways) before the deadline?
        (($(date +%s) + FLAP_DOWN_S + 10 < deadline)) || break
        echo "$(now_ms) stop" >>"$ev"
        bg_stop http3 TERM 5 || echo "$(now_ms) error http3 needed SIGKILL" >>"$ev"
        if wait_ep "$body" "$FLAP_PORT" "$srv3" inactive "$FLAP_OUT_MS"; then
            echo "$(now_ms) inactive $WAITED_MS" >>"$ev"
        else
            echo "$(now_ms) late-out $WAITED_MS" >>"$ev"
        fi
        sleep "$FLAP_DOWN_S"
        echo "$(now_ms) start" >>"$ev"
        bg_start http3 "${NS_SRV[3]}" "$PYTHON" "$E2E_DIR/tools/named_http_server.py" --name srv3 --port "$HTTP_PORT" ||
            echo "$(now_ms) error http3 did not start" >>"$ev"
        wait_tcp "${NS_SRV[3]}" 127.0.0.1 "$HTTP_PORT" || echo "$(now_ms) error http3 does not listen" >>"$ev"
        if wait_ep "$body" "$FLAP_PORT" "$srv3" active "$FLAP_IN_MS"; then
            echo "$(now_ms) active $WAITED_MS" >>"$ev"
        else
            echo "$(now_ms) late-in $WAITED_MS" >>"$ev"
        fi
    done
    echo "$(now_ms) end $i" >>"$ev"
}
