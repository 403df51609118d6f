#!/usr/bin/env bash
# Creates (up) or removes (down) the network namespace the datapath fixtures run in: two
# interfaces with fixed MACs, addresses and permanent neighbours, so the programs' FIB lookups
# give the same answer everywhere. No packet ever leaves it (BPF_PROG_TEST_RUN sends nothing).
# Must match Tests/SwiftLBDatapathTests/FixtureEnvironment.swift.
set -euo pipefail
ns=${FIXTURE_NETNS:-slb-fixtures}
case "${1:-}" in
up)
    ip netns del "$ns" 2>/dev/null || true
    ip netns add "$ns"
    nsip() { ip -n "$ns" "$@"; }
    nsip link set lo up
    # veth pairs with both ends inside (this kernel has no dummy driver); fx0/fx1 are the LB's sides.
    nsip link add fx0 address 02:00:00:00:00:01 type veth peer name fx0p
    nsip link add fx1 address 02:00:00:00:01:01 type veth peer name fx1p
    nsip link set fx0p up
    nsip link set fx1p up
    nsip addr add 10.10.1.1/24 dev fx0
    nsip addr add 10.10.2.1/24 dev fx1
    nsip link set fx0 up
    nsip link set fx1 up
    nsip neigh add 10.10.1.2 lladdr 02:00:00:00:00:02 dev fx0 nud permanent
    for last in 10 11 12; do
        nsip neigh add 10.10.2.$last lladdr "02:00:00:00:01:$(printf %02x "$last")" dev fx1 nud permanent
    done
    # A routed (not on-link) subnet behind 10.10.2.10: L3 DSR endpoints (IPIP).
    nsip route add 10.10.3.0/24 via 10.10.2.10 dev fx1
    ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1
    # IPv6 (NAT66/NAT64 fixtures): the same layout in fd00:10:1::/64 and fd00:10:2::/64, no DAD.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
        net.ipv6.conf.all.forwarding=1
    for dev in fx0 fx1; do ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=0"; done
    nsip addr add fd00:10:1::1/64 dev fx0 nodad
    nsip addr add fd00:10:2::1/64 dev fx1 nodad
    nsip neigh add fd00:10:1::2 lladdr 02:00:00:00:00:02 dev fx0 nud permanent
    for last in 10 11 12; do
        nsip neigh add "fd00:10:2::$(printf %x "$last")" lladdr "02:00:00:00:01:$(printf %02x "$last")" \
            dev fx1 nud permanent
    done
    # A routed IPv6 subnet behind fd00:10:2::a: L3 DSR endpoints (IPv6-in-IPv6).
    nsip -6 route add fd00:10:3::/64 via fd00:10:2::a dev fx1
    ;;
down)
    ip netns del "$ns" 2>/dev/null || true
    ;;
*)
    echo "usage: $0 up|down" >&2
    exit 2
    ;;
esac
