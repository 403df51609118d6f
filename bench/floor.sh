#!/usr/bin/env bash
# The platform floor: what single operations that any conntrack datapath needs cost on this
# machine (clock reads, map lookups and inserts, an inline write into arrays of growing size,
# packet writes, checksum and redirect helpers), each timed alone through BPF_PROG_TEST_RUN
# (`bpftool prog run ... repeat R`) and set against an empty program. Programs: bench/floor/.
# Prints a markdown table with the machine's facts (docs/benchmarks.md); bench/run.sh runs it too.
# Usage: bench/floor.sh [--quick] [--repeat R] [--rounds N] [--out FILE]   (root; clang, bpftool)
#   default R 200000, 15 rounds (about 15 s); --quick: R 20000, 5 rounds (a few seconds).
# Exits non-zero when a program fails to load or to run as it should.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repeat=200000 rounds=15 out=""
while [[ $# -gt 0 ]]; do
    case "$1" in
    --quick) repeat=20000 rounds=5 ;;
    --repeat) repeat=$2 && shift ;;
    --rounds) rounds=$2 && shift ;;
    --out) out=$2 && shift ;;
    -h | --help) sed -n '2,9p' "$0" && exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2 && exit 2 ;;
    esac
    shift
done
[[ $(id -u) == 0 ]] || { echo "bench/floor.sh needs root (BPF)" >&2 && exit 1; }
for tool in clang bpftool python3; do
    command -v "$tool" >/dev/null || { echo "error: $tool not found" >&2 && exit 2; }
done

# Remove only what this run created, on any exit.
tmp="" pins=""
# shellcheck disable=SC2317 # called by the trap
cleanup() {
    trap - EXIT INT TERM
    [[ -n $pins ]] && rm -rf "$pins"
    [[ -n $tmp ]] && rm -rf "$tmp"
    return 0
}
trap cleanup EXIT
trap 'echo "floor: interrupted" >&2; exit 130' INT TERM
tmp=$(mktemp -d /tmp/slb-floor.XXXXXX)

clang -target bpf -O2 -g -Wall -Werror -I"/usr/include/$(gcc -print-multiarch)" \
    -c "$here/floor/floor.bpf.c" -o "$tmp/floor.o"
pins=/sys/fs/bpf/slb_floor_$$
bpftool prog loadall "$tmp/floor.o" "$pins" || { echo "floor: the programs failed to load" >&2 && exit 1; }

# 64 bytes: Ethernet, IPv4 (total length 50, valid checksum), TCP SYN, 10 bytes of payload.
python3 - "$tmp/frame" <<'EOF'
import struct, sys
ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 50, 1, 0x4000, 64, 6, 0,
                           bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])))
s = sum(struct.unpack("!10H", ip))
s = (s & 0xffff) + (s >> 16)
ip[10:12] = struct.pack("!H", ~((s & 0xffff) + (s >> 16)) & 0xffff)
tcp = struct.pack("!HHIIBBHHH", 40000, 80, 1, 0, 5 << 4, 0x02, 65535, 0, 0)
eth = bytes.fromhex("020000000002" "020000000001" "0800")
open(sys.argv[1], "wb").write(eth + bytes(ip) + tcp + bytes(10))
EOF

# name|expected return value|what the row is (order of the table)
ops=(
    "noop|0|empty program, the floor"
    "ktime|0|\`bpf_ktime_get_ns\`"
    "ktime_coarse|0|\`bpf_ktime_get_coarse_ns\`"
    "jiffies|0|\`bpf_jiffies64\` (inlined by the verifier on x86-64)"
    "pcpu_array_inc|0|per-CPU array lookup (inlined) + increment"
    "htab_lookup_hot|0|hash lookup, 40-byte key, the same key every run (hit)"
    "htab_lookup_random|0|hash lookup, 40-byte key, a random one of 131,072 keys in a 262,144-slot map (hit)*"
    "htab_insert|0|hash insert of a new 40-byte key + 112-byte value (BPF_NOEXIST) + delete of the previous one*"
    "array_write_10|0|inline insert: CAS + 152-byte write, random slot of 2^10 (160 KiB)*"
    "array_write_14|0|inline insert, random slot of 2^14 (2.5 MiB)*"
    "array_write_16|0|inline insert, random slot of 2^16 (10 MiB)*"
    "array_write_18|0|inline insert, random slot of 2^18 = 262,144 (40 MiB)*"
    "array_write_20|0|inline insert, random slot of 2^20 (160 MiB)*"
    "array_read_18|0|inline lookup: read + compare state and 40-byte key, random slot of 2^18*"
    "store_bytes_38|0|\`bpf_skb_store_bytes\`, 38 bytes"
    "direct_write_38|0|the same 38 bytes written directly (after a data_end check)"
    "l4_csum_replace|0|\`bpf_l4_csum_replace\` (BPF_F_PSEUDO_HDR, 4 bytes)"
    "redirect|7|\`bpf_redirect\` (return value only)"
)

