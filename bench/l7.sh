#!/usr/bin/env bash
# The L7 proxy against HAProxy and nginx in HTTP mode (issue 17; docs/benchmarks.md, "L7 proxy").
#
#   sudo bench/l7.sh             about 50 s: 3 proxies x (HTTP, HTTPS) x BENCH_L7_SECONDS (default 4 s)
#   environment: SWIFTLB_BIN_DIR (default: swift build --show-bin-path), BENCH_L7_PREFIX (slbl7b),
#                BENCH_L7_SECONDS, BENCH_L7_CONNS (16)
#
# One topology (e2e/lib/topology.sh): client, LB and 3 server namespaces; nginx answers "srvK" on
# :8080 in each server. In the LB namespace, one proxy at a time listens on VIP:80 (HTTP) and
# VIP:443 (TLS terminated, ECDSA P-256 certificate of a test CA) and balances round robin over
# the three servers with keep-alive toward them: SwiftLB (fullproxy rules with host bench.test),
# HAProxy (mode http, http-reuse) and nginx (proxy_pass, upstream keepalive). wrk in the client
# namespace: keep-alive, 2 threads, BENCH_L7_CONNS connections, Host bench.test. Prints requests/s,
# p50 and p99 per proxy and protocol, and SwiftLB's ratios to the others.
set -uo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
SLB_PREFIX=${BENCH_L7_PREFIX:-slbl7b}
# shellcheck source=../e2e/lib/common.sh
source "$ROOT/e2e/lib/common.sh"
# shellcheck source=../e2e/lib/nginx.sh
source "$ROOT/e2e/lib/nginx.sh"
# shellcheck source=../e2e/lib/l7.sh
source "$ROOT/e2e/lib/l7.sh"
require_root
scenario_init l7bench
SECONDS_EACH=${BENCH_L7_SECONDS:-4}
CONNS=${BENCH_L7_CONNS:-16}
DIR=$STATE_DIR/bench
trap 'bg_stop_all_but_daemon >/dev/null 2>&1; standard_teardown >/dev/null 2>&1; rm -rf -- "$DIR"' EXIT
resolve_bins || exit 1
standard_teardown >/dev/null 2>&1
rm -rf -- "$DIR" && mkdir -p "$DIR" "$STATE_DIR/pids"
ensure_bpffs || exit 1
topo_up "$PREFIX" >/dev/null || { echo "topology failed"; exit 1; }
l7_certs "$DIR/certs" || { echo "openssl failed"; exit 1; }
cat "$DIR/certs/a.test.crt" "$DIR/certs/a.test.key" >"$DIR/certs/a.test.pem"
for ((k = 1; k <= TOPO_SERVERS; k++)); do nginx_srv_start "$k" "$DIR/srv$k" || exit 1; done
for ((k = 1; k <= TOPO_SERVERS; k++)); do wait_tcp "${NS_SRV[k]}" "${SRV_IP[k]}" "$HTTP_PORT" || exit 1; done
in_ns "$NS_LB" ip addr add "$VIP/32" dev lo

# wrk_run URL: prints "RPS P50_MS P99_MS ERRORS".
wrk_run() {
    local out=$DIR/wrk.out
    timeout -k 2 $((SECONDS_EACH + 10)) nsenter --net="/run/netns/$NS_CLIENT" -- \
        wrk -t2 -c"$CONNS" -d"${SECONDS_EACH}s" --latency --timeout 2s -H "Host: bench.test" "$1" >"$out" 2>&1
    "$PYTHON" "$BENCH_DIR/tools/parse.py" wrk "$out" | awk '{ print $1, $2, $3, $5 }'
}

servers() { for ((k = 1; k <= TOPO_SERVERS; k++)); do printf '%s ' "${SRV_IP[k]}:$HTTP_PORT"; done; }

