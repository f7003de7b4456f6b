#!/usr/bin/env bash
# Builds and tests the Swift side: the MoshKit package (bindings/swift) and the iOS
# demo's Linux-testable target (apps/ios-demo, MoshDemoCore), with `swift build` and
# `swift test`, against the host-built libmosh_ffi.so, our mosh-server
# (target/debug/mosh-server) and the stock mosh-server.
#
# The Swift toolchain: `swift` on PATH if there is one (the stock mosh-server must then
# be on PATH too). Otherwise, as root on Debian, a Debian 13 (trixie) root with
# Debian's `swiftlang`, `mosh` and `less` (the mouse test scrolls it) is prepared ONCE, outside the repository, in
# $MOSH_SWIFT_ROOT (default /var/cache/mosh-mobile/swift-root) and reused by later
# runs. The tests run in it with /proc mounted, /dev/pts bind-mounted (the servers'
# ptys) and the repository bind-mounted at the same absolute path; the root shares
# the host's network, so the tests' servers are on the host's loopback. Everything
# is unmounted on exit, after any process left in the root is ended. When the
# toolchain can't be prepared the script fails.
#
#   scripts/test-swift.sh            build, then test both packages
#   MOSH_SWIFT_ROOT=/elsewhere scripts/test-swift.sh
set -euo pipefail
if [ "$(uname -s)" = Darwin ]; then
    echo "on a Mac: bindings/swift/build-xcframework.sh, then swift test in bindings/swift and apps/ios-demo" >&2
    exit 1
