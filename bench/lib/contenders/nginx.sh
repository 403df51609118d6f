# shellcheck shell=bash
# Contender "nginx": nginx's stream module (Debian's libnginx-mod-stream) in the LB namespace:
# VIP:80 TCP round robin over every server, VIP2:5201 TCP and UDP to server 1, 2 workers. Its
# own config and prefix in STATE_DIR, stopped by PID. Sourced.
nginx_up() {
    local dir=$STATE_DIR/nginx-lb k module=/usr/lib/nginx/modules/ngx_stream_module.so
    mkdir -p "$dir"
    lb_vips_add
    {
        [[ -e $module ]] && echo "load_module $module;"
        echo "worker_processes 2;"
        echo "daemon off;"
        echo "pid $dir/nginx.pid;"
        echo "error_log $dir/error.log warn;"
        echo "events { worker_connections 16384; }"
        echo "stream {"
        echo "    upstream web {"
        for ((k = 1; k <= TOPO_SERVERS; k++)); do echo "        server ${SRV_IP[k]}:$HTTP_PORT;"; done
        echo "    }"
        echo "    server { listen $VIP:80 backlog=4096; proxy_pass web; }"
        echo "    server { listen $VIP_BULK:$BULK_PORT; proxy_pass ${SRV_IP[1]}:$BULK_PORT; }"
        echo "    server { listen $VIP_BULK:$BULK_PORT udp; proxy_pass ${SRV_IP[1]}:$BULK_PORT; proxy_timeout 5s; }"
        echo "}"
    } >"$dir/nginx.conf"
    bg_start nginx-lb "$NS_LB" nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf"
    LB_PIDS=$BG_PID
    TARGET_WEB="http://$VIP:80/"
    TARGET_BULK=$VIP_BULK
    BULK_UDP=yes
    wait_http "$NS_CLIENT" "$TARGET_WEB"
}

nginx_down() { bg_stop nginx-lb QUIT 5 || true; lb_vips_del; }
