# shellcheck shell=bash
# The L7 proxy scenario's pieces (e2e/l7_proxy, bench/l7.sh): a test CA and certificates made
# with openssl, and nginx endpoints with a plain, a PROXY protocol and a TLS listener. Sourced
# after common.sh.

L7_PLAIN_PORT=8081 # nginx: /whoami, static files, PUT (dav)
L7_PP_PORT=8082    # nginx: listen ... proxy_protocol, echoes $proxy_protocol_addr
L7_TLS_PORT=8443   # nginx: TLS with a certificate of the test CA (srv1, srv3) or of another CA (srv2)

# l7_cert DIR NAME CA SAN: DIR/NAME.key and DIR/NAME.crt for SAN (e.g. DNS:a.test or
# IP:10.1.2.2), signed by DIR/CA.crt.
l7_cert() {
    local dir=$1 name=$2 ca=$3 san=$4
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$dir/$name.key" \
        -subj "/CN=$name" -addext "subjectAltName=$san" -out "$dir/$name.csr" 2>/dev/null &&
        openssl x509 -req -in "$dir/$name.csr" -CA "$dir/$ca.crt" -CAkey "$dir/$ca.key" -CAcreateserial \
            -days 2 -copy_extensions copy -out "$dir/$name.crt" 2>/dev/null
}

# l7_certs DIR: two CAs (ca = the test CA the proxy trusts, otherca = one it does not), the
# proxy's certificates per host in loxilb's layout DIR/proxy/<host>/server.{crt,key} for a.test
# and b.test, and endpoint certificates srv1..3 (srv2's from otherca).
l7_certs() {
    local dir=$1 ca host k
    mkdir -p "$dir" || return 1
    for ca in ca otherca; do
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
            -subj "/CN=SwiftLB e2e $ca" -keyout "$dir/$ca.key" -out "$dir/$ca.crt" 2>/dev/null || return 1
    done
    for host in a.test b.test; do
        l7_cert "$dir" "$host" ca "DNS:$host" || return 1
        mkdir -p "$dir/proxy/$host"
        cp "$dir/$host.crt" "$dir/proxy/$host/server.crt" && cp "$dir/$host.key" "$dir/proxy/$host/server.key"
    done
    for ((k = 1; k <= TOPO_SERVERS; k++)); do
        ca=ca
        [[ $k == 2 ]] && ca=otherca
        l7_cert "$dir" "srv$k" "$ca" "IP:${SRV_IP[k]}" || return 1
    done
}

# l7_nginx_start K DIR CERTS: nginx in srvK on the three L7 ports, files under DIR/www.
l7_nginx_start() {
    local k=$1 dir=$2 certs=$3
    mkdir -p "$dir/www" || return 1
    cat >"$dir/nginx.conf" <<CONF
user root;
worker_processes 2;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
    access_log $dir/access.log;
    keepalive_requests 100000;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    server {
        listen ${SRV_IP[k]}:$L7_PLAIN_PORT backlog=4096;
        root $dir/www;
        client_max_body_size 200m;
        location = /whoami { return 200 "srv$k \$remote_addr xff=\$http_x_forwarded_for\n"; }
        location / { dav_methods PUT; create_full_put_path on; }
    }
    server {
        listen ${SRV_IP[k]}:$L7_PP_PORT proxy_protocol;
        location / { return 200 "srv$k pp=\$proxy_protocol_addr:\$proxy_protocol_port remote=\$remote_addr\n"; }
    }
    server {
        listen ${SRV_IP[k]}:$L7_TLS_PORT ssl;
        ssl_certificate $certs/srv$k.crt;
        ssl_certificate_key $certs/srv$k.key;
        location / { return 200 "srv$k tls\n"; }
    }
}
CONF
    bg_start "srv$k-l7nginx" "${NS_SRV[k]}" nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" || return 1
    wait_tcp "${NS_SRV[k]}" "${SRV_IP[k]}" "$L7_PLAIN_PORT"
}
