# shellcheck shell=bash
# nginx as the HTTP backend of the server namespaces (the benchmark and e2e/churn): 2 workers,
# keep-alive, answering "srvK" on SRV_IP[k]:HTTP_PORT. Sourced after common.sh.

# nginx_srv_start K DIR: writes srvK's configuration into DIR (its pid file, logs and temporary
# files stay there) and starts nginx in srvK's namespace as process srvK-nginx (bg_start).
nginx_srv_start() {
    local k=$1 dir=$2
    mkdir -p "$dir" || return 1
    cat >"$dir/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 8192; }
http {
    access_log off;
    keepalive_requests 10000000;
    keepalive_timeout 60s;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    server {
        listen ${SRV_IP[k]}:$HTTP_PORT backlog=4096;
        location / { return 200 "srv$k\n"; }
    }
}
CONF
    bg_start "srv$k-nginx" "${NS_SRV[k]}" nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf"
}
