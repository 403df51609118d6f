#!/bin/sh
# Builds slb-verify (tools/verifier) twice into OUTDIR:
#   OUTDIR/slb-verify         dynamically linked, for this host
#   OUTDIR/slb-verify-static  statically linked (libbpf, libelf, zlib, zstd if libelf needs
#                             it), for the busybox initramfs of scripts/kernel-matrix.sh
# Usage: tools/verifier/build.sh [OUTDIR]   (default: .build/verifier)
# Needs gcc, libbpf-dev, libelf-dev and zlib1g-dev (libzstd-dev when the static libelf
# needs zstd); says which package is missing instead of failing in the linker.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/.build/verifier}
cc=${CC:-gcc}

die() {
    echo "tools/verifier/build.sh: error: $*" >&2
    exit 1
}

command -v "$cc" >/dev/null 2>&1 || die "no C compiler '$cc' (apt-get install gcc, or set CC)"
multiarch=$("$cc" -print-multiarch 2>/dev/null || true)
[ -n "$multiarch" ] || multiarch=x86_64-linux-gnu
libdir=/usr/lib/$multiarch

[ -f /usr/include/bpf/libbpf.h ] || die "/usr/include/bpf/libbpf.h missing: apt-get install libbpf-dev"
[ -f /usr/include/gelf.h ] || [ -f /usr/include/libelf.h ] ||
    die "libelf headers missing: apt-get install libelf-dev"

mkdir -p "$out" || die "cannot create $out"
srcs="$here/slb-verify.c $here/packet-test.c"
cflags="-O2 -Wall -Wextra -Wno-unused-parameter -I$here -I$root/Sources/SwiftLBABI/include"

# shellcheck disable=SC2086 # word splitting of the flag lists is intended
"$cc" $cflags -o "$out/slb-verify" $srcs -lbpf ||
    die "building $out/slb-verify failed (see the compiler's messages above)"

# Static: each archive must exist; libelf needs zstd only when Debian built it so.
for lib in bpf:libbpf-dev elf:libelf-dev z:zlib1g-dev; do
    name=${lib%%:*} pkg=${lib#*:}
    [ -f "$libdir/lib$name.a" ] || die "$libdir/lib$name.a missing: apt-get install $pkg"
done
static_libs="-lbpf -lelf -lz"
if pkg-config --static --libs libelf 2>/dev/null | grep -q zstd ||
    { [ -f "$libdir/libelf.so.1" ] && ldd "$libdir/libelf.so.1" 2>/dev/null | grep -q zstd; }; then
    [ -f "$libdir/libzstd.a" ] || die "$libdir/libzstd.a missing (libelf needs zstd): apt-get install libzstd-dev"
    static_libs="$static_libs -lzstd"
fi
# shellcheck disable=SC2086
"$cc" $cflags -static -o "$out/slb-verify-static" $srcs $static_libs ||
    die "linking $out/slb-verify-static statically failed (libraries: $static_libs)"

echo "built $out/slb-verify and $out/slb-verify-static"
