#!/usr/bin/env bash
# Datapath cost per packet via BPF_PROG_TEST_RUN (bench/DatapathBench): every program path
# (non-VIP, established and new flow per NAT mode) behind a wrapper that restores the original
# packet on each `repeat` run, beside the wrapper around a no-op; then conntrack lookup cost and
# memory with the table filled to 1,000,000 entries. bench/run.sh runs it too.
# Usage: bench/datapath.sh [--quick] [--repeat N] [--batches N] [--ct-fill N] [--paths-only]   (root; release build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ "$(id -u)" = 0 ] || { echo "bench/datapath.sh needs root (BPF)" >&2; exit 1; }
export FIXTURE_NETNS=${BENCH_FIXTURE_NETNS:-slbfx-b}
trap 'scripts/fixture-netns.sh down' EXIT
swift build -c release --product swiftlb-bench >&2
bin=$(swift build -c release --show-bin-path)
scripts/fixture-netns.sh up
ip netns exec "$FIXTURE_NETNS" "$bin/swiftlb-bench" "$@"
