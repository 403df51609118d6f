# shellcheck shell=bash
# Backends of the benchmark topology: nginx answering a small HTTP body on :8080 in every server
# namespace (2 workers, keep-alive) and an iperf3 server on :5201 in server 1 (TCP and UDP
# tests). Started with bg_start (PID files in STATE_DIR; nginx's configuration from
# e2e/lib/nginx.sh), stopped with servers_down. Sourced.

# servers_up: starts the backends; returns 1 if one does not answer.
servers_up() {
    local k
    for ((k = 1; k <= TOPO_SERVERS; k++)); do
        nginx_srv_start "$k" "$STATE_DIR/srv$k" || return 1
    done
    bg_start srv1-iperf3 "${NS_SRV[1]}" iperf3 -s -B "${SRV_IP[1]}" -p "$BULK_PORT"
    for ((k = 1; k <= TOPO_SERVERS; k++)); do
        wait_http "${NS_SRV[k]}" "http://${SRV_IP[k]}:$HTTP_PORT/" || { echo "server $k (nginx) did not start" >&2; return 1; }
    done
}

# wait_http NS URL: polls URL from NS for up to 10 s.
wait_http() {
    local i
    for ((i = 0; i < 100; i++)); do
        in_ns "$1" curl -fsS -m 1 -o /dev/null "$2" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

servers_down() {
    local k
    bg_stop srv1-iperf3 TERM 3 || true
    for ((k = 1; k <= TOPO_SERVERS; k++)); do bg_stop "srv$k-nginx" QUIT 5 || true; done
}
