#!/usr/bin/env bash
# Loading firewall rules (issue 18; docs/benchmarks.md, "Firewall"): how long N rules take to
# reach the datapath through the daemon's API, against iptables-restore of the same rules.
#
#   sudo bench/firewall-load.sh        about 1-2 minutes with the defaults
#   environment: SWIFTLB_BIN_DIR (default: swift build --show-bin-path), BENCH_FW_PREFIX (slbfwb),
#                BENCH_FW_RULES (100000: for apply and iptables-restore), BENCH_FW_SERIAL (2000:
#                rules posted one after the other on one keep-alive connection)
#
# In the LB namespace of a topology (e2e/lib/topology.sh) the daemon runs with its own config
# database. Three loads, each of /32 source rules with distinct preferences:
#   serial   BENCH_FW_SERIAL POSTs one after the other (each answered after its durable commit)
#   apply    `swiftlbctl apply --firewall FWconfig.txt` with BENCH_FW_RULES rules (32 requests in
#            flight: the daemon commits the requests that arrive together at once)
#   iptables iptables-restore of BENCH_FW_RULES `-s ADDR/32 -j DROP` rules into a chain
# Prints rules per second for each and SwiftLB's ratios.
set -uo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
SLB_PREFIX=${BENCH_FW_PREFIX:-slbfwb}
# shellcheck source=../e2e/lib/common.sh
source "$ROOT/e2e/lib/common.sh"
require_root
scenario_init fwbench
RULES=${BENCH_FW_RULES:-100000}
SERIAL=${BENCH_FW_SERIAL:-2000}
DIR=$STATE_DIR/bench
trap 'standard_teardown >/dev/null 2>&1; rm -rf -- "$DIR"' EXIT
resolve_bins || exit 1
standard_teardown >/dev/null 2>&1
rm -rf -- "$DIR" && mkdir -p "$DIR" "$STATE_DIR/pids"
ensure_bpffs || exit 1
topo_up "$PREFIX" >/dev/null || { echo "topology failed"; exit 1; }

# rules_file N OFFSET: FWconfig.txt (loxicmd's save format) with N drop rules from OFFSET on.
rules_file() {
    "$PYTHON" - "$1" "$2" <<'PY'
import json, sys
n, offset = int(sys.argv[1]), int(sys.argv[2])
def rule(i):
    i += offset
    return {"ruleArguments": {"sourceIP": f"10.{100 + i // 65536}.{(i // 256) % 256}.{i % 256}/32",
                              "preference": i % 60000 + 1}, "opts": {"drop": True}}
print(json.dumps({"fwAttr": [rule(i) for i in range(n)]}))
PY
}

# now_ns: the monotonic clock in nanoseconds.
now_ns() { date +%s%N; }

SLB_LOG_LEVEL=warning daemon_start >/dev/null || { echo "swiftlb did not start"; exit 1; }

rules_file "$SERIAL" 0 >"$DIR/serial.json"
say "serial: $SERIAL rules, one POST after the other"
t0=$(now_ns)
token=$(awk '$2 == "admin" { print $3; exit }' "$API_TOKEN_FILE")
in_ns "$NS_LB" "$PYTHON" - "$DIR/serial.json" "$SLB_API_PORT" "$token" <<'PY' || { echo "serial load failed"; exit 1; }
import http.client, json, sys
rules = json.load(open(sys.argv[1]))["fwAttr"]
conn = http.client.HTTPConnection("127.0.0.1", int(sys.argv[2]), timeout=30)
headers = {"Content-Type": "application/json", "Authorization": "Bearer " + sys.argv[3]}
for r in rules:
    conn.request("POST", "/netlox/v1/config/firewall", json.dumps(r), headers)
    response = conn.getresponse()
    response.read()
    if response.status != 200:
        sys.exit(f"HTTP {response.status} for {r}")
PY
serial_s=$(((($(now_ns) - t0) / 1000000)))

rules_file "$RULES" "$SERIAL" >"$DIR/FWconfig.txt"
say "apply: $RULES rules with swiftlbctl apply --firewall"
t0=$(now_ns)
out=$(timeout 600 nsenter --net="/run/netns/$NS_LB" -- "$SWIFTLBCTL" apply --firewall "$DIR/FWconfig.txt" 2>&1) || { echo "apply failed (exit $?): $(tail -n 3 <<<"$out")"; exit 1; }
apply_s=$(((($(now_ns) - t0) / 1000000)))
count=$(timeout 120 nsenter --net="/run/netns/$NS_LB" -- "$SWIFTLBCTL" get firewall -o json | "$PYTHON" -c 'import json,sys; print(len(json.load(sys.stdin)["fwAttr"]))')
((count == RULES + SERIAL)) || { echo "the daemon holds $count rules, want $((RULES + SERIAL))"; exit 1; }
daemon_stop TERM 10 >/dev/null 2>&1

say "iptables-restore: $RULES rules"
"$PYTHON" - "$RULES" "$SERIAL" >"$DIR/iptables.rules" <<'PY'
import sys
n, offset = int(sys.argv[1]), int(sys.argv[2])
print("*filter\n:SLBBENCH - [0:0]")
for i in range(offset, offset + n):
    print(f"-A SLBBENCH -s 10.{100 + i // 65536}.{(i // 256) % 256}.{i % 256}/32 -j DROP")
print("COMMIT")
PY
t0=$(now_ns)
in_ns "$NS_LB" iptables-restore --noflush "$DIR/iptables.rules" || { echo "iptables-restore failed"; exit 1; }
ipt_s=$(((($(now_ns) - t0) / 1000000)))

"$PYTHON" - "$SERIAL" "$serial_s" "$RULES" "$apply_s" "$ipt_s" <<'PY'
import sys
serial, serial_ms, rules, apply_ms, ipt_ms = map(int, sys.argv[1:])
rate = lambda n, ms: n / max(ms, 1) * 1000
rows = [("swiftlb serial POSTs", serial, serial_ms), ("swiftlb apply --firewall", rules, apply_ms),
        ("iptables-restore", rules, ipt_ms)]
print(f"\n| load | rules | seconds | rules/s |\n|---|---|---|---|")
for name, n, ms in rows:
    print(f"| {name} | {n:,} | {ms / 1000:.1f} | {rate(n, ms):,.0f} |")
print(f"\napply vs serial: {rate(rules, apply_ms) / rate(serial, serial_ms):.1f}x the rate; "
      f"apply vs iptables-restore: {rate(rules, apply_ms) / rate(rules, ipt_ms):.2f}x")
PY
