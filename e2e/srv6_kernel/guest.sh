# shellcheck shell=bash
# Shared by e2e/srv6_kernel/{setup,check}: the addresses of the scenario, the Debian kernel of
# the guest (scripts/lib/debian-kernel.sh), its initramfs and QEMU. Sourced after common.sh.
#
# Environment:
#   SLB_S6K_KERNEL        the guest's kernel: X.Y (newest X.Y of bookworm, trixie, their
#                         backports), X.Y@SUITE, newest, or an exact release (default 6.1)
#   SLB_S6K_ACCEL         QEMU accelerator (default tcg: what CI has; kvm where /dev/kvm works)
#   SLB_S6K_BOOT_TIMEOUT  seconds until the guest must be ready (default 300)
#   SWIFTLB_KERNEL_CACHE  kernels and the private apt state (default /var/cache/swiftlb-kernels)

S6K_MODULES=(virtio_pci virtio_net dummy veth)
S6K_BIG=$((4 * 1024 * 1024))

# s6k_vars: the variables of the scenario (after scenario_init): the IPv6 topology's, the
# LB's SID, the guest's address, SIDs and server addresses, interface names.
s6k_vars() {
    topo_vars6 "$PREFIX" || fail "bad prefix"
    LB_SID="fc00:$NET_OCTET:ff::100"
    LB4=${SRV_GW[1]}                       # the LB's address on l1: its NAT64 source there
    GUEST6="fd00:$NET_OCTET:2::3"          # on srv1's link, bridged to the guest
    GUEST_SRV4="10.$NET_OCTET.2.3"         # the IPv4 endpoint, on the guest's dummy srv0
    GUEST_SRV6="fd00:$NET_OCTET:9::3"      # the IPv6 endpoint, in the guest's namespace srv
    GUEST_SRV6_GW="fd00:$NET_OCTET:9::1"   # the guest's side of the veth to srv
    SID_END="fc00:$NET_OCTET:1::e"
    SID_DX4="fc00:$NET_OCTET:1::d4"
    SID_DX6="fc00:$NET_OCTET:1::d6"
    S6K_TAP=s6ktap
    S6K_BR=s6kbr
    GUEST_DIR=$STATE_DIR/guest
    GUEST_LOG=$STATE_DIR/guest.log
}

# s6k_kernel: sets KERNEL_DIR (vmlinuz, config, modules/) and KERNEL_REL for SLB_S6K_KERNEL:
# a cached kernel with the modules when one matches, else fetched (bounded: apt's own limits).
s6k_kernel() {
    local spec=${SLB_S6K_KERNEL:-6.1} d line label pkg version suite
    cache=${SWIFTLB_KERNEL_CACHE:-/var/cache/swiftlb-kernels}
    suites=(bookworm trixie bookworm-backports trixie-backports)
    DK_TAG=srv6_kernel
    die() { fail "$*"; } # the library's fatal errors
    # shellcheck source=../../scripts/lib/debian-kernel.sh
    source "$REPO_ROOT/scripts/lib/debian-kernel.sh"
    if [[ "$spec" =~ ^[0-9]+\.[0-9]+$ ]]; then
        for d in $(ls -d "$cache/kernels/$spec".* 2>/dev/null | sort -V -r); do
            if [[ -s "$d/vmlinuz" ]] && dk_has_modules "$d" "${S6K_MODULES[@]}"; then
                KERNEL_DIR=$d
                KERNEL_REL=$(basename "$d")
                note "kernel $KERNEL_REL (cached in $d)"
                return 0
            fi
        done
    fi
    say "fetching the Debian kernel $spec and its modules ${S6K_MODULES[*]} into $cache"
    busybox=$(command -v busybox) || fail "no busybox (apt-get install busybox-static)"
    dk_lock
    setup_apt
    candidates=$(kernel_candidates)
    [[ -n "$candidates" ]] || fail "the package lists hold no amd64 kernel (see $apt_dir/update.log)"
    line=$(resolve_kernel "$spec") || fail "no Debian kernel matches '$spec' in ${suites[*]}"
    read -r label KERNEL_REL pkg version suite <<<"$line"
    fetch_kernel "$KERNEL_REL" "$pkg" "$version" "$suite" "${S6K_MODULES[@]}" ||
        fail "could not fetch $pkg $version with the modules ${S6K_MODULES[*]}"
    exec 9>&- # the cache's lock
    KERNEL_DIR=$cache/kernels/$KERNEL_REL
    note "kernel $KERNEL_REL ($label, $pkg $version from $suite)"
}

