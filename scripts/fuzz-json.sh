#!/usr/bin/env bash
# Fuzzes the REST API's JSON bodies with libFuzzer: builds fuzz/ (its own package, so the main
# build is unchanged) with -sanitize=fuzzer,address, then runs it on a temporary copy of the seed
# corpus fuzz/corpus, with the dictionary fuzz/json.dict, for a bounded time. Every body type is
# decoded with LoxiJSON, validated, and round-tripped through the config store's JSON
# (fuzz/Sources/SwiftLBJSONFuzz says what is checked). docs/security.md has measured figures.
#
# Usage: scripts/fuzz-json.sh [--long] [--seconds N] [--no-build] [--verbose]
#   default: 60 s (FUZZ_JSON_SECONDS); --long: 20 min (FUZZ_JSON_LONG_SECONDS)
#   FUZZ_JSON_CORPUS_OUT=DIR keeps the grown corpus; FUZZ_JSON_ARTIFACTS=DIR is where crashing inputs
#   go (default fuzz/artifacts, git-ignored); FUZZ_JSON_ARGS adds libFuzzer flags (split on spaces,
#   e.g. "-seed=1 -jobs=2").
# Ends with one line "fuzz-json: N runs, M crashes"; exits 1 on a crash (printing the input's path
# and hex), 2 on a usage or build error.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${FUZZ_JSON_SECONDS:-60}
build=1 verbose=0

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case $1 in
    --long) seconds=${FUZZ_JSON_LONG_SECONDS:-1200} ;;
    --seconds) seconds=${2:?--seconds needs a number}; shift ;;
    --no-build) build=0 ;;
    --verbose) verbose=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "fuzz-json: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
case $seconds in '' | *[!0-9]*) echo "fuzz-json: seconds must be a whole number, got $seconds" >&2; exit 2 ;; esac

binary=$root/fuzz/.build-fuzz/release/SwiftLBJSONFuzz
artifacts=${FUZZ_JSON_ARTIFACTS:-$root/fuzz/artifacts}
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-json.XXXXXX")
trap 'rm -rf "$work"' EXIT

# SwiftPM's --sanitize flags make it link libFuzzer's main instead of renaming the target's (a plain
# -Xswiftc -sanitize=fuzzer fails to link: "undefined symbol SwiftLBJSONFuzz_main"). But SwiftPM passes
# them to swiftc as two -sanitize= options, of which swiftc keeps only the last (address): without the
# combined -Xswiftc -sanitize=fuzzer,address, which comes last, no module would be instrumented for
# coverage. Every module is built so, SwiftLBCore and swift-log included. -parse-as-library because the
# target has no main.swift, only LLVMFuzzerTestOneInput.
build_target() {
    echo "fuzz-json: building $binary"
    # SwiftPM does not rescan a path dependency's source directories for a cached build plan, so a
    # file added to SwiftLBCore would be left out: drop the plan (the objects stay; this costs ~1 s).
    rm -f "$root"/fuzz/.build-fuzz/*/release/description.json
    swift build -c release --package-path "$root/fuzz" --scratch-path "$root/fuzz/.build-fuzz" \
        --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
        >"$work/build.log" 2>&1 || {
        tail -40 "$work/build.log" >&2
        echo "fuzz-json: build failed (log above)" >&2
        exit 2
    }
}

# Runs libFuzzer; its output goes to $work/fuzz.log and, without --verbose, only its status lines
# (not each new corpus input) to the terminal.
run_fuzzer() {
    local extra=()
    read -r -a extra <<<"${FUZZ_JSON_ARGS:-}"
    mkdir -p "$work/corpus" "$artifacts"
    cp "$root"/fuzz/corpus/* "$work/corpus/"
    echo "fuzz-json: fuzzing for ${seconds}s, seeds from fuzz/corpus ($(find "$root/fuzz/corpus" -type f | wc -l) files)"
    "$binary" "$work/corpus" -dict="$root/fuzz/json.dict" -max_len=4096 -max_total_time="$seconds" \
        -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$artifacts/" "${extra[@]}" 2>&1 |
        tee "$work/fuzz.log" |
        if [ "$verbose" = 1 ]; then cat; else
            grep --line-buffered -aE 'INITED|pulse|DONE|ERROR|finding|Fatal|SUMMARY|Test unit'
        fi
    return "${PIPESTATUS[0]}"
}

# The crashing inputs libFuzzer wrote, one path a line.
crash_files() {
    grep -aoE 'Test unit written to [^ ]+' "$work/fuzz.log" | sed 's/^Test unit written to //' || true
}

# Prints each crashing input's path, size and bytes in hex.
report_crashes() {
    local file
    while IFS= read -r file; do
        [ -n "$file" ] || continue
        echo "fuzz-json: crashing input $file ($(wc -c <"$file") bytes):"
        xxd "$file" | head -300
    done
}

# The summary: runs from the final stats (or the last "#N" status line), coverage and speed.
summarize() {
    local log=$work/fuzz.log runs speed cov ft corpus
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    [ -n "$runs" ] || runs=$(grep -aoE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -aoE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -aoE 'ft: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
    corpus=$(grep -aoE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -1 | cut -d' ' -f2)
    echo "fuzz-json: ${speed:-?} exec/s, coverage ${cov:-?} edges (${ft:-?} features), corpus ${corpus:-?} inputs/bytes"
    echo "fuzz-json: ${runs:-0} runs, $1 crashes"
}

[ "$build" = 0 ] || build_target
[ -x "$binary" ] || { echo "fuzz-json: $binary is missing; run without --no-build" >&2; exit 2; }
run_fuzzer
status=$?
crashes=$(crash_files)
count=$(printf '%s' "$crashes" | grep -c . || true)
[ -z "${FUZZ_JSON_CORPUS_OUT:-}" ] || { mkdir -p "$FUZZ_JSON_CORPUS_OUT" && cp "$work"/corpus/* "$FUZZ_JSON_CORPUS_OUT"/; }
if [ "$status" != 0 ] || [ "$count" != 0 ]; then
    [ "$count" != 0 ] || count=1
    grep -aE 'finding|Fatal error|ERROR: AddressSanitizer|ERROR: libFuzzer|SUMMARY' "$work/fuzz.log" | head -20
    printf '%s\n' "$crashes" | report_crashes
    summarize "$count"
    exit 1
fi
summarize 0
