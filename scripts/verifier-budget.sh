#!/usr/bin/env bash
# The verifier budget test (DESIGN §7): loads every program of every BPF object the build
# embeds (the daemon's datapath, bpf/progs, and the benchmark-only objects, bpf/bench) into this
# kernel, prints the verifier's cost per program (processed instructions, peak states, stack,
# time) and fails when a program is refused or needs more than half the verifier's
# 1,000,000-instruction limit. Then it sends packets through the loaded datapath
# (tools/verifier/packet-test.c). Needs root and a build (swift build).
# Usage: scripts/verifier-budget.sh [--limit N]     (default 500000)
# Ends with "verifier budget: N passed, M failed" (one per program, one for the packet test).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
limit=500000
[ "${1:-}" = "--limit" ] && limit=${2:?--limit needs a number}

if [ "$(id -u)" != 0 ]; then
    echo "verifier-budget: needs root (loading BPF programs)" >&2
    echo "verifier budget: 0 passed, 1 failed"
    exit 1
fi
bin="$root/.build/verifier"
if ! tools/verifier/build.sh "$bin" >/dev/null; then
    echo "verifier budget: 0 passed, 1 failed"
    exit 1
fi
mapfile -t objects < <(ls .build/plugins/outputs/*/BPFObjects/destination/BPFCompilerPlugin/*.bpf.o \
    .build/plugins/outputs/*/BPFBenchObjects/destination/BPFCompilerPlugin/*.bpf.o 2>/dev/null)
if [ ${#objects[@]} -eq 0 ]; then
    echo "verifier-budget: no BPF objects under .build/plugins/outputs: run swift build first" >&2
    echo "verifier budget: 0 passed, 1 failed"
    exit 1
fi
echo "kernel $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), limit $limit"
passed=0 failed=0
for object in "${objects[@]}"; do
    echo "== $(basename "$object")"
    args=(--limit "$limit")
    # Packets go through the datapath only; the benchmark objects have no datapath to test.
    [ "$(basename "$object")" = swiftlb.bpf.o ] && args+=(--packet)
    out=$("$bin/slb-verify" "${args[@]}" "$object" 2>&1)
    status=$?
    echo "$out"
    ok=$(echo "$out" | awk '$2 == "ok" && $3 ~ /^[0-9]+$/' | wc -l)
    bad=$(echo "$out" | awk '$2 == "OVER" || $2 == "REFUSED" || $2 == "not"' | wc -l)
    passed=$((passed + ok)) failed=$((failed + bad))
    if [[ " ${args[*]} " == *" --packet "* ]]; then
        if echo "$out" | grep -q "^packet: .*FAILED" || [ "$status" != 0 ]; then
            failed=$((failed + 1))
        else
            passed=$((passed + 1))
        fi
    elif [ "$status" != 0 ] && [ "$bad" = 0 ]; then
        failed=$((failed + 1))
    fi
done
echo "verifier budget: $passed passed, $failed failed"
[ "$failed" = 0 ]
