#!/usr/bin/env bash
# Runs every test of the project. Works on a fresh Debian machine: it installs the
# stock peers the interop tests start (Debian's mosh 1.4, tmux, openssh-server for the
# wrapper test, vim-tiny as a full-screen program, less for the mouse tests), then checks
# formatting and lints, checks the library for iOS and Android, and runs the unit,
# vector, property, interop and fuzz-corpus tests, then the Kotlin tests
# (scripts/test-kotlin.sh) and the Swift tests (scripts/test-swift.sh). The test vectors are read from ../shared/testvectors (or $MOSH_TESTVECTORS).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
{ command -v mosh-server && command -v mosh-client; } >/dev/null 2>&1 || missing+=(mosh)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v cc >/dev/null 2>&1 || missing+=(gcc)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
{ command -v ssh && command -v ssh-keygen; } >/dev/null 2>&1 || missing+=(openssh-client)
command -v vim.tiny >/dev/null 2>&1 || missing+=(vim-tiny)
# The mouse tests scroll `less --mouse` with wheel events.
command -v less >/dev/null 2>&1 || missing+=(less)
# Tests signal the daemons they start with /usr/bin/kill (procps), not a shell builtin.
{ [ -x /usr/bin/kill ] || [ -x /bin/kill ]; } || missing+=(procps)
# The servers' login records go through libutempter's helper (a dependency of mosh).
compgen -G '/usr/lib/*/utempter/utempter' >/dev/null || missing+=(libutempter0)
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
if ((${#missing[@]})); then
    echo "== installing Debian packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
fi
# The login-record test reads utmp, which a login system has and a bare container may
# not: created empty, group utmp, as Debian's.
[ -e /var/run/utmp ] || "${sudo[@]}" install -m 664 -g utmp /dev/null /var/run/utmp
echo "== stock peers: $(mosh-server --version 2>&1 | head -n 1); $(tmux -V)"

# mosh-server and mosh-client refuse to run without a UTF-8 locale.
export LANG=C.UTF-8
export CARGO_TERM_COLOR=never

echo "== cargo fmt"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
echo "== sans-IO core without tokio; the library alone"
cargo check -q -p mosh-core --no-default-features
cargo check -q -p mosh-core --no-default-features --features runtime
echo "== mosh-ffi for phones (pure Rust: checks with no target linker)"
rustup target add aarch64-apple-ios aarch64-linux-android >/dev/null 2>&1 \
    || rustup target add aarch64-apple-ios aarch64-linux-android
# oslog's C shim needs Xcode's xcrun: checked without it here (see mosh-ffi/Cargo.toml).
cargo check -q -p mosh-ffi --target aarch64-apple-ios --no-default-features
cargo check -q -p mosh-ffi --target aarch64-linux-android
echo "== generated bindings are current"
bash scripts/gen-bindings.sh --check
echo "== dependency licences, bans and sources (cargo deny; deny.toml; no advisory database needed)"
if ! cargo deny --version >/dev/null 2>&1; then
    # About five minutes on two cores, once per machine.
    cargo install --locked cargo-deny
fi
cargo deny check licenses bans sources
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
# Every suite runs even when an earlier one failed; the run fails at the end.
status=0
echo "== cargo test"
cargo test --workspace --no-fail-fast 2>&1 | tee "$logs/cargo.log" || status=1
echo "== Kotlin: bindings/kotlin and apps/android-demo (Maven, JNA, Robolectric)"
bash scripts/test-kotlin.sh 2>&1 | tee "$logs/kotlin.log" || status=1
echo "== Swift: bindings/swift and apps/ios-demo (swift test in a Debian 13 root)"
bash scripts/test-swift.sh 2>&1 | tee "$logs/swift.log" || status=1

# One closing line for the whole run: cargo's test binaries, Maven Surefire's module
# summaries and XCTest's "All tests" suites, added up.
cargo_counts=$(awk '/^test result:/ { p += $4; f += $6 } END { print p + 0, f + 0 }' "$logs/cargo.log")
kotlin_counts=$(awk '/Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$/ {
        gsub(/[^0-9 ]/, " "); split($0, n, " +");
        run += $(NF-3); failed += $(NF-2) + $(NF-1); skipped += $NF }
    END { print run - failed - skipped, failed }' "$logs/kotlin.log")
swift_counts=$(grep -A1 "^Test Suite 'All tests' \(passed\|failed\)" "$logs/swift.log" \
    | awk '/Executed [0-9]+ tests?, with [0-9]+ failures?/ {
        for (i = 1; i <= NF; i++) { if ($i == "Executed") t += $(i+1); if ($i == "with") f += $(i+1) } }
        END { print t - f, f + 0 }')
read -r cp cf <<<"$cargo_counts"
read -r kp kf <<<"$kotlin_counts"
read -r sp sf <<<"$swift_counts"
echo "cargo: $cp passed, $cf failed; Kotlin: $kp passed, $kf failed; Swift: $sp passed, $sf failed"
[ "$((cf + kf + sf))" -eq 0 ] || status=1
echo "all tests: $((cp + kp + sp)) passed, $((cf + kf + sf)) failed"
exit "$status"
