#!/usr/bin/env bash
# Formats the Swift sources (swift format, .swift-format) and the BPF C (clang-format, .clang-format) in place.
set -euo pipefail
cd "$(dirname "$0")/.."
swift format --in-place --recursive --parallel Package.swift Plugins Sources Tests bench
find bpf Sources/SwiftLBABI bench/floor tools \( -name '*.c' -o -name '*.h' \) -print0 | xargs -0 -r clang-format -i