swiftlb_up() {
    bg_start daemon "$NS_LB" "$SWIFTLB" run --api-host 127.0.0.1 --api-port "$SLB_API_PORT" \
        --api-token-file "$API_TOKEN_FILE" --bpffs "$BPFFS_DIR" --config-db "$CONFIG_DB" --log-level warning \
        --proxy-cert-dir "$DIR/certs/proxy" --proxy-threads 1 || return 1
    daemon_wait_ready || return 1
    local eps="${SRV_IP[1]}:1,${SRV_IP[2]}:1,${SRV_IP[3]}:1"
    # wrk sends no server name to an IP address: the directory's default certificate answers.
    cp "$DIR/certs/a.test.crt" "$DIR/certs/proxy/server.crt"
    cp "$DIR/certs/a.test.key" "$DIR/certs/proxy/server.key"
    ctl create lb "$VIP" --tcp=80:$HTTP_PORT --endpoints="$eps" --mode=fullproxy --host=bench.test >/dev/null &&
        ctl create lb "$VIP" --tcp=443:$HTTP_PORT --endpoints="$eps" --mode=fullproxy --security=https \
            --host=bench.test >/dev/null
}
swiftlb_down() { daemon_stop TERM 10 >/dev/null 2>&1; rm -f "$CONFIG_DB"*; }

haproxy_up() {
    {
        printf 'global\n    maxconn 8000\n    nbthread 1\n'
        printf 'defaults\n    mode http\n    timeout connect 5s\n    timeout client 60s\n    timeout server 60s\n'
        printf '    http-reuse always\n    option http-keep-alive\n'
        printf 'frontend web\n    bind %s:80\n    bind %s:443 ssl crt %s\n    default_backend servers\n' \
            "$VIP" "$VIP" "$DIR/certs/a.test.pem"
        printf 'backend servers\n    balance roundrobin\n'
        local k
        for ((k = 1; k <= TOPO_SERVERS; k++)); do printf '    server s%d %s:%s\n' "$k" "${SRV_IP[k]}" "$HTTP_PORT"; done
    } >"$DIR/haproxy.cfg"
    bg_start haproxy "$NS_LB" haproxy -db -f "$DIR/haproxy.cfg"
}
haproxy_down() { bg_stop haproxy TERM 5 >/dev/null 2>&1; }

nginxlb_up() {
    mkdir -p "$DIR/nginxlb"
    cat >"$DIR/nginxlb/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $DIR/nginxlb/nginx.pid;
error_log $DIR/nginxlb/error.log warn;
events { worker_connections 8192; }
http {
    access_log off;
    client_body_temp_path $DIR/nginxlb/body;
    proxy_temp_path $DIR/nginxlb/proxy;
    fastcgi_temp_path $DIR/nginxlb/fastcgi;
    uwsgi_temp_path $DIR/nginxlb/uwsgi;
    scgi_temp_path $DIR/nginxlb/scgi;
    upstream servers { $(for s in $(servers); do printf 'server %s; ' "$s"; done) keepalive 64; }
    server {
        listen $VIP:80;
        listen $VIP:443 ssl;
        ssl_certificate $DIR/certs/a.test.crt;
        ssl_certificate_key $DIR/certs/a.test.key;
        location / { proxy_pass http://servers; proxy_http_version 1.1; proxy_set_header Connection ""; }
    }
}
CONF
    bg_start nginxlb "$NS_LB" nginx -p "$DIR/nginxlb" -e "$DIR/nginxlb/error.log" -c "$DIR/nginxlb/nginx.conf"
}
nginxlb_down() { bg_stop nginxlb TERM 5 >/dev/null 2>&1; }

declare -A RESULT
for proxy in swiftlb haproxy nginxlb; do
    "${proxy}_up" || { echo "$proxy did not start"; exit 1; }
    wait_tcp "$NS_CLIENT" "$VIP" 443 || { echo "$proxy does not listen"; exit 1; }
    RESULT[$proxy-http]=$(wrk_run "http://$VIP/")
    RESULT[$proxy-https]=$(wrk_run "https://$VIP/")
    "${proxy}_down"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
echo
echo "L7 proxies, keep-alive, ${CONNS} connections, ${SECONDS_EACH} s each, $(nproc) cores, swiftlb from $BIN_DIR"
echo
echo "| proxy | protocol | requests/s | p50 ms | p99 ms | errors | SwiftLB req/s ratio | SwiftLB p99 ratio |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
for proto in http https; do
    read -r s_rps _ s_p99 _ <<<"${RESULT[swiftlb-$proto]}"
    for proxy in swiftlb haproxy nginxlb; do
        read -r rps p50 p99 errors <<<"${RESULT[$proxy-$proto]}"
        name=$proxy
        [[ $proxy == nginxlb ]] && name=nginx
        echo "| $name | $proto | $rps | $p50 | $p99 | $errors | $(ratio "$s_rps" "$rps") | $(ratio "$s_p99" "$p99") |"
    done
done