fi
repo=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$repo"
swift_root=${MOSH_SWIFT_ROOT:-/var/cache/mosh-mobile/swift-root}
mirror=${MOSH_DEBIAN_MIRROR:-http://deb.debian.org/debian}
export CARGO_TERM_COLOR=never

echo "== native library and our mosh-server (cargo)"
nice cargo build -q -p mosh-ffi --lib
nice cargo build -q -p mosh-server
target_dir=${CARGO_TARGET_DIR:-$repo/target}
target_dir=$(cd "$target_dir" && pwd -P)
# Only the shared library in its folder: with the .a beside it the linker would pick
# whichever it prefers (toolchains.md). Gitignored, under the package.
native=$repo/bindings/swift/.native/linux
mkdir -p "$native"
cp -f "$target_dir/debug/libmosh_ffi.so" "$native/libmosh_ffi.so"
our_server=$target_dir/debug/mosh-server
[ -x "$our_server" ] || { echo "missing $our_server" >&2; exit 1; }

# SwiftPM 6.0 has been seen to keep objects of a package's targets built against the
# previous generated bindings after an FFI enum gained a case (the demo's switch then
# read the wrong case): a build made against other bindings starts afresh.
bindings_stamp=$(sha256sum bindings/swift/Sources/MoshFFI/MoshFFI.swift | cut -c1-64)
for package in bindings/swift apps/ios-demo; do
    if [ "$(cat "$package/.build/.bindings-stamp" 2>/dev/null)" != "$bindings_stamp" ]; then
        rm -rf "$package/.build"
        mkdir -p "$package/.build"
        echo "$bindings_stamp" > "$package/.build/.bindings-stamp"
    fi
done

# What runs inside the toolchain (the host or the trixie root): both packages.
run_swift_tests() {
    cat <<EOF
set -euo pipefail
export LANG=C.UTF-8 MOSHKIT_OUR_SERVER='$our_server'
${MOSHKIT_BACKGROUND_SECONDS:+export MOSHKIT_BACKGROUND_SECONDS='$MOSHKIT_BACKGROUND_SECONDS'}
${MOSHKIT_LOG:+export MOSHKIT_LOG='$MOSHKIT_LOG'}
logs=\$(mktemp -d)
echo "== swift: \$(swift --version 2>&1 | head -n 1)"
echo "== stock peer: \$(mosh-server --version 2>&1 | head -n 1)"
# SwiftPM 6.0.3 has been seen to crash (SIGSEGV in swift-build) on its first run in
# a fresh root; a crash, not a compile error, is retried once.
build() {
    local status=0
    nice swift build --build-tests || status=\$?
    if [ "\$status" -ge 128 ]; then
        echo "swift build crashed (exit \$status); once more"
        status=0
        nice swift build --build-tests || status=\$?
    fi
    return "\$status"
}
cd '$repo/bindings/swift'
echo "== MoshKit: swift build"
build
echo "== MoshKit: swift test"
nice swift test --skip-build --disable-swift-testing 2>&1 | tee \$logs/moshkit.log
cd '$repo/apps/ios-demo'
echo "== MoshDemoCore: swift build"
build
echo "== MoshDemoCore: swift test"
nice swift test --skip-build --disable-swift-testing 2>&1 | tee \$logs/moshdemo.log
summary() { # the closing "All tests" lines of XCTest
    grep -A1 "^Test Suite 'All tests' \(passed\|failed\)" "\$1" | tr -s ' \t\n' ' ' | sed 's/^ *//; s/ *$//'
}
echo "== summary"
echo "MoshKit (bindings/swift):           \$(summary \$logs/moshkit.log)"
echo "MoshDemoCore (apps/ios-demo):       \$(summary \$logs/moshdemo.log)"
EOF
}

if command -v swift >/dev/null 2>&1; then
    echo "== swift found on PATH"
    bash -c "$(run_swift_tests)"
    exit 0
fi

if [ "$(id -u)" -ne 0 ] || [ ! -f /etc/debian_version ]; then
    echo "no swift on PATH, and preparing a Debian 13 root needs root on Debian" >&2
    exit 1
fi

mkdir -p "$(dirname "$swift_root")"
# One preparation at a time; a half-prepared root never counts as ready.
exec 9>"$swift_root.lock"
flock 9
if [ ! -f "$swift_root/.mosh-mobile-ready-v2" ]; then
    echo "== preparing the Debian 13 root with swiftlang once: $swift_root"
    command -v debootstrap >/dev/null 2>&1 || {
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
    }
    partial=$swift_root.partial
    # A previous attempt may have left mounts behind (the repository bind-mounted
    # into the root!): unmount them, and never delete through a mount.
    for dir in "$partial" "$swift_root"; do
        while target=$(findmnt -rn -o TARGET | awk -v d="$dir" '$0 == d || index($0, d "/") == 1' | tail -n 1) \
            && [ -n "$target" ]; do
            umount "$target" 2>/dev/null || umount -l "$target"
        done
    done
    rm -rf --one-file-system "$partial" "$swift_root"
    trap 'umount "$partial/proc" 2>/dev/null || true' EXIT
    debootstrap --variant=minbase trixie "$partial" "$mirror" >"$swift_root.debootstrap.log" 2>&1 || {
        tail -n 20 "$swift_root.debootstrap.log" >&2
        echo "debootstrap failed (log: $swift_root.debootstrap.log)" >&2
        exit 1
    }
    cp -f /etc/resolv.conf "$partial/etc/resolv.conf"
    mount -t proc proc "$partial/proc"
    chroot "$partial" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
        bash -c 'apt-get update -qq && apt-get install -y -qq swiftlang mosh less >/dev/null && apt-get clean'
    umount "$partial/proc"
    trap - EXIT
    chroot "$partial" /usr/bin/env -i PATH=/usr/bin:/bin test -x /usr/bin/mosh-server
    chroot "$partial" /usr/bin/env -i PATH=/usr/bin:/bin test -x /usr/bin/less
    mv "$partial" "$swift_root"
    touch "$swift_root/.mosh-mobile-ready-v2"
else
    echo "== reusing the Debian 13 root: $swift_root"
fi

# Mounts for this run, always undone.
mounts=()
cleanup() {
    local i proc
    # Only processes this run started inside the root (a server daemon a failed
    # test left behind) hold the mounts.
    for proc in /proc/[0-9]*; do
        [ "$(readlink "$proc/root" 2>/dev/null)" = "$swift_root" ] && kill -KILL "${proc#/proc/}" 2>/dev/null
    done
    sleep 0.2
    for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
        umount "${mounts[$i]}" 2>/dev/null || umount -l "${mounts[$i]}" 2>/dev/null || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
bind() { # bind SOURCE: the same absolute path inside the root
    mkdir -p "$swift_root$1"
    mount --bind "$1" "$swift_root$1"
    mounts+=("$swift_root$1")
}
mount -t proc proc "$swift_root/proc"
mounts+=("$swift_root/proc")
# The servers the tests start give their shells a pty.
bind /dev/pts
bind "$repo"
case "$target_dir/" in "$repo/"*) ;; *) bind "$target_dir" ;; esac

chroot "$swift_root" /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
    TERM=dumb bash -c "$(run_swift_tests)"
