#!/usr/bin/env bash
# Fuzzes SwiftLB's REST API with schemathesis, driven by the OpenAPI document the daemon serves
# (GET /netlox/v1/openapi.json), against the real daemon in a network namespace of its own.
#
#   sudo scripts/fuzz-api.sh          # CI size: FUZZ_EXAMPLES (50) cases per operation, about a minute
#   sudo scripts/fuzz-api.sh --long   # FUZZ_LONG_EXAMPLES (2000) per operation
#
# Every answer is checked (FUZZ_CHECKS): no 5xx but 507 where the document lists it
# (not_a_server_error), a documented status (status_code_conformance), the documented content
# type, body schema and headers (content_type_conformance, response_schema_conformance,
# response_headers_conformance), requests the document calls invalid refused
# (negative_data_rejection), no access without a valid token (ignored_auth,
# missing_required_header); the daemon must also still run at the end. Closes with one line
# "fuzz-api: N passed, M failed" (operations, plus one for the daemon's survival) and exits 1
# when anything failed.
#
# What it does: pip-installs schemathesis (pinned) into a virtualenv if missing; builds swiftlb
# unless SWIFTLB_BIN_DIR is set; creates namespace slbfz<pid> (lo and a veth pair, nothing routed
# out), starts `swiftlb run` there with a private bpffs directory, config database and token file
# (and --bgp when gobgpd is installed; else the BGP operations are skipped, as without --bgp they
# answer 503 by design); runs schemathesis inside it (`ip netns exec`); on exit, however it ends,
# stops the daemon and whatever else runs in the namespace by PID, cleans the pinned maps and
# deletes the namespace.
#
# Environment:
#   SWIFTLB_BIN_DIR     directory holding swiftlb (default: swift build, then --show-bin-path)
#   FUZZ_EXAMPLES       examples per operation in the short run (default 50)
#   FUZZ_LONG_EXAMPLES  examples per operation with --long (default 2000)
#   FUZZ_WORKERS        concurrent schemathesis workers (default 1: with more, hypothesis on Python 3.11
#                       sometimes fails in its coverage phase with "AST constructor recursion depth mismatch")
#   FUZZ_SEED           hypothesis seed, to replay a run (default: random, printed)
#   FUZZ_TOKEN          API token sent as "Authorization: Bearer <token>", with FUZZ_DAEMON_ARGS naming
#                       the token file that holds it (default: a new admin token in a file of the run's)
#   FUZZ_CHECKS         schemathesis checks, comma-separated (default: the list above; "all" adds
#                       unsupported_method and positive_data_acceptance)
#   FUZZ_DAEMON_ARGS    extra `swiftlb run` arguments, split on spaces
#   FUZZ_ARGS           extra schemathesis arguments, split on spaces (e.g. --report har)
#   FUZZ_VENV           virtualenv for schemathesis (default ~/.cache/swiftlb/schemathesis-<version>)
#   FUZZ_REPORT_DIR     where the daemon log and schemathesis reports go (default: a new /tmp dir,
#                       kept when something failed)
#   PYTHON              python3 used to create the virtualenv (3.9 or later)
set -uo pipefail

SCHEMATHESIS_VERSION=4.32.5
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

long=0
case "${1:-}" in
--long) long=1 ;;
"") ;;
-h | --help)
    sed -n '2,40p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
*)
    echo "usage: $0 [--long]" >&2
    exit 2
    ;;
esac

if [[ $(id -u) -ne 0 ]]; then
    echo "error: $(basename "$0") needs root (network namespace, BPF programs and maps): run it with sudo" >&2
    exit 2
fi
for tool in ip nsenter curl; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "error: $tool is missing (apt-get install iproute2 util-linux curl)" >&2
        exit 2
    }
done

if ((long)); then
    examples=${FUZZ_LONG_EXAMPLES:-2000}
    workers=${FUZZ_WORKERS:-1}
else
    examples=${FUZZ_EXAMPLES:-50}
    workers=${FUZZ_WORKERS:-1}
fi
seed=${FUZZ_SEED:-$((RANDOM * 32768 + RANDOM))}
NS=slbfz$$
PORT=11111
BPFFS=/sys/fs/bpf/$NS
REPORT_DIR=${FUZZ_REPORT_DIR:-$(mktemp -d /tmp/swiftlb-fuzz.XXXXXX)}
mkdir -p "$REPORT_DIR"
DAEMON_LOG=$REPORT_DIR/daemon.log
daemon_pid=""
failed=1 # until the run has been judged

# ---------------------------------------------------------------- cleanup

