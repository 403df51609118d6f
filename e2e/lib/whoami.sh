# shellcheck shell=bash
# The /whoami check shared by the source-translating scenarios (lib/nat_modes.sh for IPv4,
# lib/ipv6.sh for IPv6); sourced by those files.

# whoami_answers LABEL EXPECT_FN ALLOCATED GET_FN TARGET: 30 `GET_FN /whoami` requests; every
# answer must come from a server and name the source it saw, which must be `EXPECT_FN K` for
# server K; with ALLOCATED=yes its port must be one SwiftLB allocates (32768..60999). Fails on
# 5 failed requests (or any at the end). Sets WHOAMI_PORTS (distinct ports) and WHOAMI_SERVERS
# (distinct servers that answered). TARGET only names the VIP in the progress line.
whoami_answers() {
    local label=$1 expect_fn=$2 allocated=$3 get_fn=$4 target=$5 i got name peer addr port k want failed=0
    local -A ports=() servers=()
    say "$label: 30 requests to $target/whoami"
    for ((i = 0; i < 30; i++)); do
        if ! got=$("$get_fn" /whoami); then
            failed=$((failed + 1))
            ((failed >= 5)) && fail "$label: $failed requests to $target failed"
            continue
        fi
        read -r name peer <<<"$got"
        addr=${peer%:*}
        port=${peer##*:}
        [[ "$name" =~ ^srv([0-9]+)$ ]] || fail "$label: unexpected answer '$got'"
        k=${BASH_REMATCH[1]}
        want=$("$expect_fn" "$k")
        [[ "$addr" == "$want" ]] || fail "$label: srv$k saw source $addr, want $want ('$got')"
        if [[ "$allocated" == yes ]]; then
            ((port >= 32768 && port <= 60999)) || fail "$label: srv$k saw source port $port, want 32768..60999"
        fi
        ports[$port]=1
        servers[$k]=1
    done
    ((failed == 0)) || fail "$label: $failed of 30 requests failed"
    WHOAMI_PORTS=${#ports[@]}
    WHOAMI_SERVERS=${#servers[@]}
}
