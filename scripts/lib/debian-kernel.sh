# shellcheck shell=bash
# Debian kernels for QEMU guests, shared by scripts/kernel-matrix.sh and e2e/srv6_kernel.
# Sourced, not run. The caller defines say MESSAGE and die MESSAGE (die exits) and sets
#   cache   the cache directory (SWIFTLB_KERNEL_CACHE, default /var/cache/swiftlb-kernels)
#   suites  the Debian suites searched, in order of preference
# and may set DK_TAG (the prefix of this file's own messages, default "kernel-matrix").
# Then: dk_lock (creates the cache, takes its lock: one fetch at a time across all users),
# setup_apt (a private apt state under $cache/apt; sets apt_opts), kernel_candidates,
# resolve_kernel SPEC (uses $candidates), fetch_kernel REL PKG VERSION SUITE [MODULE...].
#
# Kernels come from the Debian archive this machine already uses, fetched with `apt-get
# download` through the private apt configuration (nothing is installed, the system's apt
# state is untouched) and unpacked with dpkg-deb. The cache keeps, per release, vmlinuz, the
# config, and only the modules a caller asked for (kernels/REL/modules/, see fetch_kernel).

# dk_lock: the cache directory exists and this process holds its lock (fd 9, up to 900 s).
dk_lock() {
    mkdir -p "$cache" || die "cannot create the cache directory $cache (set SWIFTLB_KERNEL_CACHE)"
    exec 9>"$cache/.lock"
    flock -w 900 9 || die "another kernel fetch or kernel-matrix run holds $cache/.lock"
    apt_dir=$cache/apt
}
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
    echo "${DK_TAG:-kernel-matrix}: $main has no Debian 13 (trixie) keys (debian-archive-keyring too old);" \
        "falling back to the per-release keyrings in /usr/share/keyrings" >&2
    parts=$(ls /usr/share/keyrings/debian-archive-{bookworm,trixie}-*.gpg 2>/dev/null)
    if [ -n "$parts" ] && echo "$parts" | grep -q trixie; then
        combined=$apt_dir/archive-keyring.gpg
        # shellcheck disable=SC2086 # a list of paths
        cat $parts >"$combined"
        echo "$combined"
        return
    fi
    echo "${DK_TAG:-kernel-matrix}: no keyring with Debian 13 keys found (apt-get install debian-archive-keyring" \
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
        echo "${DK_TAG:-kernel-matrix}: WARNING: SWIFTLB_KM_INSECURE_APT=1: kernels are fetched without" \
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
            echo "${DK_TAG:-kernel-matrix}: warning: apt-get update failed; using the lists of an earlier run" >&2
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


# dk_has_modules DIR MODULE...: DIR (kernels/REL) holds each MODULE kept by fetch_kernel.
dk_has_modules() {
    local dir=$1 m
    shift
    for m in "$@"; do
        [ -s "$dir/modules/$m.order" ] || return 1
    done
}

