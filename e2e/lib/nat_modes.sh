# shellcheck shell=bash
# Shared check of the source-translating NAT modes (e2e/fullnat, e2e/onearm); sourced after
# common.sh by their check scripts.
source "$(dirname "${BASH_SOURCE[0]}")/whoami.sh"

# whoami_pass LABEL EXPECT_FN: 30 GET /whoami through the VIP; every answer must come from a
# server and name the source it saw. EXPECT_FN K prints the address server K must see. The
# seen port must be one SwiftLB allocates (32768..60999). Sets WHOAMI_PORTS (distinct ports).
whoami_pass() {
    local label=$1 expect_fn=$2
    whoami_answers "$label" "$expect_fn" yes client_get "http://$VIP"
    ok "$label: 30 answers; sources as expected (srv1 saw $("$expect_fn" 1), srv2 $("$expect_fn" 2)," \
        "srv3 $("$expect_fn" 3)), $WHOAMI_PORTS distinct ports"
    nat_bulk "$label"
    routing_check || fail "$label: plain routing to the servers broke while swiftlb is attached"
    local ct
    ct=$(ctl get ct 2>&1) || fail "$label: swiftlbctl get ct exited $?: $ct"
    grep -qF "$CLIENT_IP" <<<"$ct" || fail "$label: 'swiftlbctl get ct' shows no flow of $CLIENT_IP: $ct"
    ok "$label: get ct shows the client's flows"
}

# nat_bulk LABEL: one 4 MiB download and one 4 MiB upload through the VIP arrive intact (GSO
# super-packets and checksums with both addresses and ports translated, DESIGN §7).
nat_bulk() {
    local label=$1 size=$((4 * 1024 * 1024)) want sum got srv n payload=$STATE_DIR/upload.bin
    want=$("$PYTHON" -c '
import hashlib, sys
n = int(sys.argv[1]); p = bytes(range(256)) * 256; h = hashlib.sha256()
while n > 0:
    c = p[:min(n, len(p))]; h.update(c); n -= len(c)
print(h.hexdigest())' "$size")
    sum=$(in_ns "$NS_CLIENT" curl -s --max-time 20 "http://$VIP/bytes/$size" | sha256sum | cut -d' ' -f1)
    [[ "$sum" == "$want" ]] || fail "$label: 4 MiB download through the VIP is incomplete or corrupt"
    [[ -f "$payload" ]] || head -c "$size" /dev/urandom >"$payload"
    want=$(sha256sum "$payload" | cut -d' ' -f1)
    got=$(in_ns "$NS_CLIENT" curl -s --max-time 20 --data-binary "@$payload" \
        -H 'Content-Type: application/octet-stream' "http://$VIP/upload") ||
        fail "$label: 4 MiB upload through the VIP failed (curl rc $?)"
    read -r srv n sum <<<"$got"
    [[ "$n" == "$size" && "$sum" == "$want" ]] || fail "$label: upload: $srv got $n bytes, want $size intact"
    ok "$label: 4 MiB download and upload intact"
}

# nat_mode_check MODE EXPECT_FN: creates VIP:80 -> servers:8080 in MODE and checks it with
# offload on and off.
nat_mode_check() {
    local mode=$1 expect_fn=$2 out lb
    say "swiftlbctl create lb $VIP --tcp=80:$HTTP_PORT --endpoints=$ENDPOINTS_HTTP --mode=$mode"
    out=$(ctl create lb "$VIP" --tcp=80:"$HTTP_PORT" --endpoints="$ENDPOINTS_HTTP" --mode="$mode" 2>&1) ||
        fail "swiftlbctl create lb --mode=$mode exited $?: $out"
    lb=$(ctl get lb 2>&1) || fail "swiftlbctl get lb exited $?: $lb"
    grep -qF "$mode" <<<"$lb" || fail "'swiftlbctl get lb' does not show mode $mode: $lb"
    ok "get lb shows mode $mode"
    whoami_pass "offload on" "$expect_fn"
    say "checksum offload off on every veth"
    topo_offload_off "$PREFIX" || fail "could not turn checksum offload off"
    whoami_pass "offload off" "$expect_fn"
}
