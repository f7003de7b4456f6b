#!/usr/bin/env bash
# Generates the Swift and Kotlin bindings of mosh-ffi from the built library
# (uniffi library mode) into bindings/swift and bindings/kotlin.
#
# The generated files are checked in, so app developers read and use them without a
# Rust toolchain; `scripts/gen-bindings.sh --check` (run by scripts/test-all.sh)
# regenerates them into a temporary folder and fails when the checked-in ones are stale.
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
[ "${1:-}" = "--check" ] && check=true

cargo build -q -p mosh-ffi --features bindgen --bin uniffi-bindgen
cargo build -q -p mosh-ffi --lib
lib=target/debug/libmosh_ffi.so
bindgen=target/debug/uniffi-bindgen

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bindgen" generate --library "$lib" --language kotlin --no-format --out-dir "$out/kotlin" >/dev/null
# The Android flavour (mosh-ffi/uniffi-android.toml: a cleaner for every API level).
"$bindgen" generate --library "$lib" --language kotlin --no-format \
    --config mosh-ffi/uniffi-android.toml --out-dir "$out/kotlin-android" >/dev/null
"$bindgen" generate --library "$lib" --language swift --no-format --out-dir "$out/swift" >/dev/null

# Where each generated file lives in the packages.
kotlin_src=bindings/kotlin/src/jvm/kotlin/dev/moshmobile/ffi/mosh_ffi.kt
kotlin_android_src=bindings/kotlin/src/android/kotlin/dev/moshmobile/ffi/mosh_ffi.kt
swift_src=bindings/swift/Sources/MoshFFI/MoshFFI.swift
swift_header=bindings/swift/Sources/MoshFFIC/include/MoshFFIC.h
swift_modulemap=bindings/swift/Sources/MoshFFIC/include/module.modulemap

declare -A files=(
    ["$out/kotlin/dev/moshmobile/ffi/mosh_ffi.kt"]=$kotlin_src
    ["$out/kotlin-android/dev/moshmobile/ffi/mosh_ffi.kt"]=$kotlin_android_src
    ["$out/swift/MoshFFI.swift"]=$swift_src
    ["$out/swift/MoshFFIC.h"]=$swift_header
    ["$out/swift/MoshFFIC.modulemap"]=$swift_modulemap
)

stale=0
for generated in "${!files[@]}"; do
    target=${files[$generated]}
    if $check; then
        if ! cmp -s "$generated" "$target"; then
            echo "stale generated binding: $target (run scripts/gen-bindings.sh)" >&2
            stale=1
        fi
    else
        mkdir -p "$(dirname "$target")"
        cp "$generated" "$target"
        echo "wrote $target"
    fi
done
exit $stale