# dk_keep_modules TREE DEST MODULE...: copies MODULE and every module it depends on (from
# TREE/modules.dep, which lists the whole chain) into DEST as NAME.ko, decompressed (.ko.xz,
# .ko.zst, .ko.gz: busybox's insmod reads plain files), and writes DEST/MODULE.order, the
# names to insmod, dependencies first as far as modules.dep tells (kmod's depmod lists them
# in reverse load order, busybox's in no promised order: a loader should retry a failed insmod
# after the others). A built-in MODULE (modules.builtin) gets
# an empty order file with the line "builtin". Fails when a MODULE is neither.
dk_keep_modules() {
    local tree=$1 dest=$2 m line path name deps d
    shift 2
    mkdir -p "$dest" || return 1
    for m in "$@"; do
        m=${m//-/_}
        line=$(awk -v m="$m" '{
                p = $1; sub(/:$/, "", p); n = p; sub(/.*\//, "", n); sub(/\.ko(\.(xz|zst|gz))?$/, "", n)
                gsub(/-/, "_", n)
                if (n == m) { print; exit }
            }' "$tree/modules.dep")
        if [ -z "$line" ]; then
            if grep -qE "/${m//_/[-_]}\.ko$" "$tree/modules.builtin" 2>/dev/null; then
                echo builtin >"$dest/$m.order"
                continue
            fi
            echo "${DK_TAG:-kernel-matrix}: module $m is neither in modules.dep nor built in" >&2
            return 1
        fi
        path=${line%%:*}
        deps=${line#*:}
        : >"$dest/$m.order.tmp"
        for d in $(echo "$deps" | tr ' ' '\n' | sed '/^$/d' | tac) "$path"; do
            name=${d##*/}
            name=${name%%.ko*}
            name=${name//-/_}
            if [ ! -s "$dest/$name.ko" ]; then
                case $d in
                *.ko.xz) xz -dc "$tree/$d" >"$dest/$name.ko" ;;
                *.ko.zst) zstd -qdc "$tree/$d" >"$dest/$name.ko" ;;
                *.ko.gz) gzip -dc "$tree/$d" >"$dest/$name.ko" ;;
                *) cp "$tree/$d" "$dest/$name.ko" ;;
                esac || { rm -f "$dest/$name.ko"; return 1; }
            fi
            echo "$name" >>"$dest/$m.order.tmp"
        done
        mv "$dest/$m.order.tmp" "$dest/$m.order"
    done
}

# dk_modtree ROOT REL: the module tree of REL unpacked under ROOT (lib/modules/REL or
# usr/lib/modules/REL, holding kernel/), or nothing.
dk_modtree() {
    local d
    for d in "$1/lib/modules/$2" "$1/usr/lib/modules/$2"; do
        [ -d "$d/kernel" ] && { echo "$d"; return; }
    done
}

# dk_download PKG=VERSION: apt-get download into $apt_dir/download (empty before); sets deb.
dk_download() {
    if ! (cd "$apt_dir/download" && timeout 900 apt-get "${apt_opts[@]}" download "$1") \
        >"$apt_dir/download.log" 2>&1; then
        tail -n5 "$apt_dir/download.log" >&2
        return 1
    fi
    deb=$(find "$apt_dir/download" -maxdepth 1 -name '*.deb' | head -n1)
    [ -n "$deb" ] || { echo "${DK_TAG:-kernel-matrix}: apt-get download left no .deb" >&2; return 1; }
}

# fetch_kernel REL PKG VERSION SUITE [MODULE...]: makes sure $cache/kernels/REL/vmlinuz (and
# config, source) exist, with apt-get download + dpkg-deb -x, and that each MODULE is kept in
# kernels/REL/modules (dk_keep_modules; from the image package, or linux-modules-REL of the
# same version where the image package has none, as from 6.19 on); a cached kernel without a
# wanted module is fetched again, keeping the modules it had.
fetch_kernel() {
    local rel=$1 pkg=$2 version=$3 suite=$4 dir=$cache/kernels/$1 tmp deb img cfg tree f sum extra=
    shift 4
    local mods=("$@")
    if [ -s "$dir/vmlinuz" ] && dk_has_modules "$dir" "${mods[@]}"; then
        say "  $rel: cached ($dir)"
        return 0
    fi
    if [ -d "$dir/modules" ]; then
        for f in "$dir"/modules/*.order; do
            [ -e "$f" ] && mods+=("$(basename "$f" .order)")
        done
    fi
    say "  $rel: downloading $pkg $version from $suite"
    # Leftovers of an interrupted run (the lock keeps other runs out).
    rm -rf "$apt_dir"/download/*.deb "$cache"/kernels.tmp.*
    dk_download "$pkg=$version" || return 1
    sum=$(sha256sum "$deb" | cut -d' ' -f1)
    tmp=$(mktemp -d "$cache/kernels.tmp.XXXXXX")
    if ! dpkg-deb -x "$deb" "$tmp/x"; then
        rm -rf "$tmp" "$deb"
        return 1
    fi
    img=$(find "$tmp/x" -type f -name 'vmlinuz*' | head -n1)
    if [ -z "$img" ]; then
        echo "${DK_TAG:-kernel-matrix}: $pkg holds no vmlinuz" >&2
        rm -rf "$tmp" "$deb"
        return 1
    fi
    mv "$img" "$tmp/vmlinuz"
    if [ ${#mods[@]} -gt 0 ] && [ -z "$(dk_modtree "$tmp/x" "$rel")" ]; then
        # From 6.19 on the modules are in linux-modules-REL, modules.builtin in linux-base-REL.
        for f in "linux-modules-$rel" "linux-base-$rel"; do
            rm -f "$deb"
            if dk_download "$f=$version" && dpkg-deb -x "$deb" "$tmp/x"; then
                extra+="also=$f sha256=$(sha256sum "$deb" | cut -d' ' -f1)"$'\n'
            else
                echo "${DK_TAG:-kernel-matrix}: $f $version: download or unpacking failed" >&2
            fi
        done
    fi
    cfg=$(find "$tmp/x" -type f -name 'config-*' | head -n1)
    [ -n "$cfg" ] && mv "$cfg" "$tmp/config"
    if [ ${#mods[@]} -gt 0 ]; then
        # The package has no modules.dep (depmod makes it on install): busybox's depmod (the
        # host may have no kmod) writes it into the unpacked tree (BASE/lib/modules/REL, BASE
        # x or x/usr); about 30 s, once per kernel.
        tree=$(dk_modtree "$tmp/x" "$rel")
        if [ -n "$tree" ] && [ ! -s "$tree/modules.dep" ]; then
            "${busybox:-busybox}" depmod -b "${tree%/lib/modules/*}" "$rel" 2>>"$apt_dir/download.log" || tree=
        fi
        if [ -z "$tree" ] || ! dk_keep_modules "$tree" "$tmp/modules" "${mods[@]}"; then
            echo "${DK_TAG:-kernel-matrix}: $pkg: cannot keep the modules ${mods[*]}" \
                "(modules: ${tree:-none})" >&2
            rm -rf "$tmp" "$deb"
            return 1
        fi
    fi
    printf 'package=%s\nversion=%s\nsuite=%s\nsha256=%s\n' "$pkg" "$version" "$suite" "$sum" >"$tmp/source"
    printf '%s' "$extra" >>"$tmp/source"
    rm -rf "$tmp/x" "$deb"
    mkdir -p "$cache/kernels"
    rm -rf "$dir"
    mv "$tmp" "$dir"
}
