#!/usr/bin/env bash
# Runs the HA failover matrix of issue 16 and prints the failover table in Markdown:
# mode x trigger -> longest gap any client saw, broken connections, takeover time.
#
#   sudo e2e/tools/ha_table.sh                       # ha_failover, ha_return, ha_bgp; all modes
#   sudo e2e/tools/ha_table.sh --controls            # first the single-instance controls
#   sudo SLB_HA_MODES=default e2e/tools/ha_table.sh failover bgp
#
# Parts: failover (ha_failover: MASTER SIGKILLed + links cut, GARP), return (ha_return: the same,
# then the old MASTER comes back), bgp (ha_bgp: the failover with bird2 and BGP); baselines without
# the daemons' election: manual (SLB_HA_MANUAL=1), controller (SLB_HA_CONTROLLER=1), bgp-manual.
# --controls adds two runs of lb1 alone without HA flags (ha_failover with SLB_HA_SINGLE=1):
# traffic without a kill (must pass) and the kill without a standby (must show broken
# connections: it proves the measurement can fail). Each scenario runs setup, check and teardown with its own state
# directory under SLB_HA_TABLE_DIR (default /tmp/swiftlb-ha-table/<time>, kept); the rows are
# the checks' "row ..." lines. Environment: SWIFTLB_BIN_DIR, SLB_HA_MODES, SLB_HA_STREAMS.
set -uo pipefail
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../lib/common.sh
source "$E2E_DIR/lib/common.sh"
require_root
resolve_bins || exit 2

controls=""
parts=()
for arg in "$@"; do
    case "$arg" in
    --controls) controls=1 ;;
    failover | return | bgp | manual | controller | bgp-manual) parts+=("$arg") ;;
    -h | --help)
        sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "unknown argument '$arg' (want --controls, failover, return, bgp, manual, controller, bgp-manual)" >&2
        exit 2
        ;;
    esac
done
((${#parts[@]})) || parts=(failover return bgp)
OUT=${SLB_HA_TABLE_DIR:-/tmp/swiftlb-ha-table/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
ROWS=$OUT/rows.txt
: >"$ROWS"

# run LABEL SCENARIO [VAR=VALUE...]: setup + check (bounded by the scenario's timeout file),
# then teardown; appends its rows (tagged with LABEL) to ROWS.
run() {
    local label=$1 scenario=$2 dir=$OUT/$1 limit rc
    shift 2
    mkdir -p "$dir"
    limit=$(cat "$E2E_DIR/$scenario/timeout" 2>/dev/null || echo 300)
    printf '%-22s ' "$label" >&2
    # shellcheck disable=SC2016 # $1 expands in the inner shell
    env "$@" SLB_RUNNER=1 SLB_STATE_DIR="$dir" timeout -k 10 "$limit" \
        bash -c '"$1/setup" && "$1/check"' _ "$E2E_DIR/$scenario" >"$dir/scenario.log" 2>&1
    rc=$?
    env "$@" SLB_STATE_DIR="$dir" timeout -k 5 120 "$E2E_DIR/$scenario/teardown" >>"$dir/teardown.log" 2>&1
    echo "exit $rc ($(grep -c '^row ' "$dir/scenario.log") rows; $(grep '^FAIL: ' "$dir/scenario.log" | cut -c1-160))" >&2
    sed -n "s/^row /row label=$label /p" "$dir/scenario.log" >>"$ROWS"
}

if [[ -n "$controls" ]]; then
    run single-traffic ha_failover SLB_HA_SINGLE=1 SLB_HA_TRIGGER=none SLB_HA_MODES="${SLB_HA_MODES:-default}"
    run single-kill ha_failover SLB_HA_SINGLE=1 SLB_HA_TRIGGER=kill SLB_HA_MODES="${SLB_HA_MODES:-default}"
fi
for part in "${parts[@]}"; do
    case "$part" in
    failover) run failover ha_failover SLB_HA_TRIGGER=kill ;;
    return) run return ha_return ;;
    bgp) run bgp ha_bgp SLB_HA_TRIGGER=kill ;;
    manual) run manual ha_failover SLB_HA_MANUAL=1 SLB_HA_TRIGGER=kill ;;
    controller) run controller ha_failover SLB_HA_CONTROLLER=1 SLB_HA_TRIGGER=kill ;;
    bgp-manual) run bgp-manual ha_bgp SLB_HA_MANUAL=1 SLB_HA_TRIGGER=kill ;;
    esac
done

# The Markdown table.
awk '
function v(k,   i, kv) { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return substr($i, length(k) + 2) } return "?" }
BEGIN {
    print "| mode | trigger | max gap (s) | gap at the event (s) | broken streams | failed short conns (of all) | slowest short conn (s) | takeover (ms) | roles | pass |"
    print "|---|---|---|---|---|---|---|---|---|---|"
}
/^row / {
    label = v("label"); trig = v("trigger")
    if (label == "single-traffic") t = "lb1 alone, no kill (control)"
    else if (label == "single-kill") t = "lb1 alone, SIGKILL + links cut, no standby (control)"
    else if (label == "failover") t = "SIGKILL MASTER + links cut (GARP)"
    else if (label == "return") t = "same, then the old MASTER returns (GARP)"
    else if (label == "bgp") t = (trig == "return" ? "BGP: kill, then return" : "SIGKILL MASTER + links cut (BGP, bird2)")
    else if (label == "manual") t = "baseline: script moves the addresses + GARP, no HA, no sync"
    else if (label == "controller") t = "baseline: roles POSTed by a controller 0.6 s after the kill, no sync"
    else if (label == "bgp-manual") t = "baseline: BGP, no HA (equal routes), no sync"
    else t = label "/" trig
    ev = v("event_gap"); if (ev == "0.000") ev = "< 0.3"
    tk = v("takeover_ms"); if (v("join_ms") != "-") tk = tk " (rejoin " v("join_ms") ")"
    if (v("route_ms") != "-" && v("route_ms") != "?") tk = tk " (route " v("route_ms") ")"
    roles = v("roles"); gsub(",", " ", roles)
    printf "| %s | %s | %s | %s | %s | %s of %d | %s | %s | %s | %s |\n", v("mode"), t, v("max_gap"), ev,
        v("broken_streams"), v("failed_short"), v("short_ok") + v("failed_short"), v("slowest_short"), tk, roles, v("pass")
}' "$ROWS" | tee "$OUT/table.md"
echo >&2
echo "rows: $ROWS; logs: $OUT/<label>/; table: $OUT/table.md" >&2
