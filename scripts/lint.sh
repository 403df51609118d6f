#!/usr/bin/env bash
# Checks formatting without changing files: swift format lint (strict) and clang-format (kernel style).
# Fix findings with scripts/format.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
swift format lint --strict --recursive --parallel Package.swift Plugins Sources Tests bench || status=1
find bpf Sources/SwiftLBABI bench/floor tools \( -name '*.c' -o -name '*.h' \) -print0 | xargs -0 -r clang-format --dry-run --Werror || status=1
if [ $status -ne 0 ]; then echo "lint: formatting problems found (run scripts/format.sh)" >&2; exit 1; fi
echo "lint: clean"
