#!/usr/bin/env bash
# The HA failover table (issue 16): runs e2e/tools/ha_table.sh (the ha_failover, ha_return and
# ha_bgp scenarios, each NAT mode, plus the single-instance controls) and keeps the Markdown table
# with the machine's facts in bench/results/<UTC time>-ha-failover.md.
# Usage: sudo bench/ha-failover.sh [ha_table.sh arguments]   (default: --controls failover return bgp)
# Environment: as ha_table.sh (SWIFTLB_BIN_DIR, SLB_HA_MODES, SLB_HA_OWN_SYSFS, SLB_HA_FLOOD...).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[[ $(id -u) == 0 ]] || { echo "bench/ha-failover.sh needs root (namespaces, BPF)" >&2 && exit 1; }
(($#)) || set -- --controls failover return bgp
stamp=$(date -u +%Y-%m-%dT%H%MZ)
out=$here/results/$stamp-ha-failover.md
dir=/tmp/swiftlb-ha-table/$stamp
SLB_HA_TABLE_DIR=$dir "$here/../e2e/tools/ha_table.sh" "$@" || exit $?
{
    echo "# HA failover, $stamp"
    echo
    echo "Machine: $(nproc) CPUs, Linux $(uname -r); binaries: ${SWIFTLB_BIN_DIR:-swift build --show-bin-path} (debug unless said)."
    echo "Each run: 20 echo streams (20 chunks/s of 256 bytes) and a short connection every 20 ms through the VIP;"
    echo "the gap is the longest time any stream, or the sequence of short connections, went without data."
    echo "Knobs: SLB_HA_OWN_SYSFS=${SLB_HA_OWN_SYSFS:-0} SLB_HA_FLOOD=${SLB_HA_FLOOD:-0} SLB_HA_ONEARM_SOURCE=${SLB_HA_ONEARM_SOURCE:-1} SLB_HA_MODES='${SLB_HA_MODES:-default onearm fullnat}'."
    echo
    cat "$dir/table.md"
} >"$out"
echo "table: $out"
