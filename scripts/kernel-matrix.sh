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

# --- the private apt configuration ----------------------------------------------------------

mkdir -p "$cache" || die "cannot create the cache directory $cache (set SWIFTLB_KERNEL_CACHE)"
exec 9>"$cache/.lock"
flock -w 900 9 || die "another kernel-matrix run holds $cache/.lock"
apt_dir=$cache/apt

# The URI of the Debian archive this machine uses: from deb822 .sources files first, then
# one-line sources.list files; a security archive is skipped. Never written to any file of
# the repository: each run reads it afresh.
debian_mirror() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk 'BEGIN { RS = ""; FS = "\n" }
            {
                uris = ""; suites = ""; types = ""
                for (i = 1; i <= NF; i++) {
                    if ($i ~ /^URIs:/) { uris = $i; sub(/^URIs:[ \t]*/, "", uris) }
                    if ($i ~ /^Suites:/) { suites = $i; sub(/^Suites:[ \t]*/, "", suites) }
                    if ($i ~ /^Types:/) { types = $i }
                }
                if (types !~ /(^|[ \t])deb([ \t]|$)/ || suites ~ /-security/) next
                split(uris, u, /[ \t]+/)
                if (u[1] ~ /^https?:\/\// && u[1] !~ /security/) { print u[1]; exit }
            }' "$f"
    done | head -n1 | grep . && return 0
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        sed -e 's/#.*//' -e 's/\[[^]]*\]//' |
        awk '$1 == "deb" && $2 ~ /^https?:\/\// && $2 !~ /security/ && $3 !~ /-security/ { print $2; exit }' |
        grep .
}

# A keyring whose keys sign the trixie suites (Debian 13 archive keys), else empty.
archive_keyring() {
    local main=/usr/share/keyrings/debian-archive-keyring.gpg parts combined
    if [ -f "$main" ] && command -v gpg >/dev/null 2>&1 &&
        gpg --show-keys "$main" 2>/dev/null | grep -q '(13/trixie)'; then
        echo "$main"
        return
    fi
    if [ -f "$main" ] && ! command -v gpg >/dev/null 2>&1 &&
        [ -f /usr/share/keyrings/debian-archive-trixie-automatic.gpg ]; then
        # No gpg to look inside; the package that ships the trixie files also merges them.
        echo "$main"
        return
    fi
    echo "kernel-matrix: $main has no Debian 13 (trixie) keys (debian-archive-keyring too old);" \
        "falling back to the per-release keyrings in /usr/share/keyrings" >&2
    parts=$(ls /usr/share/keyrings/debian-archive-{bookworm,trixie}-*.gpg 2>/dev/null)
    if [ -n "$parts" ] && echo "$parts" | grep -q trixie; then
        combined=$apt_dir/archive-keyring.gpg
        # shellcheck disable=SC2086 # a list of paths
        cat $parts >"$combined"
        echo "$combined"
        return
    fi
    echo "kernel-matrix: no keyring with Debian 13 keys found (apt-get install debian-archive-keyring" \
        "from a newer release)" >&2
}

