#!/usr/bin/env bash
# Regenerates Sources/GoBGPAPI (Swift messages and gRPC client of gobgpd's API) from gobgp's .proto
# files, as shipped by Debian's golang-github-osrg-gobgp-dev. The output is committed, so builds and
# CI never run this; run it after changing the gobgp version or the generator versions.
#
#   scripts/generate-gobgp-api.sh              # plugins from $GEN_TOOLS_DIR (built there if missing)
#   PROTOC_GEN_SWIFT=... PROTOC_GEN_GRPC_SWIFT=... scripts/generate-gobgp-api.sh
#
# Needs: protoc (Debian protobuf-compiler, which also brings google/protobuf/*.proto), the gobgp
# .proto files, and the two code generators at the versions Package.swift pins:
#   protoc-gen-swift          from apple/swift-protobuf 1.39.0
#   protoc-gen-grpc-swift-2   from grpc/grpc-swift-protobuf 2.4.1
# When a plugin is missing, it is built once into GEN_TOOLS_DIR (default: ../gen-tools beside the
# repository) with `swift build -c release --product ...` (about 10 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
OUT=$REPO/Sources/GoBGPAPI
GEN_TOOLS_DIR=${GEN_TOOLS_DIR:-$(cd .. && pwd)/gen-tools}
SWIFT_PROTOBUF_VERSION=1.39.0
GRPC_SWIFT_PROTOBUF_VERSION=2.4.1

command -v protoc >/dev/null || { echo "protoc missing: apt-get install protobuf-compiler" >&2; exit 2; }
PROTO_DIR=${GOBGP_PROTO_DIR:-}
if [[ -z "$PROTO_DIR" ]]; then
    proto=$(dpkg -L golang-github-osrg-gobgp-dev 2>/dev/null | grep '/api/gobgp\.proto$' | head -n 1) || true
    [[ -n "$proto" ]] || {
        echo "gobgp .proto files missing: apt-get install golang-github-osrg-gobgp-dev (or set GOBGP_PROTO_DIR)" >&2
        exit 2
    }
    PROTO_DIR=$(dirname "$proto")
fi
WKT_DIR=${PROTOBUF_INCLUDE_DIR:-/usr/include}
[[ -f "$WKT_DIR/google/protobuf/any.proto" ]] || { echo "google/protobuf/any.proto not under $WKT_DIR" >&2; exit 2; }

# build_plugin REPO_NAME VERSION PRODUCT: clones OWNER/NAME at VERSION into GEN_TOOLS_DIR and builds PRODUCT.
build_plugin() {
    local name=$1 version=$2 product=$3 dir=$GEN_TOOLS_DIR/${1##*/}
    if [[ ! -d "$dir" ]]; then
        mkdir -p "$GEN_TOOLS_DIR"
        git clone --quiet --branch "$version" "https://github.com/$name" "$dir"
    fi
    (cd "$dir" && swift build -c release --product "$product" >&2)
    echo "$dir/.build/release/$product"
}

PLUGIN_SWIFT=${PROTOC_GEN_SWIFT:-$GEN_TOOLS_DIR/swift-protobuf/.build/release/protoc-gen-swift}
PLUGIN_GRPC=${PROTOC_GEN_GRPC_SWIFT:-$GEN_TOOLS_DIR/grpc-swift-protobuf/.build/release/protoc-gen-grpc-swift-2}
[[ -x "$PLUGIN_SWIFT" ]] || PLUGIN_SWIFT=$(build_plugin apple/swift-protobuf "$SWIFT_PROTOBUF_VERSION" protoc-gen-swift)
[[ -x "$PLUGIN_GRPC" ]] ||
    PLUGIN_GRPC=$(build_plugin grpc/grpc-swift-protobuf "$GRPC_SWIFT_PROTOBUF_VERSION" protoc-gen-grpc-swift-2)

rm -rf "$OUT"
mkdir -p "$OUT"
# Messages of gobgp.proto and attribute.proto (path attributes and NLRI types packed in Any);
# capability.proto is not needed. The gRPC client only: SwiftLB never serves gobgp's API.
protoc --plugin=protoc-gen-swift="$PLUGIN_SWIFT" -I "$PROTO_DIR" -I "$WKT_DIR" \
    --swift_out="$OUT" --swift_opt=Visibility=Public \
    "$PROTO_DIR/gobgp.proto" "$PROTO_DIR/attribute.proto"
protoc --plugin=protoc-gen-grpc-swift-2="$PLUGIN_GRPC" -I "$PROTO_DIR" -I "$WKT_DIR" \
    --grpc-swift-2_out="$OUT" --grpc-swift-2_opt=Visibility=Public,Client=true,Server=false \
    "$PROTO_DIR/gobgp.proto"
# Generated code keeps the generators' layout; the linter skips it.
for f in "$OUT"/*.swift; do
    { echo "// swift-format-ignore-file"; cat "$f"; } >"$f.tmp" && mv "$f.tmp" "$f"
done
echo "generated: $(cd "$OUT" && ls | tr '\n' ' ')($(cat "$OUT"/*.swift | wc -l) lines) from $PROTO_DIR"
