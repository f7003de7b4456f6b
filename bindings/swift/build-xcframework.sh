#!/usr/bin/env bash
# Builds build/MoshFFIC.xcframework, the native library MoshKit links on Apple
# platforms: mosh-ffi as a static library for iOS devices (arm64), the iOS
# simulator (arm64 + x86_64, one fat library) and macOS (arm64 + x86_64: `swift test`
# on the Mac), with the generated C header and module map. Package.swift's binary
# target points at it.
#
# Needs a Mac with Xcode (xcodebuild, lipo) and rustup. It cannot run on Linux, so
# scripts/test-swift.sh does not run it; run it before opening the package or the
# demo in Xcode:
#   bindings/swift/build-xcframework.sh            # release
#   PROFILE=debug bindings/swift/build-xcframework.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
repo=$(cd "$here/../.." && pwd -P)
profile=${PROFILE:-release}
out=$here/build
targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)

command -v xcodebuild >/dev/null || { echo "xcodebuild not found: run this on a Mac with Xcode" >&2; exit 1; }
rustup target add "${targets[@]}"

cd "$repo"
flags=()
[ "$profile" = release ] && flags+=(--release)
for target in "${targets[@]}"; do
    # The deployment targets match Package.swift's platforms.
    IPHONEOS_DEPLOYMENT_TARGET=15.0 MACOSX_DEPLOYMENT_TARGET=12.0 cargo rustc -p mosh-ffi --lib --crate-type staticlib \
        --target "$target" "${flags[@]}"
done
target_dir=${CARGO_TARGET_DIR:-$repo/target}

rm -rf "$out/MoshFFIC.xcframework" "$out/staging"
mkdir -p "$out/staging/headers" "$out/staging/ios" "$out/staging/ios-simulator" "$out/staging/macos"
# The generated header and module map (module MoshFFIC), as the Linux build uses them.
cp "$here/Sources/MoshFFIC/include/MoshFFIC.h" "$here/Sources/MoshFFIC/include/module.modulemap" \
    "$out/staging/headers/"
cp "$target_dir/aarch64-apple-ios/$profile/libmosh_ffi.a" "$out/staging/ios/libmosh_ffi.a"
lipo -create \
    "$target_dir/aarch64-apple-ios-sim/$profile/libmosh_ffi.a" \
    "$target_dir/x86_64-apple-ios/$profile/libmosh_ffi.a" \
    -output "$out/staging/ios-simulator/libmosh_ffi.a"
lipo -create \
    "$target_dir/aarch64-apple-darwin/$profile/libmosh_ffi.a" \
    "$target_dir/x86_64-apple-darwin/$profile/libmosh_ffi.a" \
    -output "$out/staging/macos/libmosh_ffi.a"

xcodebuild -create-xcframework \
    -library "$out/staging/ios/libmosh_ffi.a" -headers "$out/staging/headers" \
    -library "$out/staging/ios-simulator/libmosh_ffi.a" -headers "$out/staging/headers" \
    -library "$out/staging/macos/libmosh_ffi.a" -headers "$out/staging/headers" \
    -output "$out/MoshFFIC.xcframework"
rm -rf "$out/staging"
echo "built $out/MoshFFIC.xcframework"