# shellcheck disable=SC2317 # stop_pid and cleanup run from the EXIT trap
# stop_pid PID: TERM, up to 10 s, then KILL.
stop_pid() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

# shellcheck disable=SC2317
cleanup() {
    trap '' INT TERM
    local pid
    if [[ -n "$daemon_pid" ]]; then
        stop_pid "$daemon_pid"
    fi
    if [[ -e /run/netns/$NS ]]; then
        # gobgpd and anything else the daemon started there: by PID, only this namespace's.
        for pid in $(ip netns pids "$NS" 2>/dev/null); do stop_pid "$pid"; done
        if [[ -n "${SWIFTLB:-}" && -x "${SWIFTLB:-}" ]]; then
            timeout 30 nsenter --net="/run/netns/$NS" -- "$SWIFTLB" cleanup --bpffs "$BPFFS" \
                >>"$DAEMON_LOG" 2>&1 || echo "warning: swiftlb cleanup --bpffs $BPFFS failed" >&2
        fi
        ip netns del "$NS" 2>/dev/null || echo "warning: could not delete namespace $NS" >&2
    fi
    [[ -d "$BPFFS" ]] && rm -rf -- "$BPFFS"
    if ((failed)) || [[ -n "${FUZZ_REPORT_DIR:-}" ]]; then
        echo "logs and reports kept in $REPORT_DIR"
    else
        rm -rf -- "$REPORT_DIR"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- schemathesis

VENV=${FUZZ_VENV:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/swiftlb/schemathesis-$SCHEMATHESIS_VERSION}
if [[ "$("$VENV/bin/schemathesis" --version 2>/dev/null)" != *"version $SCHEMATHESIS_VERSION" ]]; then
    python=${PYTHON:-$(command -v python3)}
    echo "==> installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
    if ! "$python" -m venv "$VENV" || ! "$VENV/bin/pip" install -q --disable-pip-version-check \
        "schemathesis==$SCHEMATHESIS_VERSION"; then
        echo "error: could not install schemathesis $SCHEMATHESIS_VERSION with $python (needs Python 3.9+ with venv)" >&2
        exit 2
    fi
fi

# ---------------------------------------------------------------- daemon

if [[ -z "${SWIFTLB_BIN_DIR:-}" ]]; then
    echo "==> swift build --product swiftlb"
    (cd "$REPO_ROOT" && swift build --product swiftlb 2>&1 | tail -n 3) || {
        echo "error: swift build failed" >&2
        exit 2
    }
    SWIFTLB_BIN_DIR=$(cd "$REPO_ROOT" && swift build --show-bin-path)
fi
[[ -x "$SWIFTLB_BIN_DIR/swiftlb" ]] || {
    echo "error: $SWIFTLB_BIN_DIR/swiftlb is not built" >&2
    exit 2
}
# A copy of our own, so that a rebuild during the run cannot pull the binary from under it.
cp "$SWIFTLB_BIN_DIR/swiftlb" "$REPORT_DIR/swiftlb" || exit 2
SWIFTLB=$REPORT_DIR/swiftlb

if [[ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ]]; then
    mount -t bpf bpf /sys/fs/bpf || exit 2
fi
ip netns add "$NS" || exit 2
ip -n "$NS" link set lo up
# A veth pair for the datapath to attach to, both ends inside the namespace: nothing leaves it.
ip -n "$NS" link add fz0 type veth peer name fz1 &&
    ip -n "$NS" addr add 10.254.0.1/24 dev fz0 &&
    ip -n "$NS" link set fz0 up && ip -n "$NS" link set fz1 up || exit 2

daemon_args=(run --api-host 127.0.0.1 --api-port "$PORT" --bpffs "$BPFFS" --config-db "$REPORT_DIR/config.db"
    --log-level info)
exclude=()
if command -v gobgpd >/dev/null 2>&1; then
    daemon_args+=(--bgp --bgp-state-dir "$REPORT_DIR/gobgp")
else
    echo "note: gobgpd is not installed: the daemon runs without --bgp and the BGP operations are skipped"
    exclude=(--exclude-path-regex '/config/bgp/')
fi
# shellcheck disable=SC2206
daemon_args+=(${FUZZ_DAEMON_ARGS:-})
token=${FUZZ_TOKEN:-}
# (The help is read whole first: `grep -q` closing the pipe early would fail it under pipefail.)
if [[ -z "$token" && "$("$SWIFTLB" run --help 2>&1)" == *--api-token-file* ]]; then
    # A token file of our own: an admin token for the fuzzer (the daemon's default file is not touched).
    token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
    (umask 077 && printf 'fuzz admin %s\n' "$token" >"$REPORT_DIR/api-tokens")
    daemon_args+=(--api-token-file "$REPORT_DIR/api-tokens")
fi
headers=()
[[ -z "$token" ]] || headers=(-H "Authorization: Bearer $token")

echo "==> swiftlb in namespace $NS (log $DAEMON_LOG)"
# nsenter without --fork execs swiftlb, so $! is the daemon's PID.
nsenter --net="/run/netns/$NS" -- "$SWIFTLB" "${daemon_args[@]}" >"$DAEMON_LOG" 2>&1 </dev/null &
daemon_pid=$!
ready=0
for ((i = 0; i < 120; i++)); do
    kill -0 "$daemon_pid" 2>/dev/null || break
    if nsenter --net="/run/netns/$NS" -- curl -fsS -o /dev/null --max-time 1 "${headers[@]}" \
        "http://127.0.0.1:$PORT/netlox/v1/openapi.json" 2>/dev/null; then
        ready=1
        break
    fi
    sleep 0.25
done
if ((!ready)); then
    echo "error: swiftlb did not serve /netlox/v1/openapi.json within 30 s; daemon log tail:" >&2
    tail -n 30 "$DAEMON_LOG" >&2
    echo "fuzz-api: 0 passed, 1 failed"
    exit 1
fi

# ---------------------------------------------------------------- run

checks=${FUZZ_CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,negative_data_rejection,ignored_auth,missing_required_header,unsupported_method}
echo "==> schemathesis $SCHEMATHESIS_VERSION: $examples examples per operation, $workers worker(s), seed $seed"
started=$(date +%s)
# 507 is the one 5xx the API answers by design (a request over a datapath limit: a full service
# or endpoint table); only rule creation answers it, so only there is it expected.
cat >"$REPORT_DIR/schemathesis.toml" <<'TOML'
[[operations]]
include-operation-id = "createLoadBalancer"
checks.not_a_server_error.expected-statuses = ["2xx", "3xx", "4xx", "507"]
TOML
# From REPORT_DIR: schemathesis keeps a .schemathesis/ cache in its working directory.
read -ra extra <<<"${FUZZ_ARGS:-}"
(cd "$REPORT_DIR" && exec ip netns exec "$NS" "$VENV/bin/schemathesis" --config-file "$REPORT_DIR/schemathesis.toml" \
    run "http://127.0.0.1:$PORT/netlox/v1/openapi.json" \
    --checks "$checks" \
    --max-examples "$examples" --workers "$workers" --seed "$seed" --request-timeout 10 \
    --generation-database none --continue-on-failure --no-color \
    --report junit --report-junit-path "$REPORT_DIR/junit.xml" --report-dir "$REPORT_DIR" \
    "${exclude[@]}" "${headers[@]}" "${extra[@]}") 2>&1 | tee "$REPORT_DIR/schemathesis.log"
st_rc=${PIPESTATUS[0]}
elapsed=$(($(date +%s) - started))

daemon_ok=1
if ! kill -0 "$daemon_pid" 2>/dev/null; then
    daemon_ok=0
    echo "FAIL: swiftlb exited during the run; daemon log tail:"
    tail -n 30 "$DAEMON_LOG"
elif grep -q 'unexpected error in API handler' "$DAEMON_LOG"; then
    echo "note: the daemon logged unexpected handler errors (see $DAEMON_LOG)"
fi

# Operations that passed and failed, from the JUnit report (one test case per operation).
read -r passed op_failed < <(
    "$VENV/bin/python" - "$REPORT_DIR/junit.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET
try:
    cases = ET.parse(sys.argv[1]).getroot().iter("testcase")
except (OSError, ET.ParseError):
    print(0, 1)
    sys.exit()
passed = failed = 0
for case in cases:
    if case.find("failure") is not None or case.find("error") is not None:
        failed += 1
    elif case.find("skipped") is None:
        passed += 1
print(passed, failed)
PY
)
if ((daemon_ok)); then passed=$((passed + 1)); else op_failed=$((op_failed + 1)); fi
if ((st_rc != 0 && op_failed == 0)); then
    echo "schemathesis exited $st_rc without a failed operation in its report"
    op_failed=1
fi
((op_failed == 0)) && failed=0
generated=$(grep -oE '[0-9]+ generated' "$REPORT_DIR/schemathesis.log" | tail -n 1)
echo "fuzz-api: seed $seed, $examples examples per operation, ${generated:-0 generated} test cases, ${elapsed} s"
echo "fuzz-api: $passed passed, $op_failed failed"
exit $((op_failed == 0 ? 0 : 1))