# run_prog NAME EXPECT REPEAT: prints the average ns of one `bpftool prog run`, fails when the
# run fails or the last run's return value is not EXPECT.
run_prog() {
    local output ret ns
    output=$(timeout 120 bpftool prog run pinned "$pins/$1" data_in "$tmp/frame" repeat "$3" 2>&1) || {
        echo "floor: $1 failed to run: $output" >&2 && return 1
    }
    ret=$(sed -n 's/.*Return value: \([0-9-]*\).*/\1/p' <<<"$output")
    ns=$(sed -En 's/.*duration( \(average\))?: ([0-9]+)ns.*/\2/p' <<<"$output")
    if [[ $ret != "$2" || -z $ns ]]; then
        echo "floor: $1 returned '$ret' (expected $2): $output" >&2 && return 1
    fi
    echo "$ns"
}

failed=0
run_prog htab_fill 0 1 >/dev/null || failed=1
# Rounds interleave the programs, so a burst of outside load hits every row, not one.
declare -A samples
for ((round = 1; round <= rounds; round++)); do
    for op in "${ops[@]}"; do
        IFS='|' read -r name expect _ <<<"$op"
        [[ ${samples[$name]-} == failed ]] && continue
        if ns=$(run_prog "$name" "$expect" "$repeat"); then
            samples[$name]+="$ns "
        else
            samples[$name]=failed failed=1
        fi
    done
done

# median WORDS...: the middle value (the lower of the two middles for an even count).
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }

floor_ns=""
# shellcheck disable=SC2086 # the samples are a list of words
[[ ${samples[noop]-failed} != failed ]] && floor_ns=$(median ${samples[noop]})
measured=0
table="| operation | ns (median) | ns above noop | min–max |
|---|---:|---:|---:|"
for op in "${ops[@]}"; do
    IFS='|' read -r name _ label <<<"$op"
    if [[ ${samples[$name]-failed} == failed ]]; then
        table+=$'\n'"| $label (\`$name\`) | failed | | |"
        continue
    fi
    # shellcheck disable=SC2086 # the samples are a list of words
    read -r med lo hi <<<"$(median ${samples[$name]}) $(printf '%s\n' ${samples[$name]} | sort -n | sed -n '1p;$p' | xargs)"
    above=$([[ -n $floor_ns ]] && echo $((med - floor_ns)) || echo "?")
    table+=$'\n'"| $label (\`$name\`) | $med | $above | $lo–$hi |"
    measured=$((measured + 1))
done

vuln=/sys/devices/system/cpu/vulnerabilities
report="### Platform floor: single operations through BPF_PROG_TEST_RUN (bench/floor.sh)

- $(date -u '+%Y-%m-%d %H:%M UTC'); kernel $(uname -r); $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) CPUs
- spec_rstack_overflow: $(cat $vuln/spec_rstack_overflow 2>/dev/null || echo n/a)
- spectre_v2: $(cat $vuln/spectre_v2 2>/dev/null || echo n/a)
- method: \`bpftool prog run ... repeat $repeat\` on a 64-byte Ethernet + IPv4 + TCP frame, $rounds rounds interleaving the programs; median and min–max of the rounds' averages. Rows marked * take a fresh key from a per-CPU counter, so they include the per-CPU array row.

$table"
echo "$report"
[[ -z $out ]] || echo "$report" >"$out"
echo "floor: $measured operations measured"
exit $failed
