# shellcheck shell=bash source-path=SCRIPTDIR disable=SC2034 # variables used by the sourcing scripts
# e2e/churn: addresses, nginx backends (lib/nginx.sh), datapath counters and the
# servers' TIME_WAIT peers.
# Sourced by churn's setup, check and teardown after common.sh and scenario_init.
# shellcheck source=../lib/nginx.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/nginx.sh"
# shellcheck source=../lib/netstat.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/netstat.sh"

# The three services, one VIP each (all on no interface: the client routes 10.N.100.0/24 to
# the lb namespace like VIP): full NAT from the instance's pool, onearm from the rule's pool,
# full NAT from a rule's single address.
VIP_ONEARM="10.$NET_OCTET.100.2"
VIP_SINGLE="10.$NET_OCTET.100.3"
POOL_INSTANCE="10.$NET_OCTET.200.0/28"
POOL_ONEARM="10.$NET_OCTET.201.0/28"
SINGLE_SOURCE="10.$NET_OCTET.202.1"
NGINX_DIR=$STATE_DIR/nginx
# Conntrack sized for the load (swiftlb --ct-entries, two entries per flow): a closed flow keeps
# its entries for the endpoint's TIME_WAIT (60 s), so parts 1 and 2 (~20,000 connections per
# second each on 2 cores, 15 s apiece, within one minute) hold up to ~700,000 entries; the
# default 262,144 fills up (drop_ct_full, the SYN retransmitted). 2^21 slots of 160 bytes: 320 MiB.
CT_ENTRIES=1048576
# The client's local ports, as in issue 21 (Linux's default is 32768-60999).
CLIENT_PORT_RANGE=${SLB_CHURN_PORT_RANGE:-1024 65535}

# nginx_start: nginx on SRV_IP[k]:HTTP_PORT in every server namespace (e2e/lib/nginx.sh, as the
# benchmark's), answering "srvK"; process srvK-nginx (bg_start). Returns 1 if one does not answer
# within 10 s.
nginx_start() {
    local k i
    for ((k = 1; k <= TOPO_SERVERS; k++)); do
        nginx_srv_start "$k" "$NGINX_DIR/srv$k" || return 1
    done
    for ((k = 1; k <= TOPO_SERVERS; k++)); do
        for ((i = 0; i < 100; i++)); do
            [[ "$(in_ns "${NS_SRV[k]}" curl -s -m 1 "http://${SRV_IP[k]}:$HTTP_PORT/" 2>/dev/null)" == "srv$k" ]] &&
                break
            sleep 0.1
        done
        ((i < 100)) || {
            echo "nginx of srv$k does not answer on ${SRV_IP[k]}:$HTTP_PORT; its logs:"
            tail -n 5 "$STATE_DIR/srv$k-nginx.log" "$NGINX_DIR/srv$k/error.log" 2>/dev/null
            return 1
        }
    done
}

# nginx_stop: stops every srvK-nginx master by its recorded PID (QUIT: graceful), then any of
# its workers that outlived it (by PID, read before the stop), and removes the configuration
# and temporary directories.
nginx_stop() {
    local k pid workers w st
    for ((k = 1; k <= TOPO_SERVERS; k++)); do
        workers=()
        if pid=$(bg_pid "srv$k-nginx"); then
            for w in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
                workers+=("$w $(_proc_starttime "$w")")
            done
        fi
        bg_stop "srv$k-nginx" QUIT 5 || warn "nginx of srv$k needed SIGKILL"
        for w in "${workers[@]}"; do
            read -r pid st <<<"$w"
            # Only the very process seen before (same start time), never a recycled PID.
            if [[ -n "$st" && "$(_proc_starttime "$pid")" == "$st" ]]; then
                kill -KILL "$pid" 2>/dev/null && warn "killed a leftover nginx worker of srv$k ($pid)"
            fi
        done
    done
    rm -rf -- "$NGINX_DIR"
}

# dp_counters: "NAME VALUE" lines of the datapath's counters (swiftlb_packets_total in /metrics).
dp_counters() {
    lb_metrics |
        sed -n 's/^swiftlb_packets_total{reason="\([a-z0-9_]*\)"} \([0-9]*\)$/\1 \2/p'
}

# tw_peers NS: how many of the server's TIME_WAIT sockets on :HTTP_PORT each peer address has
# ("COUNT ADDRESS" lines): the sources SwiftLB's flows came from, for 60 s after they closed.
tw_peers() {
    in_ns "$1" ss -Htn state time-wait "( sport = :$HTTP_PORT )" |
        awk '{sub(/:[0-9]+$/, "", $NF); print $NF}' | sort | uniq -c
}
