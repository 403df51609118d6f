#!/usr/bin/env bash
# Runs every test level (DESIGN §4): pure unit tests, datapath fixtures through BPF_PROG_TEST_RUN
# in a prepared namespace, and scenarios with the real daemon in network namespaces.
# Usage: scripts/test.sh [unit|budget|datapath|interop|kube|e2e|fuzz|bench|kernels]...
#   (default: all; every stage but unit needs root)
# budget runs scripts/verifier-budget.sh: every program of every embedded BPF object loads on this
# kernel within half the verifier's limit, and packets pass through the loaded datapath.
# kernels runs scripts/kernel-matrix.sh --quick: the same on Debian 12's 6.1 kernel and the newest
# kernel Debian offers, booted in QEMU (the full matrix: scripts/kernel-matrix.sh).
# interop runs scripts/bfd-interop.sh: SwiftLB's BFD sessions against FRR's bfdd.
# kube runs the fake Kubernetes API server's self-test with the real kubectl
# (e2e/tools/kube_apiserver_test.py) and scripts/validate-deploy.sh (manifests, Helm chart).
# bench runs `bench/run.sh --quick` and `bench/l7.sh` (1 s runs) as smoke tests of the benchmark harness: each passes when the
# run completes and its report table is well formed (no timing is asserted).
# Ends with one line "tests: N passed, N failed" counting every test of every level.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(unit budget datapath interop kube e2e fuzz bench kernels)
logdir=$(mktemp -d /tmp/swiftlb-test.XXXXXX)
passed=0 failed=0 broken=()

# Counts Swift Testing's per-test result lines in a log.
count_swift_tests() {
    local log=$1 p f
    p=$(grep -aE '^.{0,4}Test [^ ].* passed after' "$log" | grep -vac 'Test run with') || true
    f=$(grep -aE '^.{0,4}Test [^ ].* failed after' "$log" | grep -vac 'Test run with') || true
    passed=$((passed + p)) failed=$((failed + f))
    # A summary that counts failures fails its stage, whatever the command's exit status.
    [ "$f" = 0 ] || [[ " ${broken[*]} " == *" $stage "* ]] || broken+=("$stage")
    echo "==> $2: $p passed, $f failed"
}

# The second of the README's two commands: bring what a fresh machine lacks first.
scripts/install-deps.sh || { echo "tests: 0 passed, 1 failed"; exit 1; }

echo "==> building (swift build --build-tests)"
if ! swift build --build-tests 2>&1 | tee "$logdir/build.log" | grep -E "error:|warning:|Compiling|Build" | grep -v "^\[" ; then :; fi
if ! grep -q "Build complete" "$logdir/build.log"; then
    echo "==> build failed (log: $logdir/build.log)"
    echo "tests: 0 passed, 1 failed"
    exit 1
fi

