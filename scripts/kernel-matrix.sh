#!/usr/bin/env bash
# Loads SwiftLB's datapath object on several Debian kernels booted in QEMU and reports, per
# kernel and program, the verifier's processed instructions (or the refusal), then sends
# packets through the loaded datapath on each kernel (slb-verify --packet, tools/verifier).
#
# Usage: scripts/kernel-matrix.sh [--kernels LIST] [--quick] [--object PATH]... [--limit N]
#                                 [--timeout S] [--logs DIR] [--list]
#   --kernels LIST  comma-separated kernels (default 6.1,6.12,6.18,newest). Each is
#                   X.Y          the newest X.Y kernel of the first suite offering one, in the
#                                order bookworm, trixie, bookworm-backports, trixie-backports
#                   X.Y@SUITE    the newest X.Y kernel of SUITE
#                   newest       the newest kernel of any of those suites
#                   RELEASE      an exact release, e.g. 6.18.15+deb13-amd64
#   --quick         the kernels 6.1 and newest (for CI)
#   --object PATH   object to check, repeatable (default: swiftlb.bpf.o built from bpf/ with
#                   scripts/embed-bpf.sh into a temporary directory)
#   --limit N       processed-instruction budget per program (default 500000)
#   --timeout S     bound of one boot, in seconds (default 300)
#   --logs DIR      keep each guest's serial output in DIR
#   --list          only resolve the kernels and say which package each is; boot nothing
# Environment: SWIFTLB_KERNEL_CACHE (default /var/cache/swiftlb-kernels) holds the kernels and
# the private apt state; SWIFTLB_KM_INSECURE_APT=1 allows an unsigned archive as a last
# resort when no keyring covers it (docs/kernel-matrix.md).
#
# Kernels come from the Debian archive this machine already uses (its URI read from
# /etc/apt/sources.list.d or sources.list), fetched with `apt-get download` through a private
# apt configuration under the cache directory (nothing is installed, the system's apt state is
# untouched) and unpacked with dpkg-deb; only the kernel image is kept. Each boots under QEMU's
# software emulation with a busybox initramfs (tools/kernel-matrix/init) holding a static
# slb-verify and the objects. Ends with "kernel-matrix: N passed, M failed" (one per kernel)
# and exits 1 when a kernel failed (a program refused or over the limit, a packet case failed,
# the guest hung or crashed), 2 on a usage or setup error.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${SWIFTLB_KERNEL_CACHE:-/var/cache/swiftlb-kernels}
kernels_arg=6.1,6.12,6.18,newest
objects=()
limit=500000
boot_timeout=300
logs_dir=
list_only=0
suites=(bookworm trixie bookworm-backports trixie-backports)

usage() {
    sed -n '/^# Usage:/,/^# resort when/p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

die() {
    echo "kernel-matrix: error: $*" >&2
    exit 2
}

say() {
    echo "kernel-matrix: $*"
}

while [ $# -gt 0 ]; do
    case $1 in
    --kernels) [ $# -ge 2 ] || usage; kernels_arg=$2; shift 2 ;;
    --quick) kernels_arg=6.1,newest; shift ;;
    --object) [ $# -ge 2 ] || usage; objects+=("$2"); shift 2 ;;
    --limit) [ $# -ge 2 ] || usage; limit=$2; shift 2 ;;
    --timeout) [ $# -ge 2 ] || usage; boot_timeout=$2; shift 2 ;;
    --logs) [ $# -ge 2 ] || usage; logs_dir=$2; shift 2 ;;
    --list) list_only=1; shift ;;
    -h | --help) usage ;;
    *) echo "kernel-matrix: unknown argument '$1'" >&2; usage ;;
    esac
done
[[ $limit =~ ^[0-9]+$ ]] || die "--limit wants a number, got '$limit'"
[[ $boot_timeout =~ ^[0-9]+$ ]] || die "--timeout wants seconds, got '$boot_timeout'"
for o in "${objects[@]}"; do
    [ -f "$o" ] || die "no object file $o"
done

# --- cleanup: no temporary directory and no QEMU outlive the run ---------------------------

