#!/usr/bin/env bash
# BFD interoperability (issue: HA): SwiftLB's BFDEndpoint against FRR's bfdd (Debian package frr)
# across a veth pair between two namespaces. The session must come Up on both sides, then go
# Down on SwiftLB's side by detection time once bfdd is stopped; prints how long that took.
# Needs root and a build (swift build --build-tests). Cleans up its namespaces, daemons and
# directories by name and PID.
# Ends with "bfd interop: N passed, M failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source e2e/lib/frr.sh
ns_lb=slbbfd-lb ns_frr=slbbfd-frr space=slbbfd
work=$(mktemp -d /tmp/slbbfd.XXXXXX)
chmod 755 "$work" # bfdd reads its configuration as user frr
xctest=$(swift build --show-bin-path)/SwiftLBPackageTests.xctest

finish() {
    local rc=$1
    frr_cleanup "$space"
    ip netns del "$ns_lb" 2>/dev/null
    ip netns del "$ns_frr" 2>/dev/null
    if [ "$rc" = 0 ]; then
        rm -rf -- "$work" # logs are kept only for a failure
        echo "bfd interop: 1 passed, 0 failed"
    else
        echo "bfd interop: 0 passed, 1 failed (logs in $work)"
    fi
    exit "$rc"
}

[ "$(id -u)" = 0 ] || { echo "bfd-interop: needs root" >&2; finish 1; }
[ -x "$xctest" ] || { echo "bfd-interop: build the tests first (swift build --build-tests)" >&2; finish 1; }

ip netns del "$ns_lb" 2>/dev/null; ip netns del "$ns_frr" 2>/dev/null
ip netns add "$ns_lb" && ip netns add "$ns_frr" || finish 1
ip -n "$ns_lb" link add bfd0 type veth peer name bfd1 netns "$ns_frr" || finish 1
ip -n "$ns_lb" addr add 10.77.0.1/24 dev bfd0
ip -n "$ns_frr" addr add 10.77.0.2/24 dev bfd1
for ns in "$ns_lb" "$ns_frr"; do ip -n "$ns" link set lo up; done
ip -n "$ns_lb" link set bfd0 up && ip -n "$ns_frr" link set bfd1 up || finish 1

cat >"$work/frr.conf" <<'CONF'
bfd
 peer 10.77.0.1 local-address 10.77.0.2
  receive-interval 200
  transmit-interval 200
  detect-multiplier 3
 !
!
CONF
frr_bfdd_start "$ns_frr" "$space" "$work/frr.conf" || finish 1

echo "==> SwiftLB's BFD session to FRR bfdd (200 ms x 3)"
SWIFTLB_BFD_PEER=10.77.0.2 timeout -s KILL 120 ip netns exec "$ns_lb" "$xctest" --testing-library swift-testing \
    --filter BFDInteropTests >"$work/test.log" 2>&1 &
test_pid=$!
up=""
for _ in $(seq 100); do
    peers=$(frr_bfd_peers "$ns_frr" "$space")
    [[ "$peers" == *"Status: up"* ]] && { up=yes; break; }
    sleep 0.2
done
[ -n "$up" ] || { echo "FAIL: FRR never saw the session Up"; kill "$test_pid" 2>/dev/null; finish 1; }
echo "ok: FRR bfdd shows the session Up"
stopped=$(date +%s.%N)
frr_stop "$space" bfdd
wait "$test_pid"
rc=$?
grep -E "bfd transition" "$work/test.log" | sed 's/^/    /'
down=$(grep -E "Up -> Down" "$work/test.log" | sed -E 's/.* at ([0-9.]+)$/\1/' | tail -1)
if [ "$rc" != 0 ] || [ -z "$down" ]; then
    echo "FAIL: SwiftLB's side did not go Down after bfdd stopped"
    finish 1
fi
echo "ok: Down $(python3 -c "print(round(($down - $stopped) * 1000))") ms after bfdd stopped (detection time 600 ms)"
finish 0