for stage in "${stages[@]}"; do
    case "$stage" in
    unit)
        echo "==> unit tests (pure: core, store, API, CLI)"
        swift test --skip-build --skip SwiftLBDatapathTests 2>&1 | tee "$logdir/unit.log"
        [ "${PIPESTATUS[0]}" = 0 ] || broken+=(unit)
        count_swift_tests "$logdir/unit.log" "unit tests"
        ;;
    budget | kernels | interop)
        if [ "$(id -u)" != 0 ]; then echo "==> $stage needs root: skipped"; broken+=("$stage-needs-root"); continue; fi
        if [ "$stage" = budget ]; then
            echo "==> verifier budget (every program of every BPF object, on this kernel)"
            summary='^verifier budget: '
            scripts/verifier-budget.sh 2>&1 | tee "$logdir/$stage.log"
            status=${PIPESTATUS[0]}
        elif [ "$stage" = interop ]; then
            echo "==> interoperability (BFD against FRR's bfdd)"
            summary='^bfd interop: '
            scripts/bfd-interop.sh 2>&1 | tee "$logdir/$stage.log"
            status=${PIPESTATUS[0]}
        else
            echo "==> kernel matrix (scripts/kernel-matrix.sh --quick: Debian 12's kernel and the newest, in QEMU)"
            summary='^kernel-matrix: '
            scripts/kernel-matrix.sh --quick 2>&1 | tee "$logdir/$stage.log"
            status=${PIPESTATUS[0]}
        fi
        # The command's own status (read right after its pipeline, not after the branch's end).
        [ "$status" = 0 ] || broken+=("$stage")
        line=$(grep -aE "$summary[0-9]+ passed, [0-9]+ failed" "$logdir/$stage.log" | tail -1)
        if [ -n "$line" ]; then
            read -r p f <<<"$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/' <<<"$line")"
            passed=$((passed + p)) failed=$((failed + f))
            # A summary that counts failures fails its stage, whatever the command's exit status.
            [ "$f" = 0 ] || [[ " ${broken[*]} " == *" $stage "* ]] || broken+=("$stage")
        else
            failed=$((failed + 1))
        fi
        ;;
    datapath)
        if [ "$(id -u)" != 0 ]; then echo "==> datapath fixtures need root: skipped"; broken+=(datapath-needs-root); continue; fi
        echo "==> datapath fixtures (BPF_PROG_TEST_RUN in namespace slb-fixtures)"
        scripts/fixture-netns.sh up
        SWIFTLB_FIXTURE_NETNS=1 ip netns exec slb-fixtures swift test --skip-build --filter SwiftLBDatapathTests 2>&1 |
            tee "$logdir/datapath.log"
        [ "${PIPESTATUS[0]}" = 0 ] || broken+=(datapath)
        scripts/fixture-netns.sh down
        count_swift_tests "$logdir/datapath.log" "datapath fixtures"
        ;;
    kube)
        echo "==> Kubernetes: the fake API server against kubectl, and deploy/ validation"
        bin_dir=$(swift build --show-bin-path)
        for check in "python3 e2e/tools/kube_apiserver_test.py|kube-apiserver fake: " \
            "scripts/validate-deploy.sh|deploy validation: "; do
            command=${check%%|*} summary=${check#*|}
            SWIFTLB_BIN_DIR=$bin_dir timeout 600 $command 2>&1 | tee "$logdir/kube.log"
            [ "${PIPESTATUS[0]}" = 0 ] || broken+=("kube: $command")
            line=$(grep -aE "^$summary[0-9]+ passed, [0-9]+ failed" "$logdir/kube.log" | tail -1)
            if [ -n "$line" ]; then
                read -r p f <<<"$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/' <<<"$line")"
                passed=$((passed + p)) failed=$((failed + f))
                # A summary that counts failures fails its stage, whatever the command's exit status.
                [ "$f" = 0 ] || [[ " ${broken[*]} " == *" $stage "* ]] || broken+=("$stage")
            else
                failed=$((failed + 1))
            fi
        done
        ;;
    e2e)
        if [ "$(id -u)" != 0 ]; then echo "==> scenarios need root: skipped"; broken+=(e2e-needs-root); continue; fi
        echo "==> scenarios (real daemon and traffic in network namespaces)"
        SWIFTLB_BIN_DIR=$(swift build --show-bin-path) e2e/run.sh 2>&1 | tee "$logdir/e2e.log"
        [ "${PIPESTATUS[0]}" = 0 ] || broken+=(e2e)
        line=$(grep -aE '^[0-9]+ passed, [0-9]+ failed' "$logdir/e2e.log" | tail -1)
        if [ -n "$line" ]; then
            read -r p _ f _ <<<"${line//,/}"
            passed=$((passed + p)) failed=$((failed + f))
            # A summary that counts failures fails its stage, whatever the command's exit status.
            [ "$f" = 0 ] || [[ " ${broken[*]} " == *" $stage "* ]] || broken+=("$stage")
        else
            failed=$((failed + 1))
        fi
        ;;
    fuzz)
        # Short runs of the fuzzers (docs/security.md has the long ones): JSON bodies with libFuzzer,
        # and the API with schemathesis against the daemon's OpenAPI document (root: a namespace).
        # The datapath fuzzer is part of the datapath fixtures.
        for fuzzer in json api; do
            script=scripts/fuzz-$fuzzer.sh
            [ -x "$script" ] || continue
            if [ "$fuzzer" = api ] && [ "$(id -u)" != 0 ]; then broken+=(fuzz-api-needs-root); continue; fi
            echo "==> fuzz: $script (short run)"
            if timeout 900 "$script" 2>&1 | tee "$logdir/fuzz-$fuzzer.log"; [ "${PIPESTATUS[0]}" = 0 ]; then
                passed=$((passed + 1))
            else
                failed=$((failed + 1)) broken+=("fuzz-$fuzzer")
            fi
        done
        ;;
    bench)
        if [ "$(id -u)" != 0 ]; then echo "==> benchmark smoke test needs root: skipped"; broken+=(bench-needs-root); continue; fi
        echo "==> benchmark harness smoke test (bench/run.sh --quick, debug binaries)"
        report=""
        if SWIFTLB_BIN_DIR=$(swift build --show-bin-path) timeout 600 bench/run.sh --quick --out "$logdir/bench" 2>&1 |
            tee "$logdir/bench.log"; then
            report=$(find "$logdir/bench" -name '*-quick.md' ! -name '*.datapath.md' 2>/dev/null | head -1)
        fi
        if [ -n "$report" ] && python3 bench/tools/report.py --check "$report"; then
            passed=$((passed + 1))
            echo "==> bench: 1 passed, 0 failed"
        else
            failed=$((failed + 1)) broken+=(bench)
            echo "==> bench: 0 passed, 1 failed"
        fi
        # The L7 proxies' table (bench/l7.sh, about 25 s with 1 s runs): six rows, each with requests.
        echo "==> L7 proxy benchmark smoke test (bench/l7.sh, 1 s runs, debug binaries)"
        SWIFTLB_BIN_DIR=$(swift build --show-bin-path) BENCH_L7_SECONDS=1 timeout 120 bench/l7.sh 2>&1 |
            tee "$logdir/bench-l7.log"
        rows=$(grep -cE '^\| (swiftlb|haproxy|nginx) \| https? \| [0-9.]*[1-9][0-9.]* \|' "$logdir/bench-l7.log")
        if [ "$rows" = 6 ]; then
            passed=$((passed + 1))
            echo "==> bench l7: 1 passed, 0 failed"
        else
            failed=$((failed + 1)) broken+=(bench-l7)
            echo "==> bench l7: 0 passed, 1 failed ($rows of 6 rows with requests)"
        fi
        ;;
    *)
        echo "unknown stage $stage (use unit, budget, datapath, interop, kube, e2e, fuzz, bench, kernels)" >&2
        exit 2
        ;;
    esac
done
[ ${#broken[@]} -eq 0 ] || echo "==> stages with failures: ${broken[*]} (logs in $logdir)"
if [ ${#broken[@]} -gt 0 ] && [ "$failed" = 0 ]; then failed=1; fi
echo "tests: $passed passed, $failed failed"
[ ${#broken[@]} -eq 0 ]
