#!/usr/bin/env bash
# SwiftLB in two minutes: builds SwiftLB, builds a small network of namespaces
#
#   slbdemo-client ── slbdemo-lb (swiftlb) ──┬── slbdemo-srv1  (HTTP server "srv1")
#                                            ├── slbdemo-srv2  (HTTP server "srv2")
#                                            └── slbdemo-srv3  (HTTP server "srv3")
#
# starts swiftlb in slbdemo-lb, creates a round-robin service 10.100.100.1:80 -> srv1..3:8080
# with swiftlbctl, sends 12 requests from the client, shows `swiftlbctl get lb -o wide` and
# `swiftlbctl get ct`, and removes everything again (also on failure or Ctrl-C).
#
#   sudo scripts/demo.sh
#
# Environment: SWIFTLB_BIN_DIR=DIR uses already-built binaries from DIR (no build step);
# SLB_DEMO_KEEP=1 keeps the daemon log on success too.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../e2e/lib/common.sh
source "$ROOT/e2e/lib/common.sh"

die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

if [[ $(id -u) -ne 0 ]]; then
    die "the demo creates network namespaces and loads BPF programs: run it as root (sudo $0)"
fi

# ---------------------------------------------------------------- dependencies

say "checking dependencies"
if [[ -x "$ROOT/scripts/install-deps.sh" ]]; then
    "$ROOT/scripts/install-deps.sh" || die "scripts/install-deps.sh failed"
else
    pkgs=(libbpf-dev libelf-dev zlib1g-dev libsqlite3-dev iproute2 util-linux curl python3 ethtool)
    missing=()
    for p in "${pkgs[@]}"; do
        [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == "install ok installed" ]] || missing+=("$p")
    done
    if ((${#missing[@]})); then
        command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get to install them"
        say "installing ${missing[*]}"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" ||
            die "apt-get install ${missing[*]} failed"
    else
        note "all present"
    fi
fi

# ---------------------------------------------------------------- build

if [[ -n "${SWIFTLB_BIN_DIR:-}" ]]; then
    say "using prebuilt binaries in $SWIFTLB_BIN_DIR"
else
    command -v swift >/dev/null || die "swift is not installed (https://www.swift.org/install/linux/)"
    say "building (swift build)"
    (cd "$ROOT" && swift build) || die "swift build failed"
fi
resolve_bins || die "binaries not found"

# ---------------------------------------------------------------- topology

env_init slbdemo "$(mktemp -d /tmp/swiftlb-demo.XXXXXX)"
demo_ok=0
cleanup() {
    trap - EXIT INT TERM
    trap '' PIPE # stdout may be gone (demo piped into head): clean up anyway
    say "cleaning up (daemon, servers, namespaces slbdemo-*, $BPFFS_DIR)"
    standard_teardown >/dev/null 2>&1
    if ((demo_ok)) && [[ -z "${SLB_DEMO_KEEP:-}" ]]; then
        rm -rf "$STATE_DIR"
    else
        note "logs kept in $STATE_DIR"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 141' PIPE

ensure_bpffs || die "bpffs is not mounted at /sys/fs/bpf and could not be mounted"
say "creating the topology: namespaces slbdemo-client, slbdemo-lb, slbdemo-srv1..3"
topo_up slbdemo || die "could not create the namespaces"
note "client $CLIENT_IP  ->  VIP $VIP  (via slbdemo-lb)  ->  srv1..3 ${SRV_IP[1]} ${SRV_IP[2]} ${SRV_IP[3]}"

say "starting HTTP servers srv1..3 on :$HTTP_PORT"
servers_start_http || die "HTTP servers did not start"
routing_check || die "the client cannot reach the servers through slbdemo-lb"

say "starting swiftlb in slbdemo-lb"
note "nsenter --net=/run/netns/$NS_LB -- swiftlb run --bpffs $BPFFS_DIR --config-db $CONFIG_DB"
if ! SLB_LOG_LEVEL=info daemon_start; then
    tail -n 20 "$DAEMON_LOG" >&2
    die "swiftlb did not start"
fi
note "swiftlb is up (pid $(bg_pid daemon)), API on 127.0.0.1:$SLB_API_PORT inside slbdemo-lb"

say "creating the service"
note "swiftlbctl create lb $VIP --tcp=80:$HTTP_PORT --endpoints=$ENDPOINTS_HTTP --select=rr --name=demo"
ctl create lb "$VIP" --tcp=80:$HTTP_PORT --endpoints="$ENDPOINTS_HTTP" --select=rr --name=demo ||
    die "swiftlbctl create lb failed"

say "sending 12 requests from slbdemo-client to http://$VIP/"
failures=0
for ((i = 1; i <= 12; i++)); do
    if got=$(client_get /); then
        echo "request $i -> $got"
    else
        echo "request $i -> (no answer)"
        failures=$((failures + 1))
    fi
done

say "swiftlbctl get lb -o wide"
ctl get lb -o wide || failures=$((failures + 1))
say "swiftlbctl get ct"
ctl get ct || failures=$((failures + 1))

if ((failures)); then
    echo "demo: $failures step(s) failed; daemon log tail:" >&2
    tail -n 20 "$DAEMON_LOG" >&2
    exit 1
fi
demo_ok=1
say "done: 12 requests balanced round-robin over srv1..3"
