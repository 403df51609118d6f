#!/usr/bin/env bash
# Interleaved A/B of datapath objects: the same release swiftlb-bench runs `--paths-only` with
# each object directory in turn (SWIFTLB_BPF_OBJECT_DIR: <dir>/swiftlb.bpf.o and
# <dir>/bench_wrapper.bpf.o), ROUNDS times, pinned to one CPU, in the fixture namespace. Prints
# one table: per path the ns above the wrapper floor, median of the rounds (min–max).
# Usage: bench/ab.sh [--rounds N] NAME=DIR NAME=DIR...   (root)
#   e.g. bench/ab.sh --rounds 6 before=/tmp/ab/old after=/tmp/ab/new
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ "$(id -u)" = 0 ] || { echo "bench/ab.sh needs root (BPF)" >&2; exit 1; }
rounds=5
if [ "${1:-}" = --rounds ]; then rounds=${2:?--rounds needs a number}; shift 2; fi
[ $# -ge 2 ] || { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
for spec in "$@"; do
    dir=${spec#*=}
    [ -f "$dir/swiftlb.bpf.o" ] && [ -f "$dir/bench_wrapper.bpf.o" ] ||
        { echo "bench/ab.sh: $dir needs swiftlb.bpf.o and bench_wrapper.bpf.o" >&2; exit 2; }
done
export FIXTURE_NETNS=${BENCH_FIXTURE_NETNS:-slbfx-ab}
out=$(mktemp -d /tmp/swiftlb-ab.XXXXXX)
trap 'scripts/fixture-netns.sh down; rm -rf "$out"' EXIT
swift build -c release --product swiftlb-bench >&2
bin=$(swift build -c release --show-bin-path)
scripts/fixture-netns.sh up
for round in $(seq 1 "$rounds"); do
    for spec in "$@"; do
        name=${spec%%=*} dir=${spec#*=}
        echo "== $name $round" >&2
        SWIFTLB_BPF_OBJECT_DIR=$dir ip netns exec "$FIXTURE_NETNS" taskset -c 1 "$bin/swiftlb-bench" --paths-only \
            >"$out/$name.$round.md"
    done
done
python3 bench/tools/ab_table.py "$out" "${@%%=*}"
