#!/usr/bin/env bash
# Runs SwiftLB's network-namespace scenarios with the real daemon (DESIGN §4, level 3).
#
#   sudo e2e/run.sh                  # every scenario
#   sudo e2e/run.sh basic_rr delete  # only these
#   sudo e2e/run.sh --list
#
# Each scenario e2e/NAME/{setup,check,teardown} runs isolated: its own name prefix
# (slbt<short>), namespaces, bpffs directory and config database; setup+check together get
# SLB_SCENARIO_TIMEOUT seconds (default 120); teardown always runs afterwards.
# Prints PASS/FAIL per scenario with the reason (and, on failure, the tails of the scenario
# and daemon logs), then "N passed, N failed"; exits 1 if any failed.
#
# Environment: SWIFTLB_BIN_DIR (where swiftlb and swiftlbctl are; default: swift build
# --show-bin-path), SLB_E2E_LOGDIR (logs; default /tmp/swiftlb-e2e-logs/<time>; kept for
# failed scenarios, removed for passed ones unless SLB_KEEP_LOGS=1), SLB_SCENARIO_TIMEOUT.
set -uo pipefail
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
source "$E2E_DIR/lib/common.sh"

ALL=(basic_rr hash restart_stream delete sigkill_restore sigkill_bulk invalid bulk late_interface fullnat onearm portrange allowsrc fnsrc nat66 nat64 health l4dsr l4proto weighted persist hash_streams idle_reset l4v6 health_sctp churn apisec soak)
ALL+=(n3 firewall saveapply l7_proxy)
ALL+=(sctp_multihome srv6 srv6_kernel gtpu policer mirror)
ALL+=(bgp bgp_ecmp bgp_restart bgp6 bfd)
ALL+=(ha_failover ha_return ha_bgp)
ALL+=(kube_basic kube_multi kube_scale)

if [[ "${1:-}" == --list ]]; then
    printf '%s\n' "${ALL[@]}"
    exit 0
fi
if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
fi
require_root

for tool in ip nsenter curl timeout ethtool "$PYTHON"; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "error: $tool is missing (apt-get install iproute2 util-linux curl coreutils ethtool python3)" >&2
        exit 2
    }
done

selected=("$@")
((${#selected[@]})) || selected=("${ALL[@]}")
for s in "${selected[@]}"; do
    if [[ ! -x "$E2E_DIR/$s/setup" || ! -x "$E2E_DIR/$s/check" || ! -x "$E2E_DIR/$s/teardown" ]]; then
        echo "error: unknown scenario '$s' (known: ${ALL[*]})" >&2
        exit 2
    fi
done

resolve_bins || exit 2
ensure_bpffs || exit 2
export SLB_RUNNER=1 # setup/check leave teardown to us
TIMEOUT=${SLB_SCENARIO_TIMEOUT:-120}
LOG_ROOT=${SLB_E2E_LOGDIR:-/tmp/swiftlb-e2e-logs/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$LOG_ROOT"
echo "SwiftLB e2e: binaries in $SWIFTLB_BIN_DIR, logs in $LOG_ROOT"

current=""
child=""
teardown_current() {
    [[ -n "$current" ]] || return 0
    SLB_STATE_DIR=$LOG_ROOT/$current timeout -k 5 90 "$E2E_DIR/$current/teardown" \
        >>"$LOG_ROOT/$current/teardown.log" 2>&1
    local rc=$?
    current=""
    return $rc
}
# The scenario runs in the background and we `wait` for it, so a signal is handled at once:
# stop the scenario (timeout passes the signal on to its process group), then tear down.
interrupted() {
    trap '' PIPE # stdout may be gone (run.sh piped into head): tear down anyway
    if [[ -n "$child" ]]; then
        kill -TERM "$child" 2>/dev/null
        wait "$child" 2>/dev/null
        child=""
    fi
    [[ -z "$current" ]] || echo "interrupted: tearing down $current"
    teardown_current
    exit "$1"
}
trap 'interrupted 130' INT
trap 'interrupted 143' TERM
trap 'interrupted 141' PIPE
trap 'teardown_current' EXIT

passed=0
failed=0
failures=()
for s in "${selected[@]}"; do
    dir=$LOG_ROOT/$s
    rm -rf "$dir"
    mkdir -p "$dir"
    current=$s
    printf '%-16s ' "$s"
    t0=$(date +%s)
    # A scenario that needs longer names its limit in NAME/timeout (SLB_SCENARIO_TIMEOUT wins).
    limit=$TIMEOUT
    [[ -n "${SLB_SCENARIO_TIMEOUT:-}" || ! -f "$E2E_DIR/$s/timeout" ]] || limit=$(<"$E2E_DIR/$s/timeout")
    SLB_SCENARIO_TIMEOUT=$limit SLB_STATE_DIR=$dir timeout -k 10 "$limit" bash -c '"$1/setup" && "$1/check"' _ "$E2E_DIR/$s" \
        >"$dir/scenario.log" 2>&1 &
    child=$!
    wait "$child"
    rc=$?
    child=""
    teardown_current
    trc=$?
    secs=$(($(date +%s) - t0))
    if ((rc == 0)); then
        passed=$((passed + 1))
        echo "PASS (${secs} s)"
    else
        failed=$((failed + 1))
        failures+=("$s")
        if ((rc == 124 || rc == 137)); then
            reason="timed out after $limit s (last step: $(grep '^==> ' "$dir/scenario.log" | tail -n 1))"
        else
            reason=$(grep '^FAIL: ' "$dir/scenario.log" | tail -n 1 | cut -c7-)
            [[ -n "$reason" ]] || reason="exit $rc without a FAIL line"
        fi
        ((${#reason} <= 400)) || reason="${reason:0:400}..."
        echo "FAIL (${secs} s): $reason"
        echo "    --- scenario log (last 25 lines of $dir/scenario.log)"
        tail -n 25 "$dir/scenario.log" | sed 's/^/    | /'
        if [[ -s "$dir/daemon.log" ]]; then
            echo "    --- daemon log (last 30 lines of $dir/daemon.log)"
            tail -n 30 "$dir/daemon.log" | sed 's/^/    | /'
        fi
    fi
    if ((trc != 0)) || grep -q '^warning: ' "$dir/teardown.log" 2>/dev/null; then
        echo "    teardown: rc $trc; $(grep -h '^warning: ' "$dir/teardown.log" | tr '\n' ' ')"
    fi
    # Anything the teardown should have removed?
    prefix=${SLB_PREFIX:-$(scenario_prefix "$s")}
    left=$(ip netns list 2>/dev/null | awk -v p="$prefix-" 'index($1, p) == 1 {print $1}' | tr '\n' ' ')
    [[ -z "$left" ]] || echo "    teardown left namespaces behind: $left"
    if ((rc == 0)) && [[ -z "${SLB_KEEP_LOGS:-}" ]]; then
        rm -rf "$dir"
    fi
done
rmdir "$LOG_ROOT" 2>/dev/null || true
((failed == 0)) || echo "failed: ${failures[*]} (logs in $LOG_ROOT)"
echo "$passed passed, $failed failed"
((failed == 0))