work=
guest_pid=
cleanup() {
    if [ -n "$guest_pid" ] && kill -0 "$guest_pid" 2>/dev/null; then
        # `timeout` passes the signal on to QEMU and waits for it.
        kill "$guest_pid" 2>/dev/null
        wait "$guest_pid" 2>/dev/null
    fi
    [ -n "$work" ] && rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "kernel-matrix: interrupted" >&2; exit 130' INT TERM HUP

# --- tools ---------------------------------------------------------------------------------

# Installs Debian packages (apt-get update first only when the install fails without it).
install_packages() {
    [ "$(id -u)" -eq 0 ] || die "missing $*; install them (apt-get install $*) or run as root"
    say "installing $*"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null; then
        apt-get update -q >/dev/null || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null ||
            die "apt-get install $* failed"
    fi
}

# Each argument is TOOL:PACKAGE, TOOL a command or an absolute path; installs what is missing.
ensure_tools() {
    local missing=() pair tool
    for pair in "$@"; do
        tool=${pair%%:*}
        case $tool in
        /*) [ -e "$tool" ] || missing+=("${pair#*:}") ;;
        *) command -v "$tool" >/dev/null 2>&1 || missing+=("${pair#*:}") ;;
        esac
    done
    [ ${#missing[@]} -eq 0 ] || install_packages "${missing[@]}"
}

ensure_tools qemu-system-x86_64:qemu-system-x86 cpio:cpio gzip:gzip dpkg-deb:dpkg \
    timeout:coreutils flock:util-linux gcc:gcc /usr/include/bpf/libbpf.h:libbpf-dev \
    /usr/include/gelf.h:libelf-dev /usr/include/zlib.h:zlib1g-dev
# The initramfs needs the static busybox; the dynamic one (package busybox) would not run.
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' ||
    install_packages busybox-static
busybox=$(dpkg-query -L busybox-static 2>/dev/null | grep -E '/bin/busybox$' | head -n1)
if [ -z "$busybox" ] || [ ! -x "$busybox" ]; then
    die "busybox-static is installed but its /bin/busybox is missing"
fi

# --- the private apt configuration and the kernel fetch (scripts/lib/debian-kernel.sh) ------

# shellcheck source=lib/debian-kernel.sh
source "$root/scripts/lib/debian-kernel.sh"
dk_lock

# --- resolve the kernels ------------------------------------------------------------------

setup_apt
candidates=$(kernel_candidates)
[ -n "$candidates" ] || die "the package lists hold no amd64 kernel (see $apt_dir/update.log)"
labels=() releases=() packages=() versions=() origins=()
IFS=, read -r -a specs <<<"$kernels_arg"
for spec in "${specs[@]}"; do
    [ -n "$spec" ] || continue
    line=$(resolve_kernel "$spec") || die "no Debian kernel matches '$spec' in ${suites[*]}"
    read -r label rel pkg version suite <<<"$line"
    dup=0
    for r in "${releases[@]}"; do [ "$r" = "$rel" ] && dup=1; done
    if [ $dup = 1 ]; then
        say "$spec is $rel, already in the list"
        continue
    fi
    labels+=("$label") releases+=("$rel") packages+=("$pkg") versions+=("$version") origins+=("$suite")
done
[ ${#releases[@]} -gt 0 ] || die "no kernels to check"
say "kernels:"
for i in "${!releases[@]}"; do
    printf '  %-8s %-24s %s %s (%s)\n' "${labels[$i]}" "${releases[$i]}" "${packages[$i]}" \
        "${versions[$i]}" "${origins[$i]}"
done
[ $list_only = 1 ] && exit 0

# --- objects, loader, initramfs --------------------------------------------------------------

work=$(mktemp -d /tmp/swiftlb-kernel-matrix.XXXXXX) || die "mktemp failed"
if [ ${#objects[@]} -eq 0 ]; then
    clang=$(command -v clang) || die "no clang to build the BPF object (or pass --object PATH)"
    say "building swiftlb.bpf.o from bpf/"
    mkdir -p "$work/obj"
    sh "$root/scripts/embed-bpf.sh" "$clang" "$work/obj/Gen.swift" "$root/bpf" \
        "$root/Sources/SwiftLBABI/include" "$root/bpf/progs/swiftlb.bpf.c" ||
        die "building the BPF object failed"
    objects=("$work/obj/swiftlb.bpf.o")
fi
say "building slb-verify (static)"
"$root/tools/verifier/build.sh" "$work/bin" >"$work/build.log" 2>&1 ||
    { cat "$work/build.log" >&2; die "tools/verifier/build.sh failed"; }

initrd=$work/initrd.cpio.gz
fs=$work/initramfs
mkdir -p "$fs"/{bin,dev,proc,sys,tmp,etc,objects}
cp "$busybox" "$fs/bin/busybox"
cp "$work/bin/slb-verify-static" "$fs/bin/slb-verify"
cp "$root/tools/kernel-matrix/init" "$fs/init"
chmod 755 "$fs/init" "$fs/bin/busybox" "$fs/bin/slb-verify"
for o in "${objects[@]}"; do cp "$o" "$fs/objects/"; done
echo "limit=$limit" >"$fs/etc/kernel-matrix.env"
# The kernel opens /dev/console for /init before anything is mounted.
[ "$(id -u)" -eq 0 ] && mknod "$fs/dev/console" c 5 1 2>/dev/null
(cd "$fs" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$initrd" ||
    die "building the initramfs failed"

# --- boot each kernel ------------------------------------------------------------------------

# Boots kernel $1 with the initramfs; the serial console goes to $2. Returns QEMU's status
# (124 when `timeout` ended it).
boot() {
    local kernel=$1 log=$2 start now last=0 rc
    start=$(date +%s)
    timeout -k 10 "$boot_timeout" qemu-system-x86_64 -accel tcg -cpu max -m 1G -smp 1 \
        -nographic -no-reboot -net none -kernel "$kernel" -initrd "$initrd" \
        -append "console=ttyS0 panic=-1 quiet" </dev/null >"$log" 2>&1 &
    guest_pid=$!
    while kill -0 "$guest_pid" 2>/dev/null; do
        sleep 2
        now=$(($(date +%s) - start))
        if [ $((now - last)) -ge 30 ]; then
            say "    ... ${now} s"
            last=$now
        fi
    done
    wait "$guest_pid"
    rc=$?
    guest_pid=
    return $rc
}

# Reads one guest's slb-verify output ($2) into cell["$1|program"], programs and note. Rows:
# program verdict processed peak stack ms ("not loaded" is two words); an indented line under
# a row is the verifier's or libbpf's complaint. With several objects a program is shown as
# object:program (the rows come before their object's summary line "/objects/NAME: ...").
parse_guest() {
    local k=$1 line prog verdict f3 value key last='' p seen i obj
    local -a pend_prog=() pend_value=()
    note=
    while IFS= read -r line; do
        case $line in
        "program "*verdict*) continue ;;
        "    "*) note+="${note:+; }${last:+$last: }${line#    }"; continue ;;
        "packet: "*FAILED* | "packet: not run"*) note+="${note:+; }${line}"; continue ;;
        warning:*) note+="${note:+; }$line"; continue ;;
        /objects/*)
            obj=${line#/objects/}
            obj=${obj%%:*}
            obj=${obj%.bpf.o}
            for i in "${!pend_prog[@]}"; do
                key=${pend_prog[$i]}
                [ ${#objects[@]} -gt 1 ] && key=$obj:$key
                seen=0
                for p in "${programs[@]}"; do [ "$p" = "$key" ] && seen=1; done
                [ $seen = 1 ] || programs+=("$key")
                cell["$k|$key"]=${pend_value[$i]}
            done
            pend_prog=() pend_value=() last=''
            continue ;;
        packet:* | SLB-KM-*) continue ;;
        esac
        read -r prog verdict f3 _ <<<"$line"
        [ -n "$prog" ] || continue
        case $verdict in
        ok) value=$f3 ;;
        OVER) value="OVER $f3" ;;
        REFUSED) value="REFUSED" ;;
        not)
            [ "$f3" = loaded ] || continue
            value="not loaded" ;;
        *) continue ;;
        esac
        last=$prog
        pend_prog+=("$prog") pend_value+=("$value")
    done <<<"$2"
}

declare -A cell    # "$k|$program" -> what the table shows
programs=()        # in order of first appearance
results=() packets=() seconds=() notes=()
passed=0 failed=0
n=${#releases[@]}

for k in "${!releases[@]}"; do
    rel=${releases[$k]}
    say "[$((k + 1))/$n] ${labels[$k]}: $rel"
    if ! fetch_kernel "$rel" "${packages[$k]}" "${versions[$k]}" "${origins[$k]}"; then
        results+=("NO-KERNEL") packets+=("-") seconds+=("-") notes+=("download of ${packages[$k]} failed")
        failed=$((failed + 1))
        continue
    fi
    log=$work/serial-$rel.log
    say "  $rel: booting under QEMU (TCG, timeout ${boot_timeout} s)"
    t0=$(date +%s)
    boot "$cache/kernels/$rel/vmlinuz" "$log"
    qrc=$?
    elapsed=$(($(date +%s) - t0))
    tr -d '\r' <"$log" >"$log.txt"
    [ -n "$logs_dir" ] && mkdir -p "$logs_dir" && cp "$log.txt" "$logs_dir/serial-$rel.log"
    # The BIOS's screen escapes may share a line with the first marker.
    out=$(sed -n '/SLB-KM-BEGIN/,/^SLB-KM-END/p' "$log.txt" | sed 's/^.*\(SLB-KM-BEGIN\)/\1/')
    endline=$(grep -m1 '^SLB-KM-END' <<<"$out")
    guest_rc=$(sed -n 's/^SLB-KM-END rc=\([0-9]*\).*/\1/p' <<<"$endline")
    guest_s=$(sed -n 's/.* seconds=\([0-9]*\).*/\1/p' <<<"$endline")

    parse_guest "$k" "$out"
    pk_total=$(grep -c '^packet: [^:]*: \(ok\|FAILED\)' <<<"$out")
    pk_ok=$(grep -c '^packet: [^:]*: ok' <<<"$out")
    if grep -q '^packet: not run' <<<"$out"; then
        packets+=("not run")
    elif grep -q '^packet: .*FAILED' <<<"$out"; then
        packets+=("FAILED $pk_ok/$pk_total")
    elif [ "$pk_total" -gt 0 ]; then
        packets+=("ok $pk_ok/$pk_total")
    else
        packets+=("-")
    fi
    seconds+=("${elapsed} (${guest_s:-?})")
    if [ -z "$endline" ]; then
        if [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
            results+=("TIMEOUT")
            note+="${note:+; }no result within ${boot_timeout} s"
        else
            results+=("CRASHED")
            note+="${note:+; }guest ended (QEMU status $qrc) without a result"
        fi
        echo "kernel-matrix: last lines of the guest's console:" >&2
        tail -n 15 "$log.txt" | sed 's/^/    /' >&2
        failed=$((failed + 1))
    elif [ "$guest_rc" = 0 ]; then
        results+=("pass")
        passed=$((passed + 1))
    else
        results+=("FAIL")
        failed=$((failed + 1))
    fi
    notes+=("$note")
    say "  $rel: ${results[$k]} after ${elapsed} s (check in guest ${guest_s:-?} s)"
done

# --- report --------------------------------------------------------------------------------

col=24
echo
echo "Kernel matrix: processed instructions per program (limit $limit; OVER = loaded but over"
echo "the limit, REFUSED = rejected by the verifier, not loaded = the object failed before)"
echo
# row LABEL VALUE...: one line of the table, a column per kernel.
row() {
    printf '%-28s' "$1"
    shift
    printf " %-${col}s" "$@"
    echo
}
selected=()
for k in "${!releases[@]}"; do selected+=("${labels[$k]} (${origins[$k]})"); done
row "program" "${releases[@]}"
row "(selected as)" "${selected[@]}"
for prog in "${programs[@]}"; do
    cells=()
    for k in "${!releases[@]}"; do cells+=("${cell["$k|$prog"]:--}"); done
    row "$prog" "${cells[@]}"
done
row "packet test" "${packets[@]}"
row "seconds boot+check (check)" "${seconds[@]}"
row "result" "${results[@]}"
for k in "${!releases[@]}"; do
    [ -n "${notes[$k]}" ] && echo "  ${releases[$k]}: ${notes[$k]}"
done
echo
echo "kernel-matrix: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
