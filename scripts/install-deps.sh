#!/usr/bin/env bash
# Installs the system packages SwiftLB needs to build, test, run the demo and the benchmarks
# (Debian/Ubuntu). Safe to run again: it installs only what is missing.
set -euo pipefail
packages=(
    libbpf-dev libelf-dev zlib1g-dev libsqlite3-dev # build: libbpf for the loader, SQLite for the store
    iproute2 iputils-ping procps ethtool            # namespaces, veth, tc, sysctl, offload switches
    curl python3 python3-scapy iperf3               # real clients and servers in tests and the demo
    clang-format                                    # formatting of bpf/ (scripts/lint.sh)
    wrk haproxy nginx libnginx-mod-stream           # benchmarks (bench/run.sh): load generator, L4 proxies
    nftables iptables python3-matplotlib            # benchmarks: kube-proxy-style DNAT peers, plots
    bpftool                                         # benchmarks: bench/floor.sh loads and times its programs
    gobgpd bird2                                    # BGP: the speaker swiftlb --bgp runs; the test router
    frr                                             # HA: FRR's bfdd as the BFD peer (scripts/bfd-interop.sh)
    gcc qemu-system-x86 busybox-static cpio         # verifier budget tool; kernel matrix, e2e/srv6_kernel (Debian kernels in QEMU)
    xz-utils zstd                                   # e2e/srv6_kernel: compressed modules of newer Debian kernels
    openssl util-linux                              # e2e/apisec: test certificates; setpriv (gobgpd dies with swiftlb), prlimit
    python3-yaml                                    # Kubernetes: scripts/validate-deploy.sh reads the manifests
)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "error: missing packages: ${missing[*]}; run this script as root (or: sudo apt-get install ${missing[*]})" >&2
        exit 1
    fi
    echo "==> installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# kubectl drives the fake Kubernetes API server in the kube scenarios. Debian's kubernetes-client
# provides it; a kubectl already on PATH (from another package) is used as it is.
if ! command -v kubectl >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then
        echo "error: kubectl is missing; run this script as root (or: sudo apt-get install kubernetes-client)" >&2
        exit 1
    fi
    echo "==> installing kubernetes-client (kubectl)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kubernetes-client >/dev/null
fi
if ! command -v swift >/dev/null 2>&1; then
    echo "error: the Swift toolchain (6.1 or later) is not on PATH; install it from swift.org's Linux packages" >&2
    exit 1
fi
echo "==> dependencies present"
