#!/usr/bin/env bash
# Datapath cost per packet via BPF_PROG_TEST_RUN: established flow, new flow, non-VIP traffic and
# a no-op floor. Usage: bench/datapath.sh [iterations]   (root; builds in release mode)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ "$(id -u)" = 0 ] || { echo "bench/datapath.sh needs root (BPF)" >&2; exit 1; }
export FIXTURE_NETNS=slb-bench
trap 'scripts/fixture-netns.sh down' EXIT
swift build -c release --product swiftlb-bench >&2
bin=$(swift build -c release --show-bin-path)
scripts/fixture-netns.sh up
ip netns exec "$FIXTURE_NETNS" "$bin/swiftlb-bench" "${1:-20000}"
