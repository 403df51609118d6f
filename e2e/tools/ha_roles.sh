#!/usr/bin/env bash
# Polls the HA role of instance llb-inst0 on several SwiftLB daemons and prints one line per poll:
#
#   t=<unix time> <ns1>=<ROLE> <ns2>=<ROLE> ...
#
# ROLE is MASTER, BACKUP or NOT_DEFINED as GET /netlox/v1/config/cistate/all says, or "down" when
# the API does not answer within 0.3 s. Bounded: COUNT polls, INTERVAL seconds apart.
#
#   ha_roles.sh INTERVAL COUNT PORT TOKEN_FILE NS...
set -uo pipefail
if (($# < 5)); then
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
interval=$1 count=$2 port=$3 token_file=$4
shift 4
((count >= 1 && count <= 100000)) || { echo "COUNT must be 1..100000" >&2; exit 2; }
token=$(awk '$2 == "admin" { print $3; exit }' "$token_file")

# role NS: the state of llb-inst0 (or of the first instance listed), "down" without an answer.
role() {
    local body obj state
    body=$(nsenter --net="/run/netns/$1" -- curl -s --max-time 0.3 -H "Authorization: Bearer $token" \
        "http://127.0.0.1:$port/netlox/v1/config/cistate/all" 2>/dev/null) || { echo down; return; }
    # Each entry of "Attr" is a flat object: take the one of llb-inst0 (else the first).
    obj=$(grep -o '{[^{}]*}' <<<"$body" | grep -m 1 '"llb-inst0"')
    [[ -n "$obj" ]] || obj=$(grep -o '{[^{}]*}' <<<"$body" | head -n 1)
    state=$(grep -o '"state" *: *"[A-Za-z_]*"' <<<"$obj" | head -n 1)
    state=${state%\"}
    state=${state##*\"}
    echo "${state:-none}"
}

for ((i = 0; i < count; i++)); do
    line="t=$(date +%s.%N | cut -c1-14)"
    for ns in "$@"; do line+=" ${ns##*-}=$(role "$ns")"; done
    echo "$line"
    sleep "$interval"
done
