# FRR (Debian's frr package) as a real peer: zebra and bfdd in a namespace, each group of them in
# a pathspace of its own (/run/frr/SPACE, /etc/frr/SPACE) so runs never share sockets. Used by
# e2e/bfd and scripts/bfd-interop.sh. Daemons run as user frr and are stopped by PID file.

# frr_bfdd_start NS SPACE CONF: starts zebra then bfdd (configured by CONF) in NS.
frr_bfdd_start() {
    local ns=$1 space=$2 conf=$3 run=/run/frr/$2 i
    [[ -x /usr/lib/frr/bfdd ]] || { echo "FRR is not installed (apt-get install frr)" >&2; return 1; }
    mkdir -p "$run" "/etc/frr/$space" && touch "/etc/frr/$space/vtysh.conf" && chown frr:frr "$run" || return 1
    chmod a+r "$conf"
    ip netns exec "$ns" /usr/lib/frr/zebra -N "$space" -d -u frr -g frr -i "$run/zebra.pid" >/dev/null 2>&1 || return 1
    for ((i = 0; i < 50; i++)); do [[ -S "$run/zserv.api" ]] && break; sleep 0.1; done
    ip netns exec "$ns" /usr/lib/frr/bfdd -N "$space" -d -u frr -g frr -i "$run/bfdd.pid" -f "$conf" \
        >/dev/null 2>&1
}

# frr_bfd_peers NS SPACE: bfdd's `show bfd peers`.
frr_bfd_peers() { ip netns exec "$1" vtysh -N "$2" -c 'show bfd peers' 2>/dev/null; }

# frr_stop SPACE DAEMON...: stops the named daemons (bfdd, zebra) of SPACE by PID file.
frr_stop() {
    local space=$1 daemon pidfile
    shift
    for daemon in "$@"; do
        pidfile=/run/frr/$space/$daemon.pid
        [[ -s "$pidfile" ]] && kill "$(cat "$pidfile")" 2>/dev/null
        rm -f "$pidfile"
    done
    return 0
}

# frr_cleanup SPACE: stops bfdd and zebra of SPACE and removes its directories.
frr_cleanup() {
    frr_stop "$1" bfdd zebra
    [[ -n "$1" && "$1" != */* ]] && rm -rf -- "/run/frr/$1" "/etc/frr/$1"
}
