# shellcheck shell=bash
# Contender "haproxy": HAProxy in TCP mode in the LB namespace, listening on VIP:80 (round robin
# over every server) and VIP2:5201 (server 1); the VIPs are on the namespace's loopback. Its own
# config file in STATE_DIR, started in the foreground and stopped by PID. No UDP. Sourced.
haproxy_up() {
    local dir=$STATE_DIR/haproxy k
    mkdir -p "$dir"
    lb_vips_add
    {
        echo "global"
        echo "    maxconn 8000"
        echo "defaults"
        echo "    mode tcp"
        echo "    timeout connect 5s"
        echo "    timeout client 60s"
        echo "    timeout server 60s"
        echo "frontend web"
        echo "    bind $VIP:80"
        echo "    default_backend servers"
        echo "backend servers"
        echo "    balance roundrobin"
        for ((k = 1; k <= TOPO_SERVERS; k++)); do echo "    server s$k ${SRV_IP[k]}:$HTTP_PORT"; done
        echo "frontend bulk"
        echo "    bind $VIP_BULK:$BULK_PORT"
        echo "    default_backend bulk"
        echo "backend bulk"
        echo "    server s1 ${SRV_IP[1]}:$BULK_PORT"
    } >"$dir/haproxy.cfg"
    bg_start haproxy "$NS_LB" haproxy -db -f "$dir/haproxy.cfg"
    LB_PIDS=$BG_PID
    TARGET_WEB="http://$VIP:80/"
    TARGET_BULK=$VIP_BULK
    BULK_UDP=no
    wait_http "$NS_CLIENT" "$TARGET_WEB"
}

haproxy_down() { bg_stop haproxy TERM 5 || true; lb_vips_del; }

# lb_vips_add / lb_vips_del: the VIPs as local addresses of the LB namespace (userspace proxies).
lb_vips_add() {
    in_ns "$NS_LB" ip addr add "$VIP/32" dev lo
    in_ns "$NS_LB" ip addr add "$VIP_BULK/32" dev lo
}
lb_vips_del() {
    in_ns "$NS_LB" ip addr del "$VIP/32" dev lo 2>/dev/null || true
    in_ns "$NS_LB" ip addr del "$VIP_BULK/32" dev lo 2>/dev/null || true
}
