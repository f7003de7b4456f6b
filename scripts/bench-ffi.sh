#!/usr/bin/env bash
# What the phone library costs (docs/benchmarks.md): the stripped size of the
# mosh-ffi shared library, and the session_costs bench (idle RSS, datagram → listener
# latency under a flood) and the app_contract bench (UI-thread holds per call under a
# flood, 20 idle sessions) against our server on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=C.UTF-8

cargo build -q --release -p mosh-ffi --lib
cargo build -q --release -p mosh-server
stripped=$(mktemp)
trap 'rm -f "$stripped"' EXIT
strip -o "$stripped" target/release/libmosh_ffi.so
echo "libmosh_ffi.so (x86_64, release): $(stat -c %s target/release/libmosh_ffi.so) bytes, stripped $(stat -c %s "$stripped") bytes"
echo "libmosh_ffi.a (x86_64, release): $(stat -c %s target/release/libmosh_ffi.a) bytes"
cargo bench -q -p mosh-ffi --bench session_costs
cargo bench -q -p mosh-ffi --bench app_contract