setup_apt() {
    local mirror keyring opt s
    mirror=$(debian_mirror) || die "cannot find the Debian archive in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/download"
    keyring=$(archive_keyring)
    if [ -n "$keyring" ]; then
        opt="signed-by=$keyring"
    elif [ "${SWIFTLB_KM_INSECURE_APT:-}" = 1 ]; then
        echo "kernel-matrix: WARNING: SWIFTLB_KM_INSECURE_APT=1: kernels are fetched without" \
            "checking the archive's signature ([trusted=yes])" >&2
        opt="trusted=yes"
    else
        die "no keyring covers trixie; install a newer debian-archive-keyring, or set SWIFTLB_KM_INSECURE_APT=1 to skip the signature check"
    fi
    : >"$apt_dir/sources.list"
    for s in "${suites[@]}"; do
        echo "deb [$opt] $mirror $s main" >>"$apt_dir/sources.list"
    done
    apt_opts=(-q -o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o "Dir::Etc::sourceparts=-"
        -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
        -o "Dir::Etc::Preferences=/dev/null" -o "Dir::Etc::PreferencesParts=-"
        -o "Acquire::Languages=none")
    # apt drops to the _apt user to download; it must be able to write where files land.
    if id _apt >/dev/null 2>&1; then
        chown -R _apt:root "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/download"
    else
        apt_opts+=(-o "APT::Sandbox::User=root")
    fi
    say "updating the package lists of ${suites[*]} (private apt state in $apt_dir)"
    if ! timeout 600 apt-get "${apt_opts[@]}" update >"$apt_dir/update.log" 2>&1 ||
        grep -q '^E: ' "$apt_dir/update.log"; then
        grep -E '^(W|E): ' "$apt_dir/update.log" | head -n5 >&2
        if ls "$apt_dir"/lists/*_Packages* >/dev/null 2>&1; then
            echo "kernel-matrix: warning: apt-get update failed; using the lists of an earlier run" >&2
        else
            die "apt-get update failed and no earlier lists exist (log: $apt_dir/update.log)"
        fi
    fi
}

# Prints "suite package version" for every amd64 kernel image of the private lists.
kernel_candidates() {
    local s f
    for s in "${suites[@]}"; do
        for f in "$apt_dir"/lists/*_dists_"${s}"_main_binary-amd64_Packages*; do
            [ -f "$f" ] || continue
            /usr/lib/apt/apt-helper cat-file "$f" |
                awk -v suite="$s" '
                    /^Package: / { p = $2 }
                    /^Version: / { v = $2 }
                    /^$/ { if (p != "") print suite, p, v; p = ""; v = "" }
                    END { if (p != "") print suite, p, v }' |
                grep -E ' linux-(image|binary)-[0-9][^ ]*-amd64 ' |
                grep -vE -- '-(cloud|rt)-amd64 |-dbg '
        done
    done
}

# Resolves one kernel spec to "label release package version suite", or fails.
resolve_kernel() {
    local spec=$1 want suite rel pick
    case $spec in
    newest)
        pick=$(awk '{ print $3, $1, $2 }' <<<"$candidates" | sort -V | tail -n1) ;;
    *@*)
        want=${spec%@*} suite=${spec#*@}
        pick=$(awk -v s="$suite" -v w="$want." '$1 == s && index($3, w) == 1 { print $3, $1, $2 }' \
            <<<"$candidates" | sort -V | tail -n1) ;;
    [0-9]*.[0-9]* )
        if [[ $spec =~ ^[0-9]+\.[0-9]+$ ]]; then
            for suite in "${suites[@]}"; do
                pick=$(awk -v s="$suite" -v w="$spec." '$1 == s && index($3, w) == 1 { print $3, $1, $2 }' \
                    <<<"$candidates" | sort -V | tail -n1)
                [ -n "$pick" ] && break
            done
        else
            pick=$(awk -v r="$spec" '$2 == "linux-image-" r || $2 == "linux-binary-" r { print $3, $1, $2 }' \
                <<<"$candidates" | sort -V | tail -n1)
        fi ;;
    *) pick= ;;
    esac
    [ -n "$pick" ] || return 1
    # pick: version suite package (no spaces inside the fields)
    # shellcheck disable=SC2086
    set -- $pick
    rel=${3#linux-image-}
    rel=${rel#linux-binary-}
    # From 6.19 on the image is in linux-binary-R; linux-image-R only depends on it.
    if grep -qF " linux-binary-$rel " <<<"$candidates"; then
        set -- "$1" "$2" "linux-binary-$rel"
    fi
    echo "$spec $rel $3 $1 $2"
}

# Makes sure $cache/kernels/RELEASE/vmlinuz exists: apt-get download + dpkg-deb -x.
fetch_kernel() {
    local rel=$1 pkg=$2 version=$3 suite=$4 dir=$cache/kernels/$1 tmp deb img
    if [ -s "$dir/vmlinuz" ]; then
        say "  $rel: cached ($dir)"
        return 0
    fi
    say "  $rel: downloading $pkg $version from $suite"
    # Leftovers of an interrupted run (the lock keeps other runs out).
    rm -rf "$apt_dir"/download/*.deb "$cache"/kernels.tmp.*
    if ! (cd "$apt_dir/download" && timeout 900 apt-get "${apt_opts[@]}" download "$pkg=$version") \
        >"$apt_dir/download.log" 2>&1; then
        tail -n5 "$apt_dir/download.log" >&2
        return 1
    fi
    deb=$(find "$apt_dir/download" -maxdepth 1 -name '*.deb' | head -n1)
    [ -n "$deb" ] || { echo "kernel-matrix: apt-get download left no .deb" >&2; return 1; }
    tmp=$(mktemp -d "$cache/kernels.tmp.XXXXXX")
    if ! dpkg-deb -x "$deb" "$tmp/x"; then
        rm -rf "$tmp" "$deb"
        return 1
    fi
    img=$(find "$tmp/x" -type f -name 'vmlinuz*' | head -n1)
    if [ -z "$img" ]; then
        echo "kernel-matrix: $pkg holds no vmlinuz" >&2
        rm -rf "$tmp" "$deb"
        return 1
    fi
    mv "$img" "$tmp/vmlinuz"
    cfg=$(find "$tmp/x" -type f -name 'config-*' | head -n1)
    [ -n "$cfg" ] && mv "$cfg" "$tmp/config"
    printf 'package=%s\nversion=%s\nsuite=%s\nsha256=%s\n' "$pkg" "$version" "$suite" \
        "$(sha256sum "$deb" | cut -d' ' -f1)" >"$tmp/source"
    rm -rf "$tmp/x" "$deb"
    mkdir -p "$cache/kernels"
    rm -rf "$dir"
    mv "$tmp" "$dir"
}

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
