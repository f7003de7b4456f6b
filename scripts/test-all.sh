#!/usr/bin/env bash
# Runs every test of the project. Works on a fresh Debian machine: it installs the
# stock peers the interop tests start (Debian's mosh 1.4, tmux, openssh-server for the
# wrapper test, vim-tiny as a full-screen program), then checks
# formatting and lints, and runs the unit, vector, property, interop and fuzz-corpus
# tests. The test vectors are read from ../shared/testvectors (or $MOSH_TESTVECTORS).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
{ command -v mosh-server && command -v mosh-client; } >/dev/null 2>&1 || missing+=(mosh)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v cc >/dev/null 2>&1 || missing+=(gcc)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
{ command -v ssh && command -v ssh-keygen; } >/dev/null 2>&1 || missing+=(openssh-client)
command -v vim.tiny >/dev/null 2>&1 || missing+=(vim-tiny)
# Tests signal the daemons they start with /usr/bin/kill (procps), not a shell builtin.
{ [ -x /usr/bin/kill ] || [ -x /bin/kill ]; } || missing+=(procps)
if ((${#missing[@]})); then
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    echo "== installing Debian packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
fi
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
echo "== cargo test"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace 2>&1 | tee "$log"
# One closing line for the whole run: the sum over every cargo test binary.
awk '/^test result:/ { p += $4; f += $6 } END { printf "all tests: %d passed, %d failed\n", p, f }' "$log"