# s6k_initramfs: GUEST_DIR/initrd.cpio.gz: static busybox, the host's `ip` with its shared
# libraries, the modules of KERNEL_DIR, guest-init as /init with /etc/s6k.env, and /www
# (index.html "srv6-kernel REL", big.bin of S6K_BIG bytes, cgi-bin/upload: the body's length
# and sha256, cgi-bin/routes: the SIDs' packet counters).
s6k_initramfs() {
    local fs=$GUEST_DIR/root bb ipbin lib m
    bb=$(dpkg-query -L busybox-static 2>/dev/null | grep -E '/bin/busybox$' | head -n1)
    [[ -n "$bb" && -x "$bb" ]] || fail "busybox-static is not installed (apt-get install busybox-static)"
    ipbin=$(command -v ip) || fail "no ip binary"
    rm -rf "$GUEST_DIR"
    mkdir -p "$fs"/{bin,sbin,dev,proc,sys,tmp,etc,lib/modules,www/cgi-bin} || fail "mkdir $fs"
    cp "$bb" "$fs/bin/busybox" || fail "copy busybox"
    mkdir -p "$fs/opt/iproute2" && cp "$ipbin" "$fs/opt/iproute2/ip" || fail "copy ip"
    # The dynamic linker and the libraries, at the paths ldd names.
    for lib in $(ldd "$ipbin" | grep -oE '/[^ ]+'); do
        mkdir -p "$fs$(dirname "$lib")"
        cp -L "$lib" "$fs$lib" || fail "copy $lib"
    done
    for m in "$KERNEL_DIR"/modules/*.order "$KERNEL_DIR"/modules/*.ko; do
        [[ -e "$m" ]] && cp "$m" "$fs/lib/modules/"
    done
    cp "$E2E_DIR/srv6_kernel/guest-init" "$fs/init" || fail "copy guest-init"
    cat >"$fs/etc/s6k.env" <<EOF
S6K_GUEST6=$GUEST6
S6K_GW6=${SRV_GW6[1]}
S6K_SRV4=$GUEST_SRV4
S6K_SRV6=$GUEST_SRV6
S6K_SRV6_GW=$GUEST_SRV6_GW
S6K_SID_END=$SID_END
S6K_SID_DX4=$SID_DX4
S6K_SID_DX6=$SID_DX6
S6K_LB4=$LB4
S6K_CLIENT6=$CLIENT_IP6
S6K_LB_SID=$LB_SID
S6K_PORT=$HTTP_PORT
EOF
    echo "srv6-kernel $KERNEL_REL" >"$fs/www/index.html"
    "$PYTHON" -c 'import sys; n = int(sys.argv[1]); sys.stdout.buffer.write((bytes(range(256)) * (n // 256 + 1))[:n])' \
        "$S6K_BIG" >"$fs/www/big.bin" || fail "big.bin"
    cat >"$fs/www/cgi-bin/upload" <<'EOF'
#!/bin/sh
# The request body's length and sha256.
echo "Content-Type: text/plain"
echo
n=$(head -c "${CONTENT_LENGTH:-0}" | tee /tmp/upload | wc -c)
echo "$n $(sha256sum </tmp/upload | cut -d' ' -f1)"
rm -f /tmp/upload
EOF
    cat >"$fs/www/cgi-bin/routes" <<'EOF'
#!/bin/sh
# The packets each SID took: "End N", "End.DX4 N", "End.DX6 N".
echo "Content-Type: text/plain"
echo
/opt/iproute2/ip -s -6 route show | grep seg6local | sed -n 's/.*action \([^ ]*\) .*packets \([0-9]*\).*/\1 \2/p'
EOF
    chmod 755 "$fs/init" "$fs/bin/busybox" "$fs/opt/iproute2/ip" "$fs/www/cgi-bin/upload" "$fs/www/cgi-bin/routes"
    mknod "$fs/dev/console" c 5 1 2>/dev/null
    (cd "$fs" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$GUEST_DIR/initrd.cpio.gz" ||
        fail "building the initramfs failed"
    rm -rf "$fs"
}

# s6k_guest_start: QEMU in srv1's namespace on the tap S6K_TAP (console to GUEST_LOG), bounded
# by the scenario's limit; returns once the guest printed S6K-READY (or fails with its console).
s6k_guest_start() {
    local accel=${SLB_S6K_ACCEL:-tcg} limit=${SLB_S6K_BOOT_TIMEOUT:-300} life t0 i
    life=$((${SLB_SCENARIO_TIMEOUT:-900} + 60))
    : >"$GUEST_LOG"
    t0=$(date +%s)
    bg_start guest "${NS_SRV[1]}" timeout -k 5 "$life" qemu-system-x86_64 -accel "$accel" -cpu max \
        -m 512M -smp 1 -nographic -no-reboot -kernel "$KERNEL_DIR/vmlinuz" \
        -initrd "$GUEST_DIR/initrd.cpio.gz" -append "console=ttyS0 panic=-1 quiet" \
        -netdev "tap,id=n0,ifname=$S6K_TAP,script=no,downscript=no" \
        -device virtio-net-pci,netdev=n0,mac=52:54:00:6b:00:01 || fail "QEMU did not start"
    for ((i = 0; i < limit * 2; i++)); do
        grep -q 'S6K-READY' "$GUEST_LOG" && break
        grep -q 'S6K-FAILED' "$GUEST_LOG" && break
        bg_alive guest || break
        sleep 0.5
    done
    GUEST_BOOT_S=$(($(date +%s) - t0))
    if ! grep -q 'S6K-READY' "$GUEST_LOG"; then
        s6k_guest_console
        grep -q 'S6K-FAILED' "$GUEST_LOG" && fail "the guest's setup failed: $(grep -m1 -a 'S6K-FAILED' "$GUEST_LOG" | tr -d '\r')"
        bg_alive guest || fail "QEMU ended after $GUEST_BOOT_S s without S6K-READY"
        fail "the guest was not ready within $limit s"
    fi
}

# s6k_guest_console: the guest's console output (the last 60 lines), for failures.
s6k_guest_console() {
    echo "    --- guest console ($GUEST_LOG, last 60 lines)"
    tr -d '\r' <"$GUEST_LOG" | tail -n 60 | sed 's/^/    guest| /'
}
