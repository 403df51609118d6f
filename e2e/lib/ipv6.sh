# shellcheck shell=bash
# Shared parts of the IPv6 scenarios (e2e/nat66, e2e/nat64); sourced after common.sh.
# Topology: topology.sh's topo_ipv6_up (variables CLIENT_IP6 VIP6 SRV_IP6[k] SRV_GW6[k]).
source "$(dirname "${BASH_SOURCE[0]}")/whoami.sh"

# ipv6_setup http6|http4: the standard setup, then IPv6 on every link; with http6 the servers
# also listen on [::]:8080 (IPv6 only, next to the IPv4 servers of the standard setup).
ipv6_setup() {
    local kind=$1 k
    standard_setup http
    topo_vars6 "$PREFIX" || fail "bad prefix"
    say "IPv6 on every link (fd00:$NET_OCTET::/32, VIP6 $VIP6)"
    topo_ipv6_up "$PREFIX" || fail "could not add IPv6 to the topology"
    if [[ "$kind" == http6 ]]; then
        for ((k = 1; k <= TOPO_SERVERS; k++)); do
            bg_start "http6_$k" "${NS_SRV[k]}" "$PYTHON" "$E2E_DIR/tools/named_http_server.py" \
                --name "srv$k" --port "$HTTP_PORT" --bind ::
        done
        for ((k = 1; k <= TOPO_SERVERS; k++)); do
            wait_tcp "${NS_SRV[k]}" ::1 "$HTTP_PORT" || fail "IPv6 HTTP server srv$k did not listen"
        done
        for ((k = 1; k <= TOPO_SERVERS; k++)); do
            local got
            got=$(in_ns "$NS_CLIENT" curl -s --max-time 2 -g "http://[${SRV_IP6[k]}]:$HTTP_PORT/") ||
                fail "client -> [${SRV_IP6[k]}]:$HTTP_PORT over IPv6 failed (curl rc $?)"
            [[ "$got" == "srv$k" ]] || fail "client -> [${SRV_IP6[k]}]:$HTTP_PORT answered '$got'"
        done
        ok "client reaches srv1..3 over IPv6 directly through $NS_LB"
    fi
}

# get6 PATH [CURL ARGS...]: one request to http://[VIP6]:80 from the client (max 2 s).
get6() {
    local path=$1
    shift
    in_ns "$NS_CLIENT" curl -s --max-time 2 -g "$@" "http://[$VIP6]$path"
}

# whoami6_pass LABEL EXPECT_FN ALLOCATED: 30 GET /whoami through the IPv6 VIP; server K must
# have seen the source `EXPECT_FN K`; with ALLOCATED=yes its port must be in 32768..60999.
# All three servers must answer.
whoami6_pass() {
    local label=$1 expect_fn=$2 allocated=$3
    whoami_answers "$label" "$expect_fn" "$allocated" get6 "http://[$VIP6]"
    ((WHOAMI_SERVERS == TOPO_SERVERS)) || fail "$label: only $WHOAMI_SERVERS of $TOPO_SERVERS servers answered"
    ok "$label: 30 answers from srv1..3; sources as expected (srv1 saw $("$expect_fn" 1))"
}

# bulk6 LABEL: a 4 MiB download and a 4 MiB upload through the IPv6 VIP arrive intact.
bulk6() {
    local label=$1 size=$((4 * 1024 * 1024)) want sum got srv n payload=$STATE_DIR/upload.bin
    want=$("$PYTHON" -c '
import hashlib, sys
n = int(sys.argv[1]); p = bytes(range(256)) * 256; h = hashlib.sha256()
while n > 0:
    c = p[:min(n, len(p))]; h.update(c); n -= len(c)
print(h.hexdigest())' "$size")
    sum=$(in_ns "$NS_CLIENT" curl -s -g --max-time 20 "http://[$VIP6]/bytes/$size" | sha256sum | cut -d' ' -f1)
    [[ "$sum" == "$want" ]] || fail "$label: 4 MiB download through the IPv6 VIP is incomplete or corrupt"
    [[ -f "$payload" ]] || head -c "$size" /dev/urandom >"$payload"
    want=$(sha256sum "$payload" | cut -d' ' -f1)
    got=$(in_ns "$NS_CLIENT" curl -s -g --max-time 20 --data-binary "@$payload" \
        -H 'Content-Type: application/octet-stream' "http://[$VIP6]/upload") ||
        fail "$label: 4 MiB upload through the IPv6 VIP failed (curl rc $?)"
    read -r srv n sum <<<"$got"
    [[ "$n" == "$size" && "$sum" == "$want" ]] || fail "$label: upload: $srv got $n bytes, want $size intact"
    ok "$label: 4 MiB download and upload through [$VIP6] intact"
}

# echo_count: the datapath's fwd_icmp6_echo counter from /metrics.
echo_count() {
    local code
    code=$(api GET /metrics) || return 1
    [[ "$code" == 200 ]] || return 1
    awk '/^swiftlb_packets_total\{.*reason="fwd_icmp6_echo"/ {print $NF}' "$STATE_DIR/api.body" | head -n 1
}

# ping6_check LABEL: ping6 to the VIP is answered by the datapath, full-size (1500-byte
# packets, DF) included, and the echo counter grows by what was sent.
ping6_check() {
    local label=$1 before after out
    before=$(echo_count) || fail "$label: cannot read /metrics"
    out=$(in_ns "$NS_CLIENT" ping -6 -n -c 3 -i 0.2 -W 2 "$VIP6" 2>&1) ||
        fail "$label: ping6 $VIP6 failed: $(tail -n 2 <<<"$out" | tr '\n' ' ')"
    out=$(in_ns "$NS_CLIENT" ping -6 -n -M do -s 1452 -c 2 -i 0.2 -W 2 "$VIP6" 2>&1) ||
        fail "$label: full-size ping6 (1500-byte packets) to $VIP6 failed: $(tail -n 2 <<<"$out" | tr '\n' ' ')"
    after=$(echo_count) || fail "$label: cannot read /metrics"
    ((${after:-0} - ${before:-0} >= 5)) ||
        fail "$label: fwd_icmp6_echo went from ${before:-?} to ${after:-?}, want +5 (the datapath answers)"
    ok "$label: ping6 $VIP6 answered by the datapath (3 + 2 full-size, fwd_icmp6_echo +$((after - before)))"
}

# ct6_check LABEL: 'swiftlbctl get ct' lists the IPv6 client's flows.
ct6_check() {
    local label=$1 ct
    ct=$(ctl get ct 2>&1) || fail "$label: swiftlbctl get ct exited $?: $ct"
    grep -qF "$CLIENT_IP6" <<<"$ct" || fail "$label: 'swiftlbctl get ct' shows no flow of $CLIENT_IP6: $ct"
    ok "$label: get ct shows the IPv6 client's flows"
}
